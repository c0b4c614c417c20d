"""Which failures prove that a message did not arrive (only those are sent again later)."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
from telegram.error import NetworkError, TimedOut

from bot.outbox import MAX_AGE_SECONDS, Outbox, surely_not_delivered


def _caused(exc: NetworkError, cause: BaseException | None) -> NetworkError:
    exc.__cause__ = cause
    return exc


def test_a_5xx_answer_proves_the_message_did_not_arrive() -> None:
    assert surely_not_delivered(_caused(NetworkError("Bad Gateway"), None))


def test_a_refused_connection_proves_the_message_did_not_arrive() -> None:
    assert surely_not_delivered(_caused(NetworkError("httpx.ConnectError"),
                                        httpx.ConnectError("refused")))
    assert surely_not_delivered(_caused(TimedOut(), httpx.ConnectTimeout("no answer")))


def test_a_connection_broken_after_sending_may_have_delivered_it() -> None:
    assert not surely_not_delivered(_caused(TimedOut(), httpx.ReadTimeout("slow")))
    assert not surely_not_delivered(_caused(NetworkError("httpx.RemoteProtocolError"),
                                            httpx.RemoteProtocolError("dropped")))


def test_a_reply_that_waited_more_than_a_day_is_dropped(tmp_path: Path) -> None:
    async def scenario() -> int:
        outbox = await Outbox.open(tmp_path / "o.updates")
        await outbox.keep(5, "te laat")
        await outbox.close()
        with closing(sqlite3.connect(tmp_path / "o.updates")) as db, db:
            db.execute("UPDATE outbox SET queued = queued - ?", (MAX_AGE_SECONDS + 1,))
        reopened = await Outbox.open(tmp_path / "o.updates")
        oldest = await reopened._oldest()
        left = await reopened.waiting()
        await reopened.close()
        assert oldest is None
        return left
    assert asyncio.run(scenario()) == 0
