"""The runbook as data: the packaged seed runbook, strict validation, `autus-tui check`."""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from autus_tui.cli import main
from autus_tui.core.config import Config
from autus_tui.core.metrics import default_metrics
from autus_tui.core.runbook import RunbookError, combine, parse_runbook
from autus_tui.services.runbook_files import (
    DEFAULT_SOURCE,
    load_default_runbook,
    load_runbook_file,
    load_runbooks,
)

KEYS = {spec.key for spec in default_metrics()}
# A copy of the source text the packaged runbook must follow word for word (the team's
# launch-day runbook), kept in the repository so the check runs on every clone.
SEED = Path(__file__).resolve().parent / "data" / "launch-day-runbook.md"

# Seed section heading -> (slot id, group title) in the packaged runbook.
SEED_SECTIONS = {
    "인프라 점검": ("pre", "인프라 점검"),
    "최종 배포": ("pre", "최종 배포"),
    "모니터링 시작": ("launch", "모니터링 시작"),
    "알림 채널 준비 (내부용)": ("launch", "알림 채널 준비 (내부용)"),
    "09:00 (출시)": ("launch", "09:00 (출시)"),
    "12:00 (점심)": ("noon", "12:00 (점심)"),
    "18:00 (저녁)": ("evening", "18:00 (저녁)"),
    "24:00 (자정)": ("midnight", "24:00 (자정)"),
    "D+1 아침 체크리스트": ("d1", "D+1 아침 체크리스트"),
}


def _seed_items(text: str) -> dict[str, list[str]]:
    """Every `- [ ] ` line of the seed, by the ### heading it stands under."""
    sections: dict[str, list[str]] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("### "):
            heading = line[4:].strip()
        elif line.startswith("## "):
            heading = None
        elif line.startswith("- [ ] ") and heading is not None:
            sections.setdefault(heading, []).append(line[len("- [ ] "):])
    return sections


def test_packaged_runbook_holds_every_seed_item_verbatim_in_its_group() -> None:
    seed = _seed_items(SEED.read_text(encoding="utf-8"))
    book = load_default_runbook(KEYS)
    for heading, (slot_id, group_title) in SEED_SECTIONS.items():
        slot = next(s for s in book.slots if s.id == slot_id)
        group = next(g for g in slot.groups if g.title == group_title)
        assert [item.text for item in group.items] == seed[heading], heading
    assert set(seed) - set(SEED_SECTIONS) == {"즉시 롤백"}
    assert [c.text for c in book.rollback.conditions] == seed["즉시 롤백"]  # type: ignore[union-attr]
    assert sum(len(v) for k, v in seed.items() if k != "즉시 롤백") == len(book.items)


def test_packaged_runbook_slots_items_and_rules() -> None:
    book = load_default_runbook(KEYS)
    assert [(s.id, s.title, s.at_text) for s in book.slots] == [
        ("pre", "출시 전", "00:00"), ("launch", "출시", "09:00"), ("noon", "점심", "12:00"),
        ("evening", "저녁", "18:00"), ("midnight", "자정", "24:00"),
        ("d1", "D+1 아침", "D+1 09:00"),
    ]
    assert book.slots[-1].offset == timedelta(days=1, hours=9)
    texts = {item.id: item.text for item in book.items}
    assert texts["pre.deploy.tag"] == "`main` 브랜치 태그: `v1.0.0`"
    assert texts["noon.error-rate"] == "에러율 < 1% 확인"
    assert texts["d1.user-behaviour"] == "사용자 행동 패턴 확인 (설명 요청 빈도)"
    assert texts["evening.handover"] == "야간 on-call 인수인계"
    rules = {item.text: item.verify.text for item in book.items if item.verify}
    assert rules["첫 사용자 진입 확인"] == "active_users > 0"
    assert rules["Gate 이벤트 정상 기록"] == "gate_observe increasing"
    assert rules["Afterimage 첫 기록 확인"] == "afterimage_rate > 0"
    assert rules["에러율 < 1% 확인"] == "error_rate < 1"
    assert rules["응답 시간 모니터링"] == "avg_response < 500"
    assert rules["메모리 사용량 확인"] == "memory_pct < 80"  # the service's memory, not the host's
    assert all(re.fullmatch(r"[a-z0-9.-]+", item.id) for item in book.items)
    assert book.rollback is not None
    assert book.rollback.steps[0].command == "git tag -l 'v1.0*'"
    assert book.rollback.steps[-1].message == 'Slack: "v1.0.0 → v0.9.x 롤백 완료"'


