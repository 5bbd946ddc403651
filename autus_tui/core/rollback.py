"""The rollback's settings and rules: ``RollbackConfig``, version order, conditions.

``[rollback]`` keys (parsed and checked by ``core.rollback_config``; every one optional,
the defaults are the seed's procedure):

* ``repo``: the repository folder the steps run in; ``""`` means the folder the control
  room was started in (a relative path is taken from there too);
* ``pattern``: which tags are rollback targets, fnmatch-style, default ``v0.9*``;
* ``current_pattern``: the tags the plan lists as the running line, default ``v1.0*``;
* ``steps``: a list of tables ``{name, argv = [...], timeout}`` run in order;
* ``notice``: the internal notification, ``{current}`` and ``{target}`` filled in.

Safety. In a step's argv only ``{target}`` may be substituted, and only as a whole
argument (``"--ref={target}"`` is refused), so the one value that varies is the tag the
operator confirmed, never a fragment glued to an option. Braces that do not look like a
placeholder (``{print $1}``) are literal.

Versions. ``version_key("v0.9.10") > version_key("v0.9.9")``: the leading ``v`` is
dropped and the dotted numbers compared as numbers. A suffix after the numbers
(``v0.9.10-rc1``) sorts *below* the same numbers without one (a pre-release comes
before its release); tags with no leading number sort below every numbered tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

TARGET = "{target}"
# A tag usable as a target: never an option (leading '-'), a path ('/', '..') or blank.
_SAFE_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_VERSION = re.compile(r"[vV]?(\d+(?:\.\d+)*)(.*)", re.DOTALL)


@dataclass(frozen=True)
class StepSpec:
    """One configured step: argv template (``{target}`` as whole arguments) and timeout."""

    name: str
    argv: tuple[str, ...]
    timeout: float

    def resolve(self, target: str) -> tuple[str, ...]:
        """The argv with ``{target}`` replaced by the (already vetted) tag."""
        return tuple(target if arg == TARGET else arg for arg in self.argv)


def default_steps() -> tuple[StepSpec, ...]:
    """The seed's 롤백 절차: 태그 확인, 이전 버전으로 롤백, 재배포."""
    return (
        StepSpec("태그 확인", ("git", "tag", "-l", "v1.0*"), 30.0),
        StepSpec("이전 버전으로 롤백", ("git", "checkout", TARGET), 120.0),
        StepSpec("재배포", ("make", "deploy-prod"), 900.0),
    )


@dataclass(frozen=True)
class RollbackConfig:
    repo: str = ""
    """The repository folder; ``""`` is the folder the control room was started in."""
    pattern: str = "v0.9*"
    current_pattern: str = "v1.0*"
    steps: tuple[StepSpec, ...] = field(default_factory=default_steps)
    notice: str = "{current} → {target} 롤백 완료"


@dataclass(frozen=True)
class Condition:
    key: str
    label: str


CONDITIONS: tuple[Condition, ...] = (
    Condition("outage_30m", "전체 서비스 30분 이상 중단"),
    Condition("data_integrity", "데이터 무결성 손상"),
    Condition("security", "보안 취약점 발견"),
)
"""The seed's 즉시 롤백 conditions, in its order; confirming needs at least one."""
CONDITION_KEYS = frozenset(condition.key for condition in CONDITIONS)


def condition_label(key: str) -> str:
    return next((c.label for c in CONDITIONS if c.key == key), key)


# -- versions and tags ---------------------------------------------------------------------


VersionKey = tuple[int, tuple[int, ...], int, str]


def version_key(tag: str) -> VersionKey:
    """Sort key: numbered tags by their numbers; a suffix below none; unnumbered lowest."""
    match = _VERSION.fullmatch(tag)
    if match is None:
        return (0, (), 0, tag)
    numbers = tuple(int(part) for part in match.group(1).split("."))
    suffix = match.group(2)
    return (1, numbers, 0 if suffix else 1, suffix)


def is_safe_tag(tag: str) -> bool:
    """Could this tag stand as one argv element without being an option or a path?"""
    return bool(_SAFE_TAG.fullmatch(tag)) and ".." not in tag


def matching(tags: Iterable[str], pattern: str) -> tuple[str, ...]:
    """Tags matching ``pattern`` (fnmatch, case-sensitive like git), lowest version first."""
    return tuple(sorted({t for t in tags if fnmatchcase(t, pattern)}, key=version_key))


def resolve_target(tags: Iterable[str], pattern: str) -> str | None:
    """The highest version among the safe tags matching ``pattern``."""
    candidates = [tag for tag in matching(tags, pattern) if is_safe_tag(tag)]
    return candidates[-1] if candidates else None


def notice_text(config: RollbackConfig, current: str, target: str) -> str:
    return config.notice.replace("{current}", current).replace("{target}", target)
