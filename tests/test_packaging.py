"""A wheel built from the repo works from any folder: styles, default content and the
simulated backend's scenarios ship inside."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_styles_and_runbook_and_runs_from_another_folder(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("autus_tui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "autus_tui/styles/control_room.tcss" in names
    assert "autus_tui/checklists/launch-day.toml" in names
    assert "autus_tui/checklists/incident-matrix.toml" in names
    assert "autus_tui/scenarios/outage.toml" in names
    assert "autus_tui/scenarios/memory-warning.toml" in names

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    checked = subprocess.run(
        [sys.executable, "-c",
         "import sys, autus_tui.cli as c; print(c.__file__); sys.exit(c.main())", "check"],
        cwd=elsewhere, env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(str(unpacked))  # the wheel's copy, not the checkout
    assert "32 items" in checked.stdout

    shipped = subprocess.run(  # the wheel's scenarios, read from its own folder
        [sys.executable, "-c",
         "import autus_tui.sim.scenarios as s; print(s.scenario_folder());"
         " print(s.load_scenario('outage').description)"],
        cwd=elsewhere, env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert shipped.returncode == 0, shipped.stderr
    assert shipped.stdout.startswith(str(unpacked / "autus_tui" / "scenarios"))
    assert "35 minutes" in shipped.stdout


def test_a_checkout_reads_the_top_level_styles_and_checklists() -> None:
    """One source: the files at the top of the repository are the ones that run."""
    from autus_tui.services.package_files import data_folder
    from autus_tui.sim.scenarios import scenario_folder

    assert data_folder("styles") == ROOT / "styles"
    assert data_folder("checklists") == ROOT / "checklists"
    assert data_folder("scenarios") == ROOT / "scenarios" == scenario_folder()
    assert not (ROOT / "autus_tui" / "styles").exists()
    assert not (ROOT / "autus_tui" / "checklists").exists()
    assert not (ROOT / "autus_tui" / "scenarios").exists()