# -- validation errors name the file, the slot and the item ---------------------------


def _book(**item: Any) -> dict[str, Any]:
    base = {"id": "launch.one", "text": "첫 사용자 진입 확인", **item}
    return {"slots": [{"id": "launch", "title": "출시", "at": "09:00",
                       "groups": [{"title": "09:00 (출시)", "items": [base]}]}]}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


ONE_ITEM = """
[[slots]]
id = "launch"
title = "출시"
at = "{at}"
[[slots.groups]]
title = "g"
[[slots.groups.items]]
id = "{item}"
text = "t"
{extra}
"""


@pytest.mark.parametrize(("extra", "at", "item", "expected"), [
    ('colour = "red"', "09:00", "launch.x", "slot 'launch' item 'launch.x': colour: unknown key"),
    ("", "25:00", "launch.x", "slot 'launch': at: expected a time like 09:00"),
    ("", "9:00", "launch.x", "slot 'launch': at: expected a time"),
    ("", "24:30", "launch.x", "slot 'launch': at: expected a time"),
    ('verify = "errors < 1"', "09:00", "launch.x",
     "slot 'launch' item 'launch.x': verify: rule 'errors < 1' names unknown metric 'errors'"),
    ('verify = "error_rate <"', "09:00", "launch.x",
     "slot 'launch' item 'launch.x': verify: rule 'error_rate <' does not parse"),
    ('owner = "On Call"', "09:00", "launch.x", "slot 'launch' item 'launch.x': owner:"),
    ("", "09:00", "Launch X", "slot 'launch' item 'Launch X': id: expected an id"),
])
def test_file_errors_name_path_slot_and_item(
    tmp_path: Path, extra: str, at: str, item: str, expected: str
) -> None:
    path = _write(tmp_path / "extra.toml", ONE_ITEM.format(at=at, item=item, extra=extra))
    with pytest.raises(RunbookError) as caught:
        load_runbook_file(path, KEYS)
    assert str(caught.value).startswith(f"{path}: ")
    assert expected in str(caught.value)


def test_duplicate_id_within_a_file_names_both_places(tmp_path: Path) -> None:
    text = ONE_ITEM.format(at="09:00", item="launch.x", extra="") + (
        '[[slots]]\nid = "noon"\ntitle = "점심"\nat = "12:00"\n[[slots.groups]]\ntitle = "g"\n'
        '[[slots.groups.items]]\nid = "launch.x"\ntext = "again"\n')
    path = _write(tmp_path / "dup.toml", text)
    with pytest.raises(RunbookError, match=r"dup.toml: slot 'noon' item 'launch.x': "
                                           r"duplicate id \(already used in slot 'launch'\)"):
        load_runbook_file(path, KEYS)


def test_duplicate_id_across_runbooks_names_both_files(tmp_path: Path) -> None:
    path = _write(tmp_path / "mine.toml",
                  ONE_ITEM.format(at="09:00", item="launch.check.gate", extra=""))
    config = Config(runbooks=(str(path),))
    with pytest.raises(RunbookError) as caught:
        load_runbooks(config)
    message = str(caught.value)
    assert message.startswith(f"{path}: slot 'launch' item 'launch.check.gate'")
    assert DEFAULT_SOURCE in message


