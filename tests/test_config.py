"""Configuration layers and their errors: each names the file, the key and the problem."""

import subprocess
import sys
from pathlib import Path

import pytest

from autus_tui.core.config import ConfigError, build_config
from autus_tui.core.levels import Direction
from autus_tui.services.config_files import load_config


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "autus.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_defaults_reproduce_the_seed_dashboard() -> None:
    config = build_config([])
    labels = [spec.label for spec in config.metrics]
    assert labels[:5] == ["Active Users", "OBSERVE", "RING", "LOCK", "Afterimage Rate"]
    assert config.launch.timezone == "Asia/Seoul"
    assert config.backend.interval == 1.0 and config.backend.timeout < 1.0


def test_precedence_defaults_file_environment_flags(tmp_path: Path) -> None:
    path = write(tmp_path, 'operator = "file"\n[backend]\nurl = "http://file:1"\ninterval = 2\n')
    env = {"AUTUS_BACKEND_URL": "http://env:2", "AUTUS_OPERATOR": "env"}
    config = load_config(path, {"operator": "flag", "backend.url": None}, env)
    assert config.backend.url == "http://env:2"  # environment beats file
    assert config.operator == "flag"  # flags beat environment
    assert config.backend.interval == 2.0  # file beats defaults


def test_config_file_from_environment(tmp_path: Path) -> None:
    path = write(tmp_path, 'operator = "from-file"\n')
    assert load_config(None, {}, {"AUTUS_CONFIG": path}).operator == "from-file"


def test_operator_defaults_to_login_name() -> None:
    assert load_config(None, {}, {}).operator


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[backend]\ninterval = "fast"\n', "backend.interval", "expected a number above 0"),
        ('[backend]\nurl = "ftp://x"\n', "backend.url", "http:// or https://"),
        ('[backend]\ninterval = 1\ntimeout = 2\n', "backend.timeout", "must be below"),
        ('[backend]\nurll = "http://x"\n', "backend.urll", "unknown key"),
        ('colour = "red"\n', "colour", "unknown key"),
        ('[launch]\ntimezone = "Mars/Base"\n', "launch.timezone", "unknown timezone"),
        ('[launch]\ntime = "25:00"\n', "launch.time", "expected a time"),
        ('[metrics.error_rate]\nwarning = 9\n', "metrics.error_rate.warning", "must not be past"),
        ('[metrics.queue]\nlabel = "Queue"\n', "metrics.queue.path", "required"),
        ('[metrics.queue]\nlabel = "Q"\npath = "q"\nsource = "prometheus"\n',
         "metrics.queue.source", "prometheus_path is not set"),
    ],
)
def test_errors_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {}, {})
    assert caught.value.source == path
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_environment_errors_name_the_environment() -> None:
    with pytest.raises(ConfigError, match=r"^environment: backend.url: "):
        load_config(None, {}, {"AUTUS_BACKEND_URL": "localhost:8765"})


def test_metric_can_be_retuned_and_added(tmp_path: Path) -> None:
    path = write(tmp_path, (
        '[metrics.avg_response]\nwarning = 300\ncritical = 1000\n'
        '[metrics.free_disk]\nlabel = "Free Disk"\npath = "disk.free_pct"\nunit = "%"\n'
        'warning = 20\ncritical = 5\ndirection = "lower"\n'
    ))
    specs = {spec.key: spec for spec in load_config(path, {}, {}).metrics}
    assert specs["avg_response"].thresholds is not None
    assert specs["avg_response"].thresholds.warning == 300
    free = specs["free_disk"].thresholds
    assert free is not None and free.direction is Direction.LOWER_IS_WORSE


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"[backend\n", "not valid TOML"), (b"\xff\xfe\x00", "not UTF-8")],
)
def test_unreadable_files(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=problem):
        load_config(str(path), {}, {})


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autus_tui.cli", *args],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
    )


def test_check_exit_codes(tmp_path: Path) -> None:
    good = run_cli("check", "--config", write(tmp_path, "[backend]\ninterval = 2\n"))
    assert good.returncode == 0, good.stderr
    bad_path = tmp_path / "bad.toml"
    bad_path.write_text("[backend]\ninterval = -1\n", encoding="utf-8")
    bad = run_cli("check", "--config", str(bad_path))
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        f"autus-tui: {bad_path}: backend.interval: expected a number above 0 and at most "
        "3600 s, got -1"
    )
    assert "Traceback" not in bad.stderr
    assert run_cli("check", "--nonsense").returncode == 2
