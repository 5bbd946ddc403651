"""Planning a rollback: ask git about the repository, then ``core.rollback_plan`` decides.

Git runs as a real subprocess: argv lists (never a shell), ``stdin=DEVNULL``, a timeout
each, ``GIT_OPTIONAL_LOCKS=0`` (``git status`` must not take the index lock while a step
may be running) and ``GIT_TERMINAL_PROMPT=0``. What it reads: ``git tag -l``, ``git tag
--points-at HEAD`` / ``git describe --tags --always`` (the running version), ``git
status --porcelain`` (a clean tree), ``git rev-parse refs/tags/<target>^{commit}`` and
``git log target..HEAD`` (the commits rolled back, at most ``MAX_COMMITS`` listed).

A repository folder that is missing, not a folder, not a git repository, a git that is
not installed or hangs: the plan comes back with a failed ``repository`` check and a
one-line reason, never an exception.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from autus_tui.core.config import UNKNOWN_HOME
from autus_tui.core.rollback import RollbackConfig, resolve_target
from autus_tui.core.rollback_plan import Commit, RepoFacts, RollbackPlan, build_plan
from autus_tui.core.rollback_run import RunRecord, clean_line
from autus_tui.services.rollback_liveness import observe
from autus_tui.store import Store

GIT_TIMEOUT = 10.0
MAX_COMMITS = 200


class GitError(Exception):
    """One line: which git command failed and how."""


def repo_path(config: RollbackConfig, start_dir: Path) -> Path:
    """The configured folder (relative ones from ``start_dir``), else ``start_dir``."""
    if not config.repo:
        return Path(os.path.abspath(start_dir))
    try:
        path = Path(config.repo).expanduser()
    except RuntimeError:
        raise GitError(f"rollback.repo {config.repo!r}: {UNKNOWN_HOME}") from None
    return Path(os.path.abspath(start_dir / path))  # an absolute path stays itself


def _git(repo: Path, env: Mapping[str, str], *args: str) -> str:
    argv = ["git", *args]
    try:
        done = subprocess.run(argv, cwd=repo, env=dict(env), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not answer within {GIT_TIMEOUT:g} s") from None
    except OSError as error:
        raise GitError(f"cannot run git ({error.strerror or error})") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {clean_line(said[0] if said else '', 200)}"
                       if said else f"git {args[0]} exited {done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(clean_line(line, 300) for line in text.splitlines() if line.strip())


def git_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    base = dict(os.environ if env is None else env)
    base.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0")
    return base


def read_repo(repo: Path, env: Mapping[str, str] | None = None) -> RepoFacts:
    """Tags, HEAD, its tags or description and the status: or the problem, in one line."""
    env = git_env(env)
    shown = clean_line(str(repo), 300)
    if not repo.exists():
        return RepoFacts(shown, problem=f"the repository folder {shown} does not exist")
    if not repo.is_dir():
        return RepoFacts(shown, problem=f"{shown} is not a folder")
    if shutil.which("git", path=env.get("PATH", "")) is None:
        return RepoFacts(shown, problem="git is not installed (not found on PATH)")
    try:
        inside = _git(repo, env, "rev-parse", "--is-inside-work-tree").strip()
    except GitError as error:
        return RepoFacts(shown, problem=f"{shown} is not a git repository ({error})")
    if inside != "true":
        return RepoFacts(shown, problem=f"{shown} is not a git working tree")
    try:
        try:
            head = _git(repo, env, "rev-parse", "--verify", "HEAD").strip()
        except GitError:
            return RepoFacts(shown, problem=f"{shown} has no commit checked out (no HEAD)")
        head_tags = _lines(_git(repo, env, "tag", "--points-at", "HEAD"))
        described = "" if head_tags else _git(
            repo, env, "describe", "--tags", "--always").strip()
        return RepoFacts(
            shown, tags=_lines(_git(repo, env, "tag", "-l")), head=head, head_tags=head_tags,
            described=clean_line(described, 200),
            dirty=_lines(_git(repo, env, "status", "--porcelain")))
    except GitError as error:
        return RepoFacts(shown, problem=str(error))


def read_target(
    repo: Path, facts: RepoFacts, target: str, env: Mapping[str, str] | None = None,
) -> RepoFacts:
    """Add the target's commit and the commits between it and HEAD to ``facts``."""
    env = git_env(env)
    try:
        sha = _git(repo, env, "rev-parse", "--verify", "--quiet",
                   f"refs/tags/{target}^{{commit}}").strip()
    except GitError:
        return replace(facts, target=target)  # the target_exists check then fails
    try:
        log = _git(repo, env, "log", "--no-color", f"--max-count={MAX_COMMITS}",
                   "--format=%h %s", f"{sha}..HEAD")
        total = int(_git(repo, env, "rev-list", "--count", f"{sha}..HEAD").strip() or 0)
    except (GitError, ValueError) as error:
        return replace(facts, problem=str(error))
    commits = tuple(Commit(*line.partition(" ")[::2]) for line in _lines(log))
    return replace(facts, target=target, target_sha=sha, commits=commits, commits_total=total)


def make_plan(
    config: RollbackConfig, start_dir: Path, *, running: RunRecord | None = None,
    pattern: str | None = None, rehearsal: bool = False, env: Mapping[str, str] | None = None,
) -> RollbackPlan:
    """The plan for ``config``'s repository (``running``: a run already going)."""
    try:
        repo = repo_path(config, start_dir)
    except GitError as error:
        facts = RepoFacts(clean_line(config.repo, 300), problem=str(error))
    else:
        facts = read_repo(repo, env)
        target = None if facts.problem else resolve_target(facts.tags, pattern or config.pattern)
        if target is not None:
            facts = read_target(repo, facts, target, env)
    busy = f"{running.describe()} is running" if running is not None and running.active else ""
    return build_plan(config, facts, running_run=busy, pattern=pattern, rehearsal=rehearsal)


def plan_for(
    store: Store, config: RollbackConfig, start_dir: Path, operator: str, *,
    pattern: str | None = None, rehearsal: bool = False, env: Mapping[str, str] | None = None,
) -> RollbackPlan:
    """``make_plan`` with the database's running run (a dead runner's run marked first)."""
    current = observe(store, operator)
    running = current if current is not None and current.active else None
    return make_plan(config, start_dir, running=running, pattern=pattern,
                     rehearsal=rehearsal, env=env)
