"""A second Store on a file this process already has open must not drop the first's locks.

POSIX ends all of a process's fcntl locks on a file when any descriptor of it is closed;
a header check by plain open()/close() did that, and another process's exit then deleted
the WAL under the first Store, whose later writes were lost to everyone else.
"""

import subprocess
import sys
from pathlib import Path

from autus_tui.store import Store

WRITER = """
import sys
from autus_tui.store import Store
with Store(sys.argv[1]) as store:
    store.append_event("bob", "note", "", {"text": "from bob"})
"""


def test_second_store_in_process_keeps_the_first_ones_writes_visible(tmp_path: Path) -> None:
    path = tmp_path / "pair.db"
    first = Store(path)
    try:
        with Store(path) as second:  # e.g. a report read in the same process
            second.append_event("alice", "note", "", {"text": "report"})
        done = subprocess.run([sys.executable, "-c", WRITER, str(path)], timeout=30,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr
        first.append_event("alice", "note", "", {"text": "after bob left"})
        assert (tmp_path / "pair.db-wal").exists()
    finally:
        first.close()
    with Store(path) as reader:
        texts = [event.detail.get("text") for event in reader.events_since(0)]
    assert texts == ["report", "from bob", "after bob left"]
