"""The launch day of a database: stored on first use, never moved by a later start.

Without ``[launch] date`` the day is "today in the launch timezone" — which, for a start
after midnight, is the next day: yesterday's ticks would land under a new D-Day and the
D+1 slot would break. So the first start on a database stores its launch date
(``meta`` row ``launch.date``, with a ``launch.day`` event) and every later start uses
that one: ``settle_launch_date`` returns it. A configured ``[launch] date`` that
disagrees with the stored one is refused (``StoreError`` naming the file, nothing
changed): another day needs another database. ``day_note`` is what a start says when
the stored day is not today's (the control room's events pane).
"""

from __future__ import annotations

from datetime import date, datetime

from autus_tui.core.config import Config
from autus_tui.store import Store, StoreError
from autus_tui.store.meta import set_meta

LAUNCH_DATE = "launch.date"


def stored_launch_date(store: Store) -> date | None:
    text = store.get_meta(LAUNCH_DATE)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def settle_launch_date(store: Store, config: Config, now: datetime, operator: str = "") -> date:
    """The database's launch day, storing it on first use (see module doc)."""
    configured = config.launch.date
    with store.write() as tx:
        row = tx.conn.execute("SELECT value FROM meta WHERE key = ?", (LAUNCH_DATE,)).fetchone()
        stored = _parse(row[0]) if row else None
        if stored is not None:
            if configured is not None and configured != stored:
                raise StoreError(store.path, f"its launch day is {stored.isoformat()} (stored "
                                             "on first use) but the configuration says "
                                             f"{configured.isoformat()}; nothing was changed "
                                             "— use another --db for another day, or fix "
                                             "[launch] date")
            return stored
        day = configured or now.astimezone(config.launch.zone).date()
        set_meta(tx.conn, LAUNCH_DATE, day.isoformat())
        tx.event(operator or "system", "launch.day", day.isoformat(),
                 {"date": day.isoformat(), "configured": configured is not None})
        return day


def day_note(day: date, now: datetime, config: Config) -> str | None:
    """What to say when the database's launch day is not today's date."""
    today = now.astimezone(config.launch.zone).date()
    if today == day:
        return None
    return (f"launch day is {day.isoformat()} (stored in this database), today is "
            f"{today.isoformat()}: the day was not moved")


def _parse(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None
