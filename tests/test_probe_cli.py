"""``autus-tui probe`` and ``check`` as real processes: exit codes, JSON shape, clean text."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from pathlib import Path

from aiohttp import web

from autus_tui.sim.server import SimBackend

KEYS = ["name", "kind", "status", "detail", "ms", "item"]


async def _run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "AUTUS_CONFIG": "", "AUTUS_DB": "", "AUTUS_BACKEND_URL": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "autus_tui.cli", *args, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
        start_new_session=True)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "autus.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def test_probe_json_passes_with_the_simulated_backend_and_unconfigured_defaults(
    tmp_path: Path,
) -> None:
    async with SimBackend("calm", seed=1) as backend:
        config = _config(tmp_path, f"""
[backend]
url = "{backend.url}"

[probes.sync]
urls = ["{backend.url}/ops/v1/version", "{backend.url}/ops/v1/version?staging=1"]
""")
        code, out, err = await _run(tmp_path, "probe", "--config", config, "--json")
    assert (code, err) == (0, ""), (out, err)
    doc = json.loads(out)
    assert list(doc) == ["ok", "results"] and doc["ok"] is True
    assert all(list(row) == KEYS for row in doc["results"])
    by_name = {row["name"]: row for row in doc["results"]}
    assert [by_name[n]["status"] for n in ("backend_health", "backend_websocket", "sync")] == [
        "PASS", "PASS", "PASS"]
    assert by_name["backend_health"]["item"] == "pre.infra.backend"
    assert by_name["cdn"] == {"name": "cdn", "kind": "http", "status": "WARN",
                              "detail": "not configured: set probes.cdn.url", "ms": 0,
                              "item": "pre.infra.cdn"}
    assert all(isinstance(row["ms"], int) for row in doc["results"])


async def test_probe_exits_1_when_something_failed_and_prints_a_clean_table(
    tmp_path: Path,
) -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed = spare.getsockname()[1]

    async def hostile(_request: web.Request) -> web.StreamResponse:
        return web.Response(status=502, text="[@click=app.quit]quit[/] \x1b]0;pwned\x07\u202eok")

    app = web.Application()
    app.router.add_get("/", hostile)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        config = _config(tmp_path, f"""
[backend]
url = "http://127.0.0.1:{closed}"

[probes.cdn]
url = "http://127.0.0.1:{runner.addresses[0][1]}/"

[probes.db]
kind = "tcp"
address = "127.0.0.1:{closed}"
item = "pre.infra.db"
timeout = 1
""")
        code, out, err = await _run(tmp_path, "probe", "--config", config)
        json_code, json_out, _ = await _run(tmp_path, "probe", "--config", config, "--json")
    finally:
        await runner.cleanup()
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].split() == ["STATUS", "NAME", "KIND", "MS", "ITEM", "DETAIL"]
    cdn = next(line for line in lines if line.split()[1] == "cdn")
    assert cdn.startswith("FAIL") and "HTTP 502" in cdn and "[@click=app.quit]quit[/]" in cdn
    assert not any(ch in out for ch in "\x1b\x07\u202e")
    db = next(line for line in lines if line.split()[1] == "db")
    assert db.split()[:5] == ["FAIL", "db", "tcp", db.split()[3], "pre.infra.db"]
    assert db.endswith(f"127.0.0.1:{closed}: connection refused")
    assert json_code == 1 and json.loads(json_out)["ok"] is False


async def test_probe_slot_selects_the_slots_probes(tmp_path: Path) -> None:
    config = _config(tmp_path, '[probes.other]\nkind = "dns"\nname = "localhost"\n')
    code, out, _ = await _run(tmp_path, "probe", "--config", config, "--json", "--slot", "noon")
    assert code == 0 and json.loads(out) == {"ok": True, "results": []}
    code, out, _ = await _run(tmp_path, "probe", "--config", config, "--slot", "noon")
    assert (code, out) == (0, "no probes\n")


async def test_usage_and_config_errors_exit_2_naming_file_and_key(tmp_path: Path) -> None:
    config = _config(tmp_path, '[probes.cdn]\nurl = "https://cdn.example/"\nexpect = ["1.1.1.1"]\n')
    code, out, err = await _run(tmp_path, "probe", "--config", config)
    assert (code, out) == (2, "")
    assert err == (f"autus-tui probe: {config}: probes.cdn.expect: unknown key for a http "
                   "probe (known: kind, timeout, item, url, expect_status, max_ms, ca_file)\n")
    code, _, err = await _run(tmp_path, "probe", "--slot", "nope")
    assert code == 2 and "--slot: no slot 'nope' (known: pre, launch" in err
    code, _, err = await _run(tmp_path, "probe", "--bogus")
    assert code == 2 and "unrecognized arguments: --bogus" in err
    missing = _config(tmp_path, '[probes.db]\nkind = "tcp"\nitem = "pre.infra.nope"\n')
    code, _, err = await _run(tmp_path, "probe", "--config", missing)
    assert code == 2 and f"{missing}: probes.db.address: required for a tcp probe" in err


async def test_check_validates_probe_tables_and_their_items(tmp_path: Path) -> None:
    good = _config(tmp_path, '[probes.dns]\nname = "localhost"\n')
    code, out, _ = await _run(tmp_path, "check", "--config", good)
    assert code == 0 and "probes ok: 7 (4 not configured)" in out
    bad = _config(tmp_path, '[probes.dns]\nname = "localhost"\nitem = "pre.infra.nope"\n')
    code, _, err = await _run(tmp_path, "check", "--config", bad)
    assert code == 1
    assert err.strip() == (f"autus-tui: {bad}: probes.dns.item: no runbook item has the id "
                           "'pre.infra.nope'")
