"""Planning against a real git repository: the target, the commits, the preflight checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rollback_repo import ENV, git, make_repo

from autus_tui.core.rollback import RollbackConfig
from autus_tui.core.rollback_plan import Check
from autus_tui.services.rollback_planning import make_plan


def test_the_plan_lists_tags_resolves_v0_9_10_and_the_commits_rolled_back(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path)
    git(repo, "commit", "-q", "--allow-empty", "-m", "hotfix after launch")
    plan = make_plan(RollbackConfig(), repo, env=ENV)
    assert plan.ready, plan.failed_checks
    assert plan.current_tags == ("v1.0.0",)
    assert plan.candidates == ("v0.9.0", "v0.9.9", "v0.9.10")
    assert plan.target == "v0.9.10"
    assert plan.target_sha == git(repo, "rev-parse", "v0.9.10^{commit}")
    assert [c.subject for c in plan.commits] == ["hotfix after launch", "release v1.0.0"]
    assert plan.commits_total == 2
    assert plan.running.startswith("v1.0.0-1-g")  # HEAD is past the tag: git describe
    assert [s.argv for s in plan.steps] == [
        ("git", "tag", "-l", "v1.0*"), ("git", "checkout", "v0.9.10"), ("make", "deploy-prod")]
    assert {s.cwd for s in plan.steps} == {str(repo)}


def test_the_running_version_is_the_tag_at_head_and_fills_the_notice(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    plan = make_plan(RollbackConfig(), repo, env=ENV)
    assert plan.running == "v1.0.0"
    assert plan.notice == "v1.0.0 → v0.9.10 롤백 완료"


def test_the_default_repo_is_the_start_folder_and_a_relative_one_is_taken_from_it(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path)
    assert make_plan(RollbackConfig(), repo, env=ENV).repo == str(repo)
    assert make_plan(RollbackConfig(repo="autus"), tmp_path, env=ENV).ready


def test_the_operator_may_change_the_pattern(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    plan = make_plan(RollbackConfig(), repo, pattern="v0.9.9*", env=ENV)
    assert plan.target == "v0.9.9" and plan.pattern == "v0.9.9*"


def _failed(checks: Sequence[Check]) -> dict[str, str]:
    return {c.key: c.reason for c in checks}


def test_a_dirty_working_tree_fails_preflight(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "VERSION").write_text("edited by hand\n", encoding="utf-8")
    failed = _failed(make_plan(RollbackConfig(), repo, env=ENV).failed_checks)
    assert list(failed) == ["clean_tree"] and "M VERSION" in failed["clean_tree"]


def test_no_tag_matching_the_pattern_fails_preflight(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    plan = make_plan(replace(RollbackConfig(), pattern="v0.8*"), repo, env=ENV)
    assert plan.target is None
    assert "no tag matches v0.8*" in _failed(plan.failed_checks)["target_exists"]


def test_a_missing_folder_or_not_a_repository_is_one_clear_line(tmp_path: Path) -> None:
    missing = make_plan(RollbackConfig(), tmp_path / "nope", env=ENV)
    assert _failed(missing.failed_checks)["repository"] == (
        f"the repository folder {tmp_path / 'nope'} does not exist")
    (tmp_path / "plain").mkdir()
    plain = make_plan(RollbackConfig(), tmp_path / "plain", env=ENV)
    reason = _failed(plain.failed_checks)["repository"]
    assert reason.startswith(f"{tmp_path / 'plain'} is not a git repository")
    assert "\n" not in reason and not plain.ready
    assert "not checked" in _failed(plain.failed_checks)["clean_tree"]


def test_git_not_installed_is_a_failed_check_not_a_traceback(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    plan = make_plan(RollbackConfig(), repo, env={**ENV, "PATH": str(empty)})
    assert _failed(plan.failed_checks)["repository"] == "git is not installed (not found on PATH)"


def test_an_unusable_home_in_repo_is_a_failed_check(tmp_path: Path) -> None:
    plan = make_plan(RollbackConfig(repo="~no-such-user-here/x"), tmp_path, env=ENV)
    assert "rollback.repo" in _failed(plan.failed_checks)["repository"]
