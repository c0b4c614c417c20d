"""At-least-once: an update fetched from Telegram is answered even when the process dies
before answering it, and never handled twice."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot

from bot.journal import MAX_ATTEMPTS, JournaledQueue, UpdateJournal
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
FAKE = FakeTelegram()
BOT = Bot(FAKE.token)


def _body(update_id: int, text: str = "wat doet het cjg", chat: int = 5) -> dict[str, Any]:
    return {"update_id": update_id, **FAKE.message(chat, text)}


def test_new_updates_are_admitted_and_seen_ones_are_not(tmp_path: Path) -> None:
    async def scenario(path: Path) -> tuple[set[int], set[int]]:
        journal = await UpdateJournal.open(path)
        first = await journal.admit([_body(1), _body(2)])
        again = await journal.admit([_body(2), _body(3)])
        await journal.close()
        return first, again
    assert asyncio.run(scenario(tmp_path / "j.updates")) == ({1, 2}, {3})


def test_what_was_not_handled_comes_back_in_order(tmp_path: Path) -> None:
    async def scenario() -> list[int]:
        journal = await UpdateJournal.open(tmp_path / "j.updates")
        await journal.admit([_body(3), _body(1), _body(2)])
        journal.done(2)
        await journal.close()
        reopened = await UpdateJournal.open(tmp_path / "j.updates")
        ids = [u.update_id for u in await reopened.unfinished(BOT)]
        await reopened.close()
        return ids
    assert asyncio.run(scenario()) == [1, 3]


def test_an_update_that_never_gets_handled_is_given_up_after_its_attempts(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret = "een vraag die de bot laat vastlopen"

    async def scenario() -> list[int]:
        journal = await UpdateJournal.open(tmp_path / "j.updates")
        await journal.admit([_body(7, secret)])
        counts = [len(await journal.unfinished(BOT)) for _ in range(MAX_ATTEMPTS + 1)]
        await journal.close()
        return counts
    assert asyncio.run(scenario()) == [1] * (MAX_ATTEMPTS - 1) + [0, 0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "gave up on update 7 (message)" in logged and secret not in logged


def test_a_handled_message_leaves_no_text_in_the_file(tmp_path: Path) -> None:
    secret = "mijn leerling Zoë uit groep zes"

    async def scenario() -> None:
        journal = await UpdateJournal.open(tmp_path / "j.updates")
        await journal.admit([_body(1, secret)])
        journal.done(1)
        await journal.close()
    asyncio.run(scenario())
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert secret.encode() not in on_disk
    with closing(sqlite3.connect(tmp_path / "j.updates")) as db:
        assert db.execute("SELECT update_id, body FROM updates").fetchall() == [(1, None)]
    assert (tmp_path / "j.updates").stat().st_mode & 0o777 == 0o600


def test_a_seen_update_in_a_fetched_batch_becomes_an_empty_one(tmp_path: Path) -> None:
    async def scenario() -> list[dict[str, Any]]:
        queue = JournaledQueue()
        queue.journal = await UpdateJournal.open(tmp_path / "j.updates")
        await queue.admit_fetched([_body(1)])
        batch = await queue.admit_fetched([_body(1), _body(2)])
        await queue.journal.close()
        return batch
    batch = asyncio.run(scenario())
    assert batch[0] == {"update_id": 1}  # confirmed to Telegram, handled by nothing
    assert batch[1]["update_id"] == 2 and "message" in batch[1]


def test_an_unwritable_journal_still_lets_every_update_through(tmp_path: Path) -> None:
    async def scenario() -> tuple[set[int], bool]:
        journal = await UpdateJournal.open(tmp_path / "j.updates")
        other = sqlite3.connect(tmp_path / "j.updates", timeout=0)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the file
        try:
            admitted = await journal.admit([_body(1), _body(2)])
        finally:
            other.rollback()
            other.close()
        failing = journal.failing
        await journal.close()
        return admitted, failing
    assert asyncio.run(scenario()) == ({1, 2}, True)


def test_handled_ids_are_forgotten_after_telegram_forgot_them(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, int]:
        journal = await UpdateJournal.open(tmp_path / "j.updates")
        await journal.admit([_body(1), _body(2)])
        journal.done(1)
        await journal.flush()
        kept = await journal.purge(keep_seconds=3600)
        gone = await journal.purge(keep_seconds=-1)
        await journal.close()
        return kept, gone
    assert asyncio.run(scenario()) == (0, 1)  # the unhandled one stays
