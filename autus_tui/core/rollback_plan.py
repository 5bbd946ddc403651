"""The rollback plan a dialog shows, and what confirming it needs.

``services.rollback_planning`` reads the repository (git) into ``RepoFacts``; ``build_plan``
turns facts + ``RollbackConfig`` into a ``RollbackPlan``: the tags ``git tag -l
'<current_pattern>'`` lists, the running version, the candidates matching the pattern
and the resolved target (the highest), the commits being rolled back, the preflight
checks (each pass/fail with a one-line reason) and every step's exact argv and working
folder. ``plan.fingerprint`` hashes everything the confirmation is bound to: when a tag
appears, HEAD moves, the tree gets dirty or another rollback starts, the fingerprint
changes and the confirmation no longer applies (plan again).

``confirm_problems`` lists what is still missing before apply (no condition ticked,
blank reason, the target not typed in full, a failed check). It accepts a typed target
only when it equals the plan's target AND is one of the listed candidates AND looks like
a tag, so an option such as ``-b x`` or a path never reaches an argv.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Collection
from dataclasses import dataclass, replace

from autus_tui.core.rollback import (
    CONDITION_KEYS,
    RollbackConfig,
    is_safe_tag,
    matching,
    notice_text,
    resolve_target,
    version_key,
)


@dataclass(frozen=True)
class Commit:
    sha: str
    """Abbreviated, as ``git log --oneline`` prints it."""
    subject: str


@dataclass(frozen=True)
class RepoFacts:
    """What git said about the repository; ``problem`` when it could not be read."""

    repo: str
    problem: str = ""
    tags: tuple[str, ...] = ()
    head: str = ""
    head_tags: tuple[str, ...] = ()
    described: str = ""
    """``git describe --tags --always`` of HEAD, when no tag points at it."""
    dirty: tuple[str, ...] = ()
    """``git status --porcelain`` lines (cleaned)."""
    target: str = ""
    """The tag the commit fields below are about (the resolved target)."""
    target_sha: str = ""
    commits: tuple[Commit, ...] = ()
    commits_total: int = 0


@dataclass(frozen=True)
class Check:
    key: str
    """``repository``, ``clean_tree``, ``target_exists`` or ``no_rollback_running``."""
    label: str
    ok: bool
    reason: str
    """One line: the evidence when it passed, what is wrong when it failed."""


@dataclass(frozen=True)
class PlannedStep:
    index: int
    """0-based; shown as ``index + 1``."""
    name: str
    argv: tuple[str, ...]
    cwd: str
    timeout: float

    @property
    def command(self) -> str:
        """The argv as one shell-quoted line, for display only (it is never run by a shell)."""
        return shlex.join(self.argv)


@dataclass(frozen=True)
class RollbackPlan:
    repo: str
    pattern: str
    current_pattern: str
    current_tags: tuple[str, ...]
    """What ``git tag -l '<current_pattern>'`` lists, lowest version first."""
    running: str
    """The running version: the highest tag at HEAD, else ``git describe``; "" unknown."""
    head: str
    candidates: tuple[str, ...]
    """Tags matching ``pattern``, lowest version first: the only acceptable targets."""
    target: str | None
    target_sha: str
    commits: tuple[Commit, ...]
    """What the rollback takes away: ``git log --oneline target..HEAD`` (first ones)."""
    commits_total: int
    checks: tuple[Check, ...]
    steps: tuple[PlannedStep, ...]
    notice: str
    rehearsal: bool
    fingerprint: str

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.ok)


@dataclass(frozen=True)
class Problem:
    """One thing missing before apply; ``field`` is where a dialog would put focus."""

    field: str
    """``conditions``, ``reason``, ``target`` or ``plan``."""
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Confirmation:
    conditions: tuple[str, ...]
    reason: str
    typed_target: str
    fingerprint: str
    """The fingerprint of the plan the operator saw and confirmed."""


LABELS = {
    "repository": "the folder is a git repository",
    "clean_tree": "the working tree is clean",
    "target_exists": "the target tag exists",
    "no_rollback_running": "no rollback is running",
}


def build_plan(
    config: RollbackConfig, facts: RepoFacts, *, running_run: str = "",
    pattern: str | None = None, rehearsal: bool = False,
) -> RollbackPlan:
    """The plan from what git said; ``running_run`` describes a rollback already running."""
    wanted = pattern or config.pattern
    candidates = matching(facts.tags, wanted)
    target = resolve_target(facts.tags, wanted)
    about_target = target is not None and facts.target == target
    running = _running_version(facts, config.current_pattern)
    checks = _checks(facts, wanted, candidates, target, about_target, running_run)
    steps = tuple(
        PlannedStep(n, spec.name, spec.resolve(target or "{target}"), facts.repo, spec.timeout)
        for n, spec in enumerate(config.steps)
    )
    notice = notice_text(config, running or "?", target or "?")
    commits = facts.commits if about_target else ()
    plan = RollbackPlan(
        repo=facts.repo, pattern=wanted, current_pattern=config.current_pattern,
        current_tags=matching(facts.tags, config.current_pattern), running=running,
        head=facts.head, candidates=candidates, target=target,
        target_sha=facts.target_sha if about_target else "", commits=commits,
        commits_total=facts.commits_total if about_target else 0, checks=checks,
        steps=steps, notice=notice, rehearsal=rehearsal, fingerprint="",
    )
    return _with_fingerprint(plan)


def _running_version(facts: RepoFacts, current_pattern: str) -> str:
    if facts.head_tags:
        preferred = matching(facts.head_tags, current_pattern) or tuple(
            sorted(facts.head_tags, key=version_key))
        return preferred[-1]
    return facts.described


def _checks(
    facts: RepoFacts, pattern: str, candidates: tuple[str, ...], target: str | None,
    about_target: bool, running_run: str,
) -> tuple[Check, ...]:
    def check(key: str, ok: bool, reason: str) -> Check:
        return Check(key, LABELS[key], ok, reason)

    busy = check("no_rollback_running", not running_run,
                 running_run or "no rollback is running in this database")
    if facts.problem:
        skipped = f"not checked: {facts.problem}"
        return (check("repository", False, facts.problem), check("clean_tree", False, skipped),
                check("target_exists", False, skipped), busy)
    repo = check("repository", True, f"{facts.repo} at {facts.head[:12] or '?'}")
    if facts.dirty:
        shown = ", ".join(line.strip() for line in facts.dirty[:3])
        shown += " …" if len(facts.dirty) > 3 else ""
        clean = check("clean_tree", False, f"{len(facts.dirty)} uncommitted change(s): {shown}")
    else:
        clean = check("clean_tree", True, "no uncommitted changes")
    if target is None:
        listed = ", ".join(facts.tags[-5:]) or "none"
        why = (f"no tag matches {pattern}" if not candidates
               else f"no tag matching {pattern} is usable as a target")
        exists = check("target_exists", False, f"{why} (tags: {listed})")
    elif not about_target or not facts.target_sha:
        exists = check("target_exists", False, f"{target} does not name a commit")
    else:
        exists = check("target_exists", True, f"{target} at {facts.target_sha[:12]}")
    return (repo, clean, exists, busy)


def _with_fingerprint(plan: RollbackPlan) -> RollbackPlan:
    bound = {
        "repo": plan.repo, "pattern": plan.pattern, "current_tags": plan.current_tags,
        "running": plan.running, "head": plan.head, "candidates": plan.candidates,
        "target": plan.target, "target_sha": plan.target_sha,
        "commits": [c.sha for c in plan.commits], "commits_total": plan.commits_total,
        "checks": [[c.key, c.ok] for c in plan.checks],
        "steps": [[s.name, s.argv, s.cwd, s.timeout] for s in plan.steps],
        "notice": plan.notice, "rehearsal": plan.rehearsal,
    }
    text = json.dumps(bound, ensure_ascii=False, sort_keys=True)
    return replace(plan, fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest())


def confirm_problems(
    plan: RollbackPlan, ticked_conditions: Collection[str], reason: str, typed_target: str,
) -> list[Problem]:
    """What is still missing before this plan may be applied; empty means apply."""
    problems: list[Problem] = []
    if not CONDITION_KEYS & set(ticked_conditions):
        problems.append(Problem("conditions", "tick at least one rollback condition"))
    if not reason.strip():
        problems.append(Problem("reason", "give a reason"))
    typed = typed_target.strip()
    target = plan.target
    if target is None:
        problems.append(Problem("target", f"no target: no usable tag matches {plan.pattern}"))
    elif not typed:
        problems.append(Problem("target", f"type the target {target} in full"))
    elif typed != target:
        problems.append(Problem("target", f"the typed target {typed!r} is not the plan's "
                                          f"target {target}"))
    elif typed not in plan.candidates or not is_safe_tag(typed):
        problems.append(Problem("target", f"{typed!r} is not one of the listed tags"))
    problems.extend(Problem("plan", f"{check.label}: no — {check.reason}")
                    for check in plan.failed_checks)
    return problems