def test_extra_runbook_adds_its_items_to_the_slot_with_the_same_id(tmp_path: Path) -> None:
    path = _write(tmp_path / "team.toml", ONE_ITEM.format(at="09:00", item="team.x", extra=""))
    book = load_runbooks(Config(runbooks=(str(path),)))
    launch = next(s for s in book.slots if s.id == "launch")
    assert launch.items[-1].id == "team.x"
    assert book.sources == (DEFAULT_SOURCE, str(path))


def test_same_slot_id_at_another_time_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "team.toml", ONE_ITEM.format(at="10:00", item="team.x", extra=""))
    with pytest.raises(RunbookError, match="slot 'launch': at 10:00, but an earlier"):
        load_runbooks(Config(runbooks=(str(path),)))


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d["slots"][0]["groups"][0]["items"][0].update(text="  "),
     "slot 'launch' item 'launch.one': text: expected non-empty text"),
    (lambda d: d["slots"][0].pop("groups"), "slot 'launch': expected at least one"),
    (lambda d: d.update(slots=[]), "slots: expected at least one"),
    (lambda d: d["slots"][0].update(day=-1), "slot 'launch': day: expected a whole number"),
    (lambda d: d.update(extra=1), "extra: unknown key"),
])
def test_structure_errors(mutate: Any, expected: str) -> None:
    data = _book()
    mutate(data)
    with pytest.raises(RunbookError, match=re.escape(expected)):
        parse_runbook(data, "x.toml", KEYS)


def test_markup_in_item_text_is_kept_literally() -> None:
    book = parse_runbook(_book(text="[@click=app.quit]확인[/]"), "x.toml", KEYS)
    assert book.items[0].text == "[@click=app.quit]확인[/]"


def test_control_characters_never_reach_an_error_message() -> None:
    with pytest.raises(RunbookError) as caught:
        parse_runbook(_book(verify="error_rate\x1b]0;pwned\x07 < 1"), "x.toml", KEYS)
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)


def test_native_toml_times_and_24_00() -> None:
    data = tomllib.loads(ONE_ITEM.format(at="09:00", item="a", extra="").replace(
        'at = "09:00"', "at = 09:30:00"))
    assert parse_runbook(data, "x.toml", KEYS).slots[0].at_text == "09:30"
    midnight = _book()
    midnight["slots"][0]["at"] = "24:00"
    assert parse_runbook(midnight, "x.toml", KEYS).slots[0].offset == timedelta(hours=24)


def test_combine_keeps_ids_unique_and_slots_ordered() -> None:
    first = parse_runbook(_book(), "a.toml", KEYS)
    second = parse_runbook(_book(id="launch.two"), "b.toml", KEYS)
    merged = combine([first, second])
    assert [i.id for i in merged.items] == ["launch.one", "launch.two"]
    with pytest.raises(RunbookError, match=r"b.toml: .*duplicate id 'launch.one'.*a.toml"):
        combine([first, parse_runbook(_book(), "b.toml", KEYS)])


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(RunbookError, match=r"missing.toml: no such file"):
        load_runbook_file(tmp_path / "missing.toml", KEYS)
    broken = _write(tmp_path / "broken.toml", "[[slots]\n")
    with pytest.raises(RunbookError, match=r"broken.toml: not valid TOML"):
        load_runbook_file(broken, KEYS)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RunbookError, match=r"binary.toml: is not UTF-8 text"):
        load_runbook_file(binary, KEYS)


def test_check_command_validates_runbooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTUS_CONFIG", raising=False)
    good = _write(tmp_path / "good.toml", ONE_ITEM.format(at="09:00", item="team.x", extra=""))
    config = _write(tmp_path / "autus.toml", f'runbooks = ["{good}"]\n')
    assert main(["check", "--config", str(config)]) == 0
    assert "runbooks ok: 6 slots, 33 items" in capsys.readouterr().out

    bad = _write(tmp_path / "bad.toml",
                 ONE_ITEM.format(at="09:00", item="team.x", extra='verify = "cpu > 1"'))
    config = _write(tmp_path / "autus.toml", f'runbooks = ["{bad}"]\n')
    assert main(["check", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: slot 'launch' item 'team.x': verify:" in err
    assert "Traceback" not in err
