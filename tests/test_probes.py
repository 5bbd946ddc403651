"""Every probe kind against real local servers: PASS with evidence, or FAIL within its
timeout with one line that says why, shown literally and cleaned."""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme
from aiohttp import web

from autus_tui.core.probes import ProbeResult, ProbeSpec, Status
from autus_tui.sim.server import SimBackend
from autus_tui.sources.probes import run_probe, run_probes, run_probes_sync
from autus_tui.sources.probes.common import describe

NOW = datetime.now(UTC)
HOSTILE = "x[/]y [@click=app.quit]Q \x1b]0;pwned\x07\x1b[2J \u202eevil\u2066"


def _clean(detail: str) -> bool:
    return not any(ch in detail for ch in "\x1b\x07\r\n\u202e\u2066")


# -- servers ---------------------------------------------------------------------------


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def web_server() -> AsyncIterator[str]:
    """Redirect loop, bodies too large, a hostile 500 and a plain 200."""

    async def loop(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # chunked: no Content-Length to go by
        await response.prepare(request)
        for _ in range(64):
            await response.write(b"x" * 65536)
        return response

    async def declared(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"y" * (3 << 20))

    async def hostile(_request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text=HOSTILE)

    async def elsewhere(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("ftp://files.example/a?token=s3cret")

    async def fine(_request: web.Request) -> web.StreamResponse:
        return web.Response(text="fine")

    app = web.Application()
    for path, handler in (("/loop", loop), ("/streamed", streamed), ("/declared", declared),
                          ("/hostile", hostile), ("/fine", fine),
                          ("/elsewhere", elsewhere)):
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@asynccontextmanager
async def tls_server(cert: trustme.LeafCert) -> AsyncIterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(OSError, ssl.SSLError):
            await reader.read()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    finally:
        server.close()


def spec(kind: str, timeout: float = 3.0, **keys: object) -> ProbeSpec:
    return ProbeSpec(f"{kind}_probe", kind, timeout=timeout, **keys)  # type: ignore[arg-type]


# -- http ------------------------------------------------------------------------------


async def test_http_health_of_the_simulated_backend_passes_with_code_and_latency() -> None:
    async with SimBackend("calm", seed=1) as backend:
        done = await run_probe(spec("http", url=backend.url + "/ops/v1/health",
                                    item="pre.infra.backend"))
    assert done.status is Status.PASS, done.detail
    assert done.detail.startswith("HTTP 200 from 127.0.0.1:") and " ms, status ok" in done.detail
    assert done.item == "pre.infra.backend" and done.ms >= 0


async def test_http_down_and_degraded_backends_fail_and_warn_with_the_health_words() -> None:
    async with SimBackend("calm", seed=1) as backend:
        backend.fault = "503"
        down = await run_probe(spec("http", url=backend.url + "/ops/v1/health"))
        backend.fault = "hostile"  # degraded, with markup and escapes in its message
        degraded = await run_probe(spec("http", url=backend.url + "/ops/v1/health"))
    assert down.status is Status.FAIL and "HTTP 503" in down.detail
    assert "expected 2xx" in down.detail
    assert degraded.status is Status.WARN and "status degraded" in degraded.detail
    assert "x[/]y [@click=app.quit]Q[/]" in degraded.detail and _clean(degraded.detail)


async def test_http_expect_status_and_max_ms() -> None:
    async with web_server() as base:
        teapot = await run_probe(spec("http", url=base + "/hostile", expect_status=(500,)))
        slow = await run_probe(spec("http", url=base + "/fine", max_ms=0.0001))
    assert teapot.status is Status.PASS and "HTTP 500" in teapot.detail
    assert slow.status is Status.WARN and "slower than 0.0001 ms" in slow.detail


async def test_http_redirect_loop_huge_bodies_and_hostile_text_fail_in_one_line() -> None:
    async with web_server() as base:
        loop, streamed, declared, hostile = await run_probes([
            spec("http", url=base + f"/{path}")
            for path in ("loop", "streamed", "declared", "hostile")])
    assert loop.status is Status.FAIL and "redirect loop (more than 5" in loop.detail
    for big in (streamed, declared):
        assert big.status is Status.FAIL and "larger than 1 MiB" in big.detail, big.detail
    assert hostile.status is Status.FAIL and "HTTP 500" in hostile.detail
    assert "x[/]y [@click=app.quit]Q" in hostile.detail and "evil" in hostile.detail
    assert _clean(hostile.detail)


async def test_a_url_in_an_error_shows_as_its_host_only() -> None:
    async with web_server() as base:
        done = await run_probe(spec("http", url=base + "/elsewhere?token=mine"))
    assert done.status is Status.FAIL and "unsupported protocol" in done.detail, done.detail
    assert "s3cret" not in done.detail and "mine" not in done.detail
    # Whatever a library's message quotes, a URL in it is cut to its host and port.
    quoted = describe(ValueError("bad ftp://files.example:21/a?token=s3cret here"))
    assert quoted == "ValueError: bad files.example:21 here"


async def test_http_refused_and_silent_ports(closed_port: int, silent_port: int) -> None:
    refused, silent = await run_probes([
        spec("http", url=f"http://127.0.0.1:{closed_port}/x?token=secret"),
        spec("http", timeout=0.5, url=f"http://127.0.0.1:{silent_port}/"),
    ])
    assert refused.status is Status.FAIL
    assert refused.detail == f"127.0.0.1:{closed_port}: connection refused"
    assert silent.status is Status.FAIL
    assert silent.detail == f"127.0.0.1:{silent_port}: no answer within 0.5 s"
    assert 400 <= silent.ms < 3000


# -- tcp -------------------------------------------------------------------------------


async def test_tcp_connects_and_refuses(closed_port: int, silent_port: int) -> None:
    ok, refused = await run_probes([
        spec("tcp", address=f"127.0.0.1:{silent_port}"),
        spec("tcp", address=f"127.0.0.1:{closed_port}"),
    ])
    assert ok.status is Status.PASS
    assert ok.detail.startswith(f"connected to 127.0.0.1:{silent_port} in ")
    assert refused.status is Status.FAIL and refused.detail.endswith("connection refused")


# -- websocket -------------------------------------------------------------------------


async def test_websocket_handshake_hello_and_echo() -> None:
    async with SimBackend("calm", seed=1) as backend:
        ok = await run_probe(spec("websocket", url=backend.url + "/ops/v1/ws"))
        not_ws = await run_probe(spec("websocket", url=backend.url + "/ops/v1/health"))
        backend.fault = "503"
        refused = await run_probe(spec("websocket", url=backend.url + "/ops/v1/ws"))
    assert ok.status is Status.PASS, ok.detail
    assert "handshake" in ok.detail and "hello, echo" in ok.detail
    assert not_ws.status is Status.FAIL and "handshake refused: HTTP 200" in not_ws.detail
    assert refused.status is Status.FAIL and "handshake refused: HTTP 503" in refused.detail


async def test_websocket_to_a_silent_port_fails_within_its_timeout(silent_port: int) -> None:
    done = await run_probe(spec("websocket", timeout=0.5, url=f"ws://127.0.0.1:{silent_port}/"))
    assert done.status is Status.FAIL and "no answer within 0.5 s" in done.detail


# -- tls -------------------------------------------------------------------------------


async def test_tls_valid_certificate_passes_with_days_left(ca: trustme.CA, ca_file: str) -> None:
    async with tls_server(ca.issue_cert("127.0.0.1")) as url:
        done = await run_probe(spec("tls", url=url, ca_file=ca_file))
    assert done.status is Status.PASS, done.detail
    assert "valid for" in done.detail and "more days (until" in done.detail


async def test_tls_expiring_soon_warns(ca: trustme.CA, ca_file: str) -> None:
    cert = ca.issue_cert("127.0.0.1", not_before=NOW - timedelta(days=80),
                         not_after=NOW + timedelta(days=5, hours=1))
    async with tls_server(cert) as url:
        soon = await run_probe(spec("tls", url=url, ca_file=ca_file))
        relaxed = await run_probe(spec("tls", url=url, ca_file=ca_file, warn_days=3))
    assert soon.status is Status.WARN and "valid for 5 more days" in soon.detail
    assert "under 14 days" in soon.detail
    assert relaxed.status is Status.PASS


async def test_tls_expired_other_host_and_untrusted_fail(ca: trustme.CA, ca_file: str) -> None:
    expired = ca.issue_cert("127.0.0.1", not_before=NOW - timedelta(days=90),
                            not_after=NOW - timedelta(days=1))
    async with tls_server(expired) as url:
        old = await run_probe(spec("tls", url=url, ca_file=ca_file))
    async with tls_server(ca.issue_cert("other.example")) as url:
        elsewhere = await run_probe(spec("tls", url=url, ca_file=ca_file))
    async with tls_server(ca.issue_cert("127.0.0.1")) as url:
        untrusted = await run_probe(spec("tls", url=url))
    assert old.status is Status.FAIL and old.detail.endswith("certificate expired")
    assert elsewhere.status is Status.FAIL and "certificate is for another host" in elsewhere.detail
    assert untrusted.status is Status.FAIL and "untrusted certificate" in untrusted.detail


async def test_tls_to_plain_and_silent_ports_fail(silent_port: int) -> None:
    async with SimBackend("calm", seed=1) as backend:
        plain = await run_probe(spec("tls", url=backend.url.replace("http:", "https:")))
    silent = await run_probe(spec("tls", timeout=0.5, url=f"https://127.0.0.1:{silent_port}/"))
    assert plain.status is Status.FAIL and "not TLS" in plain.detail, plain.detail
    assert silent.status is Status.FAIL and "no answer within 0.5 s" in silent.detail


async def test_an_unreadable_ca_file_is_a_fail_naming_the_file(tmp_path: Path) -> None:
    done = await run_probe(spec("tls", url="https://127.0.0.1:9/",
                                ca_file=str(tmp_path / "nope.pem")))
    assert done.status is Status.FAIL and "nope.pem: no such file" in done.detail


# -- dns -------------------------------------------------------------------------------


async def test_dns_localhost_resolves_and_invalid_names_do_not() -> None:
    ok, missing, nowhere = await run_probes([
        spec("dns", host="localhost", expect=("127.0.0.1",)),
        spec("dns", host="localhost", expect=("192.0.2.7",)),
        spec("dns", host="nothing-here.invalid"),
    ])
    assert ok.status is Status.PASS and "localhost resolves to" in ok.detail
    assert "127.0.0.1" in ok.detail
    assert missing.status is Status.FAIL and "not to 192.0.2.7" in missing.detail
    assert nowhere.status is Status.FAIL
    assert "nothing-here.invalid does not resolve" in nowhere.detail


# -- sync ------------------------------------------------------------------------------


async def test_sync_equal_and_different_versions(closed_port: int) -> None:
    async with SimBackend("calm", seed=1) as staging, SimBackend("calm", seed=2) as production:
        urls = (staging.url + "/ops/v1/version", production.url + "/ops/v1/version")
        same = await run_probe(spec("sync", urls=urls, path="version"))
        production.version = "v0.9.9"
        differ = await run_probe(spec("sync", urls=urls, path="version"))
        gone = await run_probe(spec("sync", path="version", urls=(
            urls[0], f"http://127.0.0.1:{closed_port}/ops/v1/version")))
        nothing = await run_probe(spec("sync", urls=urls, path="build.number"))
    assert same.status is Status.PASS and same.detail == 'all 2 report version = "v1.0.0"'
    assert differ.status is Status.FAIL and differ.detail.startswith("version differs: ")
    assert '"v1.0.0"' in differ.detail and '"v0.9.9"' in differ.detail
    assert gone.status is Status.FAIL
    assert gone.detail == f"127.0.0.1:{closed_port}: connection refused"
    assert nothing.status is Status.FAIL and "no value at build.number" in nothing.detail


# -- git_tag ---------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
                    *args], check=True, env=env, stdin=subprocess.DEVNULL,
                   capture_output=True)


