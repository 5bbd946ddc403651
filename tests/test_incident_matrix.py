"""The incident matrix: the seed's rows word for word, and strict errors naming file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autus_tui.core.config import build_config
from autus_tui.core.incident_matrix import (
    ComponentIs,
    HealthIs,
    MatrixError,
    MetricCompare,
    NoAnswer,
    Rises,
)
from autus_tui.services.incident_files import load_default_matrix, load_matrix, load_matrix_file

KEYS = {spec.key for spec in build_config([]).metrics}
SEED = Path(__file__).parents[1] / ".." / "shared" / "seed" / "launch-day-runbook.md"


def test_the_packaged_matrix_is_the_seeds_word_for_word() -> None:
    matrix = load_matrix(build_config([]))
    assert [(s.name, s.meaning, s.display) for s in matrix.severities] == [
        ("심각", "서비스 중단", "아무것도 없음 (무응답)"),
        ("경고", "기능 저하", "Gate 저항 증가 (의도적으로 보임)"),
        ("주의", "관찰 필요", "변화 없음"),
    ]
    assert [(r.severity, r.situation, r.response, r.exposure) for r in matrix.rows] == [
        ("심각", "서버 다운", "즉시 재시작", "❌ 없음"),
        ("심각", "DB 연결 실패", "풀 재설정", "❌ 없음"),
        ("심각", "전체 Gate 고장", "롤백", "❌ 없음"),
        ("경고", "응답 지연 > 5s", "캐시 확인", "❌ 없음"),
        ("경고", "부분 Gate 오류", "로그 분석", "❌ 없음"),
        ("경고", "WebSocket 불안정", "재연결 로직", "❌ 없음"),
        ("주의", "트래픽 급증", "스케일 아웃", "❌ 없음"),
        ("주의", "에러율 > 1%", "패턴 분석", "❌ 없음"),
        ("주의", "메모리 경고", "GC 트리거", "❌ 없음"),
    ]
    if SEED.exists():  # the seed beside the repository: every row is a line of its tables
        text = SEED.read_text(encoding="utf-8")
        for row in matrix.rows:
            assert f"| {row.situation} | {row.response} | {row.exposure} |" in text
    signals = {row.situation: row.signal for row in matrix.rows}
    assert signals["서버 다운"] == (HealthIs("down"), NoAnswer())
    assert signals["DB 연결 실패"] == (ComponentIs("db", "==", "down"),
                                     MetricCompare("db_connections", ">", 95))
    assert signals["응답 지연 > 5s"] == (MetricCompare("avg_response", ">", 5000),)
    assert signals["에러율 > 1%"] == (MetricCompare("error_rate", ">", 1),)
    assert signals["메모리 경고"] == (MetricCompare("memory_pct", ">=", 80),)
    assert isinstance(signals["트래픽 급증"][0], Rises)
    assert matrix.find(" 서버 다운 ") is not None and matrix.find("typed freely") is None
    assert next(r.situation for r in matrix.rows_of("경고")) == "응답 지연 > 5s"
    assert matrix.rank_of("주의") == 2 and matrix.rank_of("something else") == 3


GOOD_ROW = """
[[severities]]
id = "critical"
name = "심각"
meaning = "서비스 중단"
display = "없음"

[[severities.situations]]
id = "server-down"
situation = "서버 다운"
response = "즉시 재시작"
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "where", "problem"),
    [
        ('signal = ["avg_resp > 5000"]',
         "severity 'critical' situation 'server-down': signal[1]", "unknown metric 'avg_resp'"),
        ('signal = ["health sideways"]', "signal[1]", "health is one of ok, degraded, down"),
        ('signal = ["error_rate >> 1"]', "signal[1]", "does not parse"),
        ('signal = ["active_users rises 50% in 0m"]', "signal[1]", "window must be above 0"),
        ('signal = "error_rate > 1"', "signal", "expected a list"),
        ('signal = [5]', "signal[1]", "expected text"),
        ('owner = "x"', "severity 'critical' situation 'server-down': owner", "unknown key"),
    ],
)
def test_bad_rows_name_the_file_and_the_key(
    tmp_path: Path, extra: str, where: str, problem: str
) -> None:
    path = tmp_path / "matrix.toml"
    path.write_text(GOOD_ROW.format(extra=extra), encoding="utf-8")
    with pytest.raises(MatrixError) as caught:
        load_matrix_file(path, KEYS)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and where in message and problem in message


def test_structure_errors(tmp_path: Path) -> None:
    cases = {
        "": "severities: expected at least one",
        '[[severities]]\nid = "a"\nname = "n"\nmeaning = "m"\ndisplay = "d"\n':
            "severity 'a': expected at least one",
        GOOD_ROW.format(extra="").replace('response = "즉시 재시작"', 'response = ""'):
            "situation 'server-down': response: expected non-empty text",
        GOOD_ROW.format(extra="") + GOOD_ROW.format(extra="").replace('"critical"', '"other"'):
            "duplicate",
        "[[severities]\n": "not valid TOML",
    }
    for text, problem in cases.items():
        path = tmp_path / "m.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(MatrixError, match=r"m\.toml: ") as caught:
            load_matrix_file(path, KEYS)
        assert problem in str(caught.value)
    with pytest.raises(MatrixError, match="no such file"):
        load_matrix_file(tmp_path / "missing.toml", KEYS)


def test_the_default_matrix_needs_the_memory_metric() -> None:
    with pytest.raises(MatrixError, match="unknown metric 'memory_pct'"):
        load_default_matrix(KEYS - {"memory_pct"})


def test_check_validates_the_matrix(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "autus_tui.cli", "check"], capture_output=True,
                          text=True, timeout=30, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "incident matrix ok: 3 severities, 9 situations" in done.stdout
