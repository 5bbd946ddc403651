"""The poller lease on real SQLite files: one holder, renewals, expiry, release, kill -9."""

from __future__ import annotations

import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import wait_until

from autus_tui.store import Store
from autus_tui.store import lease as leases


def test_one_holder_at_a_time_with_renewal_expiry_and_release(tmp_path: Path) -> None:
    path = tmp_path / "launch.db"
    with Store(path) as alice, Store(path) as bob:
        assert leases.hold(alice, "h:1:alice", 100.0, ttl=3.0)
        assert not leases.hold(bob, "h:2:bob", 101.0, ttl=3.0)  # alice's lease is live
        assert leases.hold(alice, "h:1:alice", 102.0, ttl=3.0)  # renewed until 105
        assert not leases.hold(bob, "h:2:bob", 104.9, ttl=3.0)
        assert leases.hold(bob, "h:2:bob", 105.0, ttl=3.0)  # alice stopped renewing
        current = leases.current(alice)
        assert current is not None and (current.holder, current.expires) == ("h:2:bob", 108.0)
        assert not leases.hold(alice, "h:1:alice", 106.0, ttl=3.0)
        assert not leases.release(alice, "h:1:alice")  # not hers any more: nothing changes
        assert leases.release(bob, "h:2:bob")
        assert leases.current(alice) is None
        assert leases.hold(alice, "h:1:alice", 106.5, ttl=3.0)  # free at once after release

        events = alice.events_since(0)
        # Renewals write no events; each change of holder does, with who held it before.
        assert [(e.kind, e.subject) for e in events] == [
            ("poller.start", "h:1:alice"), ("poller.start", "h:2:bob"),
            ("poller.stop", "h:2:bob"), ("poller.start", "h:1:alice"),
        ]
        assert events[1].detail == {"holder": "h:2:bob", "previous": "h:1:alice",
                                    "previous_expired": True}


def test_holds_checks_holder_and_time_inside_a_transaction(tmp_path: Path) -> None:
    with Store(tmp_path / "launch.db") as store:
        leases.hold(store, "me", 10.0, ttl=1.0)
        with store.write() as tx:
            assert leases.holds(tx.conn, leases.POLLER, "me", 10.5)
            assert not leases.holds(tx.conn, leases.POLLER, "me", 11.0)
            assert not leases.holds(tx.conn, leases.POLLER, "other", 10.5)


HOLD_FOREVER = """
import sys, time
from autus_tui.store import Store
from autus_tui.store import lease
store = Store(sys.argv[1])
while True:
    if lease.hold(store, "script", time.time(), ttl=1.0):
        print("holding", flush=True)
    time.sleep(0.3)
"""


@pytest.mark.slow
async def test_after_kill_9_of_the_holder_another_process_takes_over_within_the_ttl(
    tmp_path: Path,
) -> None:
    path = tmp_path / "launch.db"
    Store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", HOLD_FOREVER, str(path)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            assert selector.select(15), "the script never took the lease"
        assert proc.stdout.readline().strip() == "holding"
        with Store(path) as store:
            assert not leases.hold(store, "test", time.time(), ttl=1.0)
            proc.kill()
            proc.wait(5)
            killed = time.time()
            # Its last renewal was before the kill, so the lease it left ends within the
            # TTL (1 s) of it: live just before that moment, free from it on.
            left = leases.current(store)
            assert left is not None and left.holder == "script"
            assert left.expires <= killed + 1.0
            assert not leases.hold(store, "test", left.expires - 0.01, ttl=1.0)
            # And on the wall clock, without the dead process ever coming back.
            assert await wait_until(None, lambda: leases.hold(store, "test", time.time(),
                                                              ttl=1.0))
            assert leases.current(store).holder == "test"  # type: ignore[union-attr]
            kinds = [(e.kind, e.detail.get("previous")) for e in store.events_since(0)]
            assert kinds[-1] == ("poller.start", "script")
    finally:
        proc.kill()
        proc.wait(5)