async def test_git_tag_with_and_without_the_tag(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "release")
    _git(repo, "tag", "-a", "-m", "v1", "v1.0.0")
    found, absent, not_repo, no_folder = await run_probes([
        spec("git_tag", repo=str(repo), tag="v1.0.0"),
        spec("git_tag", repo=str(repo), tag="v1.0.1"),
        spec("git_tag", repo=str(tmp_path), tag="v1.0.0"),
        spec("git_tag", repo=str(tmp_path / "gone"), tag="v1.0.0"),
    ])
    assert found.status is Status.PASS
    assert found.detail.startswith(f"tag v1.0.0 exists in {repo} (commit ")
    assert absent.status is Status.FAIL and absent.detail == f"no tag v1.0.1 in {repo}"
    assert not_repo.status is Status.FAIL and "not a git repository" in not_repo.detail
    assert no_folder.status is Status.FAIL and no_folder.detail.endswith("no such folder")


# -- all at once -----------------------------------------------------------------------


async def test_all_kinds_at_once_finish_in_about_one_timeout_off_the_callers_loop(
    silent_port: int, closed_port: int, ca: trustme.CA, ca_file: str, tmp_path: Path
) -> None:
    """Five probes hang for their whole 1 s timeout: run one after another that is 5 s,
    concurrently about 1 s. They run on a thread's own loop (as the control room will),
    while this loop serves the backend they probe."""
    silent = f"127.0.0.1:{silent_port}"
    async with SimBackend("calm", seed=1) as backend, tls_server(ca.issue_cert("127.0.0.1")) as tls:
        specs = [
            spec("http", 1, url=backend.url + "/ops/v1/health"),
            spec("websocket", 1, url=backend.url + "/ops/v1/ws"),
            spec("tls", 1, url=tls, ca_file=ca_file),
            spec("dns", 1, host="localhost"),
            spec("tcp", 1, address=f"127.0.0.1:{closed_port}"),
            spec("git_tag", 1, repo=str(tmp_path), tag="v1"),
            spec("http", 1, url=f"http://{silent}/"),
            spec("tls", 1, url=f"https://{silent}/"),
            spec("websocket", 1, url=f"ws://{silent}/"),
            spec("sync", 1, urls=(f"http://{silent}/a", f"http://{silent}/b"), path="v"),
            ProbeSpec("cdn", "http", item="pre.infra.cdn", placeholder=True),
        ]
        started = time.perf_counter()
        results: list[ProbeResult] = await asyncio.to_thread(run_probes_sync, specs)
        elapsed = time.perf_counter() - started
    assert [r.name for r in results] == [s.name for s in specs]  # config order
    statuses = [r.status.value for r in results]
    assert statuses == ["PASS"] * 4 + ["FAIL"] * 6 + ["WARN"], [r.detail for r in results]
    assert all("no answer within 1 s" in r.detail for r in results[6:10])
    assert results[-1].configured is False
    assert elapsed < 3.0, elapsed
