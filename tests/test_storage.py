"""Storage: a real SQLite file, versioned, and clear about what it cannot do."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.storage import SCHEMA_VERSION, Storage, StorageError
from tests.conftest import db_rows

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_counts_are_kept_per_entry(tmp_path: Path) -> None:
    async def main() -> None:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            await storage.record_answer("cjg")
            await storage.record_answer("cjg")
            await storage.record_answer("wijkteam")
            await storage.record_feedback("cjg", True)
            await storage.record_feedback("cjg", False)
            assert await storage.most_asked(5) == ["cjg", "wijkteam"]
            stats = await storage.stats("cjg")
            assert (stats.asked, stats.thumbs_up, stats.thumbs_down) == (2, 1, 1)

    run(main())


def test_counts_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"

    async def write() -> None:
        async with await Storage.open(path) as storage:
            await storage.record_answer("cjg")

    async def read() -> int:
        async with await Storage.open(path) as storage:
            return (await storage.stats("cjg")).asked

    run(write())
    assert run(read()) == 1


def test_no_message_text_or_user_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"

    async def main() -> None:
        async with await Storage.open(path) as storage:
            await storage.record_answer("cjg")

    run(main())
    columns = {row[1] for row in db_rows(path, "PRAGMA table_info(entry_stats)")}
    assert columns == {"entry_id", "asked", "thumbs_up", "thumbs_down", "updated"}


def test_the_file_uses_wal_and_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    run(_open_close(path))
    assert db_rows(path, "PRAGMA journal_mode")[0][0] == "wal"
    assert db_rows(path, "PRAGMA user_version")[0][0] == SCHEMA_VERSION


async def _open_close(path: Path) -> None:
    storage = await Storage.open(path)
    await storage.close()


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StorageError, match="newer Wijkwijzer"):
        run(_open_close(path))


def test_a_corrupt_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StorageError, match="not a usable Wijkwijzer database"):
        run(_open_close(path))


def test_an_unwritable_place_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError):
        run(_open_close(blocker / "sub" / "db.sqlite3"))


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"

    async def writer(n: int) -> None:
        async with await Storage.open(path) as storage:
            for _ in range(n):
                await storage.record_answer("cjg")

    async def main() -> int:
        await _open_close(path)
        await asyncio.gather(*(writer(25) for _ in range(8)))
        async with await Storage.open(path) as storage:
            return (await storage.stats("cjg")).asked

    assert run(main()) == 200


def test_a_locked_database_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    run(_open_close(path))
    blocker = sqlite3.connect(path, timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")

    async def main() -> None:
        storage = await Storage.open(path)
        await storage._db.execute("PRAGMA busy_timeout = 100")
        try:
            await storage.record_answer("cjg")
        finally:
            await storage.close()

    try:
        with pytest.raises(StorageError, match="could not save"):
            run(main())
    finally:
        blocker.rollback()
        blocker.close()
