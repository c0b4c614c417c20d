"""When the periodic jobs are due: at fixed times in Dutch local time, once per slot.

A job runs at its slot (e.g. Monday 09:00 Europe/Amsterdam). Its last run is stored, so a
restart neither resends it (the slot was already served) nor skips it (a slot missed while the
bot was down is served at the next check). A job never seen before starts counting from now, so
that a new deployment does not fire everything at its first start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    at: dt.time  # local time in TIMEZONE
    weekday: int | None = None  # Monday = 0; None: every day


def last_slot(slot: Slot, now: dt.datetime) -> dt.datetime:
    """The most recent moment of `slot` at or before `now` (aware, in TIMEZONE)."""
    local = now.astimezone(TIMEZONE)
    candidate = dt.datetime.combine(local.date(), slot.at, TIMEZONE)
    days_back = 0
    while candidate > local or (slot.weekday is not None and
                                candidate.weekday() != slot.weekday):
        days_back += 1
        candidate = dt.datetime.combine(local.date() - dt.timedelta(days=days_back), slot.at,
                                        TIMEZONE)
    return candidate


def due(slot: Slot, now: dt.datetime, last_run: dt.datetime | None) -> bool:
    """Whether the job should run now; `last_run` None means never (see the module doc)."""
    return last_run is not None and last_run < last_slot(slot, now)


SLOTS = (
    Slot("purge-log", dt.time(3, 30)),  # the curators' log and votes: 90 days
    Slot("purge-journal", dt.time(3, 40)),  # ids of handled updates: two days
    Slot("stale-routes", dt.time(9, 0), weekday=0),  # Monday morning, for the editors
)
