"""The rollback's pure rules: [rollback] config, version order, the plan, confirming it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from autus_tui.core.config import ConfigError, build_config
from autus_tui.core.rollback import (
    CONDITIONS,
    RollbackConfig,
    StepSpec,
    is_safe_tag,
    resolve_target,
    version_key,
)
from autus_tui.core.rollback_plan import Commit, RepoFacts, build_plan, confirm_problems
from autus_tui.core.rollback_run import clean_line
from autus_tui.services.config_files import load_config

TAGS = ("v0.9.0", "v0.9.10", "v0.9.9", "v1.0.0")


def facts(**changes: Any) -> RepoFacts:
    base = RepoFacts(
        "/srv/autus", tags=TAGS, head="a" * 40, head_tags=("v1.0.0",),
        target="v0.9.10", target_sha="b" * 40,
        commits=(Commit("aaaaaaa", "launch fix"), Commit("ccccccc", "v1.0 features")),
        commits_total=2)
    return replace(base, **changes)


def test_the_default_steps_are_the_seeds_procedure() -> None:
    config = build_config([]).rollback
    assert [step.argv for step in config.steps] == [
        ("git", "tag", "-l", "v1.0*"), ("git", "checkout", "{target}"), ("make", "deploy-prod")]
    assert (config.repo, config.pattern, config.current_pattern) == ("", "v0.9*", "v1.0*")
    assert [c.label for c in CONDITIONS] == [
        "전체 서비스 30분 이상 중단", "데이터 무결성 손상", "보안 취약점 발견"]


def test_v0_9_10_is_above_v0_9_9_and_suffixes_sort_below() -> None:
    assert version_key("v0.9.10") > version_key("v0.9.9") > version_key("v0.9.0")
    assert version_key("v0.9.10-rc1") < version_key("v0.9.10")
    assert version_key("v0.9.10-rc1") > version_key("v0.9.9")
    assert version_key("latest") < version_key("v0.0.1")
    assert resolve_target(TAGS, "v0.9*") == "v0.9.10"
    assert resolve_target(TAGS, "v2*") is None


def test_a_tag_that_could_be_an_option_or_path_is_never_a_target() -> None:
    assert not is_safe_tag("-b") and not is_safe_tag("../x") and not is_safe_tag("a/b")
    assert resolve_target(("v0.9.1", "v0.9.9/../../x", "v0.9.99 x"), "v0.9*") == "v0.9.1"


def test_the_plan_resolves_the_target_and_shows_each_steps_argv_and_folder() -> None:
    plan = build_plan(RollbackConfig(), facts())
    assert plan.target == "v0.9.10" and plan.running == "v1.0.0"
    assert plan.current_tags == ("v1.0.0",)
    assert plan.candidates == ("v0.9.0", "v0.9.9", "v0.9.10")
    assert [(s.argv, s.cwd) for s in plan.steps][1] == (("git", "checkout", "v0.9.10"),
                                                        "/srv/autus")
    assert plan.notice == "v1.0.0 → v0.9.10 롤백 완료"
    assert plan.ready and [c.key for c in plan.checks] == [
        "repository", "clean_tree", "target_exists", "no_rollback_running"]


@pytest.mark.parametrize(("change", "key", "words"), [
    ({"dirty": (" M Makefile",)}, "clean_tree", "1 uncommitted change(s): M Makefile"),
    ({"tags": ("v1.0.0",)}, "target_exists", "no tag matches v0.9*"),
    ({"problem": "the repository folder /x does not exist"}, "repository", "does not exist"),
])
def test_a_failed_preflight_check_says_why(change: dict[str, Any], key: str, words: str) -> None:
    plan = build_plan(RollbackConfig(), facts(**change))
    failed = {c.key: c.reason for c in plan.failed_checks}
    assert key in failed and words in failed[key] and not plan.ready


def test_the_fingerprint_changes_with_what_the_confirmation_is_bound_to() -> None:
    config = RollbackConfig()
    plan = build_plan(config, facts())
    assert build_plan(config, facts()).fingerprint == plan.fingerprint
    new_tag = facts(tags=(*TAGS, "v0.9.11"), target="v0.9.11")
    for other in (build_plan(config, new_tag), build_plan(config, facts(head="c" * 40)),
                  build_plan(config, facts(), running_run="rollback #1 is running"),
                  build_plan(config, facts(), rehearsal=True)):
        assert other.fingerprint != plan.fingerprint


def test_confirming_needs_a_condition_a_reason_and_the_target_typed_in_full() -> None:
    plan = build_plan(RollbackConfig(), facts())
    missing = confirm_problems(plan, (), "", "")
    assert [p.field for p in missing] == ["conditions", "reason", "target"]
    assert confirm_problems(plan, ("security",), "CVE in gate", "v0.9.10") == []
    for typed in ("v0.9.1", "-b x", "../v0.9.10", "v0.9.9"):
        problems = confirm_problems(plan, ("security",), "why", typed)
        assert [p.field for p in problems] == ["target"], typed
    assert confirm_problems(plan, ("not-a-condition",), "why", "v0.9.10")[0].field == "conditions"


def test_a_plan_with_a_failed_check_cannot_be_confirmed() -> None:
    plan = build_plan(RollbackConfig(), facts(dirty=("?? x",)))
    problems = confirm_problems(plan, ("security",), "why", "v0.9.10")
    assert [p.field for p in problems] == ["plan"] and "working tree" in str(problems[0])


def test_rollback_steps_load_from_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "autus.toml"
    path.write_text(
        '[rollback]\nrepo = "/srv/autus"\n[[rollback.steps]]\nname = "checkout"\n'
        'argv = ["git", "checkout", "{target}"]\ntimeout = 60\n'
        '[[rollback.steps]]\nargv = ["make", "deploy-prod"]\ntimeout = 600\n', encoding="utf-8")
    config = load_config(str(path), {}, {}).rollback
    assert [s.argv for s in config.steps] == [("git", "checkout", "{target}"),
                                              ("make", "deploy-prod")]
    path.write_text('[[rollback.steps]]\nargv = ["make"]\ntimeout = nan\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(str(path), {}, {})
    assert str(caught.value).startswith(f"{path}: rollback.steps[1].timeout: expected seconds")


def _load(table: dict[str, Any]) -> RollbackConfig:
    return build_config([("autus.toml", {"rollback": table})]).rollback


def test_steps_and_patterns_come_from_config() -> None:
    config = _load({"repo": "/srv/x", "pattern": "v0.8*", "steps": [
        {"name": "checkout", "argv": ["git", "checkout", "{target}"], "timeout": 5},
        {"argv": ["awk", "{print $1}", "f"], "timeout": 1.5}]})
    assert config.steps == (StepSpec("checkout", ("git", "checkout", "{target}"), 5.0),
                            StepSpec("awk {print $1} f", ("awk", "{print $1}", "f"), 1.5))
    assert config.steps[0].resolve("v0.8.2") == ("git", "checkout", "v0.8.2")
    assert (config.repo, config.pattern) == ("/srv/x", "v0.8*")


@pytest.mark.parametrize(("table", "key", "problem"), [
    ({"steps": []}, "rollback.steps", "expected a list"),
    ({"steps": [{"argv": [], "timeout": 1}]}, "rollback.steps[1].argv", "non-empty"),
    ({"steps": [{"argv": ["x"]}]}, "rollback.steps[1].timeout", "required"),
    ({"steps": [{"argv": ["x"], "timeout": float("inf")}]}, "rollback.steps[1].timeout",
     "at most 3600"),
    ({"steps": [{"argv": ["x"], "timeout": 0}]}, "rollback.steps[1].timeout", "above 0"),
    ({"steps": [{"argv": ["x"], "timeout": 99999}]}, "rollback.steps[1].timeout", "at most"),
    ({"steps": [{"argv": ["git", "{branch}"], "timeout": 1}]}, "rollback.steps[1].argv[1]",
     "unknown placeholder {branch}"),
    ({"steps": [{"argv": ["git", "--ref={target}"], "timeout": 1}]},
     "rollback.steps[1].argv[1]", "whole argument"),
    ({"steps": [{"argv": ["{target}"], "timeout": 1}]}, "rollback.steps[1].argv[0]",
     "program"),
    ({"steps": [{"argv": ["x"], "timeout": 1, "shell": True}]}, "rollback.steps[1].shell",
     "unknown key"),
    ({"notice": "{who} did it"}, "rollback.notice", "unknown placeholder {who}"),
    ({"patern": "v0.9*"}, "rollback.patern", "unknown key"),
    ({"pattern": ""}, "rollback.pattern", "non-empty"),
])
def test_bad_rollback_config_names_the_key(table: dict[str, Any], key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(table)
    assert caught.value.key == key and problem in caught.value.problem


def test_output_lines_are_cleaned_of_escapes_and_bidi_and_capped() -> None:
    assert clean_line("\x1b[31mred\x1b[0m [bold]x[/] \u202egnp.exe") == "red [bold]x[/] gnp.exe"
    assert len(clean_line("x" * 5000)) == 1000
