"""Delivering the outbox to the team channel: a Slack-compatible webhook, with back-off.

``Notifier(store, config, holder).run()`` runs until cancelled; any number of processes
may run one on the same database. Each ``step`` claims one due notice (``store.outbox.
claim``: no other process takes it while the claim lasts, and the claim outlives the
request's timeout), POSTs ``{"text": ...}`` with httpx (``timeout`` for the whole request,
``trust_env=False``: no proxy from the environment, no redirects) and records the outcome:

  * 2xx: sent;
  * a timeout, no connection, HTTP 429 or 5xx: tried again after ``first_backoff`` s,
    doubling up to ``max_backoff`` (5 s, 10 s, 20 s ... 5 min), given up after
    ``max_attempts``;
  * any other answer (a 4xx: a revoked or wrong URL): failed at once;
  * nowhere to send it: skipped. A live notice goes to ``config.webhook_url``
    (``AUTUS_WEBHOOK_URL``); a rehearsal notice only to ``config.rehearsal_webhook_url``
    (``AUTUS_REHEARSAL_WEBHOOK_URL``), never to the live channel. Every notice of a
    rehearsal database (``store.mode``) counts as a rehearsal one, whatever its own flag
    says: an incident, rollback or notice of a rehearsal never reaches the live channel,
    even one written by code that forgot to set the flag.

Errors name the host only (``hooks.example.com: HTTP 500``), never the URL's path or
query, which hold the webhook's secret. The HTTP request runs on the event loop without
any database lock held, and store calls run in worker threads, so a webhook that hangs
delays only its own notice: not the ladder (``services.escalation_firing``), not the screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import httpx

from autus_tui.core.config import Config
from autus_tui.sources.net_errors import connection_reason, where
from autus_tui.store import StoreBusy, StoreError, outbox
from autus_tui.store.mode import REHEARSAL, read_mode
from autus_tui.store.outbox import Notice
from autus_tui.store.store import Store

TIMEOUT = 5.0
FIRST_BACKOFF, MAX_BACKOFF = 5.0, 300.0
MAX_ATTEMPTS = 100
IDLE = 1.0
log = logging.getLogger(__name__)


class Notifier:
    def __init__(
        self,
        store: Store,
        config: Config,
        holder: str,
        *,
        timeout: float = TIMEOUT,
        first_backoff: float = FIRST_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
        max_attempts: int = MAX_ATTEMPTS,
        idle: float = IDLE,
        real: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.config, self.holder = store, config, holder
        self.timeout, self.idle, self.real = timeout, idle, real
        self.first_backoff, self.max_backoff = first_backoff, max_backoff
        self.max_attempts = max_attempts
        self.claim_ttl = max(30.0, 3 * timeout)
        """A claim outlives the request (plus the two store writes) with room to spare."""
        self.sent = 0
        self._client: httpx.AsyncClient | None = None
        self._wake = asyncio.Event()
        self._rehearsal: bool | None = None

    def wake(self) -> None:
        """Look at the outbox now rather than after the idle pause."""
        self._wake.set()

    async def run(self) -> None:
        try:
            while True:
                try:
                    handled = await self.step()
                except StoreBusy:
                    handled = False
                except StoreError as error:  # the recorder reports a database that fails
                    log.warning("notifier: %s", error)
                    handled = False
                if not handled:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.idle)
                    self._wake.clear()
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def step(self) -> bool:
        """Send at most one due notice; False when there was none."""
        notice = await asyncio.to_thread(
            outbox.claim, self.store, self.holder, self.real(), self.claim_ttl)
        if notice is None:
            return False
        rehearsal = notice.rehearsal or await asyncio.to_thread(self._rehearsal_database)
        url = self.config.rehearsal_webhook_url if rehearsal else self.config.webhook_url
        if url is None:
            variable = "AUTUS_REHEARSAL_WEBHOOK_URL" if rehearsal else "AUTUS_WEBHOOK_URL"
            await self._finish(notice, outbox.SKIPPED, f"no webhook configured ({variable} unset)")
            return True
        host = where(url)
        outcome, error = await self._post(url, host, notice.text)
        if outcome == "retry" and notice.attempts >= self.max_attempts:
            outcome, error = outbox.FAILED, f"{error} (gave up after {notice.attempts} attempts)"
        next_try = 0.0
        if outcome == "retry":
            delay = min(self.max_backoff, self.first_backoff * 2 ** min(notice.attempts - 1, 20))
            next_try = self.real() + delay
        await self._finish(notice, outcome, error, next_try, host)
        if outcome == outbox.SENT:
            self.sent += 1
        return True

    def _rehearsal_database(self) -> bool:
        """The database is a rehearsal's (a file's mode never changes: read once)."""
        if self._rehearsal is None:
            self._rehearsal = read_mode(self.store) == REHEARSAL
        return self._rehearsal

    async def _finish(self, notice: Notice, outcome: str, error: str | None,
                      next_try: float = 0.0, host: str = "") -> None:
        await asyncio.to_thread(outbox.finish, self.store, notice, self.holder, outcome,
                                error=error, next_try=next_try, host=host)

    async def _post(self, url: str, host: str, text: str) -> tuple[str, str | None]:
        if self._client is None:
            self._client = httpx.AsyncClient(
                trust_env=False, follow_redirects=False, timeout=httpx.Timeout(self.timeout),
                headers={"User-Agent": "autus-tui"})
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._client.post(url, json={"text": text})
        except (TimeoutError, httpx.TimeoutException):
            return "retry", f"{host}: timed out after {self.timeout:g} s"
        except httpx.ConnectError as error:
            return "retry", f"{host}: could not connect ({connection_reason(error)})"
        except httpx.HTTPError as error:  # a dropped connection, a protocol error
            return "retry", f"{host}: {type(error).__name__}"
        status = response.status_code
        if 200 <= status < 300:
            return outbox.SENT, None
        if status == 429 or status >= 500:
            return "retry", f"{host}: HTTP {status}"
        return outbox.FAILED, f"{host}: HTTP {status} (not retried)"
