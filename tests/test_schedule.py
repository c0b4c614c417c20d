"""Periodic jobs at fixed Dutch times: once per slot, never resent by a restart, never skipped
by downtime."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.schedule import TIMEZONE, Slot, due, last_slot
from bot.storage import Storage

WEEKLY = Slot("stale-routes", dt.time(9, 0), weekday=0)
DAILY = Slot("purge-log", dt.time(3, 30))


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TIMEZONE)


def test_the_weekly_slot_is_monday_nine_dutch_time_also_in_summer() -> None:
    assert last_slot(WEEKLY, _at("2026-07-08T12:00")) == _at("2026-07-06T09:00")
    assert last_slot(WEEKLY, _at("2026-12-07T08:59")) == _at("2026-11-30T09:00")
    # 09:00 in Amsterdam is 07:00 UTC in summer and 08:00 UTC in winter
    assert last_slot(WEEKLY, _at("2026-07-08T12:00")).astimezone(dt.UTC).hour == 7
    assert last_slot(WEEKLY, _at("2026-12-08T12:00")).astimezone(dt.UTC).hour == 8


def test_a_restart_after_the_slot_was_served_does_not_resend() -> None:
    ran = _at("2026-12-07T09:02")
    assert not due(WEEKLY, _at("2026-12-07T10:00"), ran)  # restarted an hour later
    assert not due(WEEKLY, _at("2026-12-13T23:00"), ran)
    assert due(WEEKLY, _at("2026-12-14T09:01"), ran)


def test_a_slot_missed_while_the_bot_was_down_runs_at_the_next_check() -> None:
    ran = _at("2026-11-30T09:01")
    assert due(WEEKLY, _at("2026-12-07T15:00"), ran)  # down from Sunday to Monday afternoon


def test_a_job_never_seen_waits_for_its_next_slot() -> None:
    assert not due(DAILY, _at("2026-12-07T04:00"), None)


@given(st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2030, 1, 1)))
def test_the_last_slot_is_never_in_the_future_nor_more_than_a_week_ago(now: dt.datetime) -> None:
    aware = now.replace(tzinfo=TIMEZONE)
    for slot in (WEEKLY, DAILY):
        found = last_slot(slot, aware)
        assert found <= aware and aware - found < dt.timedelta(days=7, hours=1)
        assert found.astimezone(TIMEZONE).time() == slot.at


def test_the_last_run_survives_a_restart(tmp_path: Path) -> None:
    async def scenario() -> dt.datetime | None:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            await storage.set_last_run("stale-routes", _at("2026-12-07T09:02"))
        async with await Storage.open(tmp_path / "db.sqlite3") as reopened:
            return await reopened.last_run("stale-routes")
    assert asyncio.run(scenario()) == _at("2026-12-07T09:02")
