"""The curators' log keeps what nobody could answer, and nothing that identifies a person."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

from bot.service import Service
from bot.storage import CuratorLog, Storage, StorageError
from tests.conftest import db_dump

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_personal_data_never_reaches_the_database_file(tmp_path: Path, service: Service) -> None:
    path = tmp_path / "db.sqlite3"
    questions = [
        "mijn leerling Jan de Vries belt 06-12345678 over de knutselclub",
        "Fatima Bakker uit groep 5 heeft geen fiets voor de excursie",
        "bel ouder@example.nl of 020-1234567, Dorpsstraat 12, 1234 AB",
        "bsn 111222333 geboren 12-03-2015",
    ]

    async def main() -> list[str]:
        async with await Storage.open(path) as storage:
            log = CuratorLog(storage)
            return [await log.log_unanswered(q, 7, service.known_word) for q in questions]

    stored = run(main())
    dump = db_dump(path)
    for secret in ("Jan", "Vries", "06-12345678", "Fatima", "Bakker", "ouder@example.nl",
                   "020-1234567", "Dorpsstraat", "1234 AB", "111222333", "12-03-2015"):
        assert secret not in dump, secret
    assert "fiets" in stored[1] and "groep" in stored[1]  # the knowledge base's own words stay


def test_a_word_is_kept_once_three_different_users_typed_it(tmp_path: Path,
                                                            service: Service) -> None:
    async def main() -> list[str]:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            log = CuratorLog(storage)
            return [await log.log_unanswered("vraag over kwispelhond", user,
                                             service.known_word) for user in (1, 1, 2, 3)]

    stored = run(main())
    assert "kwispelhond" not in stored[0] and "kwispelhond" not in stored[2]
    assert "kwispelhond" in stored[3]


def test_old_rows_are_deleted_after_the_retention_period(tmp_path: Path,
                                                         service: Service) -> None:
    path = tmp_path / "db.sqlite3"

    async def log_one() -> None:
        async with await Storage.open(path) as storage:
            await CuratorLog(storage).log_unanswered("onbekende vraag", 1, service.known_word)

    run(log_one())
    with closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE curator_log SET at = datetime('now', '-91 days')")
        db.commit()

    async def purge() -> tuple[int, list[tuple[str, int]]]:
        async with await Storage.open(path) as storage:
            log = CuratorLog(storage)
            return await log.purge_old(), await log.unanswered()

    deleted, left = run(purge())
    assert deleted == 1 and left == []


def test_the_hash_key_lives_outside_the_database_readable_by_the_owner_only(
        tmp_path: Path, service: Service) -> None:
    path = tmp_path / "db.sqlite3"

    async def main() -> None:
        async with await Storage.open(path) as storage:
            await CuratorLog(storage).log_unanswered("vraag over kwispelhond", 1,
                                                     service.known_word)

    run(main())
    key_file = tmp_path / "db.sqlite3.key"
    key = key_file.read_text().strip()
    assert len(key) == 32 and key_file.stat().st_mode & 0o777 == 0o600
    assert key not in db_dump(path)


def test_an_older_database_key_moves_out_of_the_database(tmp_path: Path,
                                                         service: Service) -> None:
    path = tmp_path / "db.sqlite3"

    async def make_old() -> None:
        async with await Storage.open(path) as storage:
            await storage._db.execute("INSERT INTO meta (key, value) VALUES ('salt', 'ab12')")
            await storage._db.commit()

    async def use() -> None:
        async with await Storage.open(path) as storage:
            await CuratorLog(storage).log_unanswered("vraag", 1, service.known_word)

    run(make_old())
    run(use())
    assert (tmp_path / "db.sqlite3.key").read_text().strip() == "ab12"
    assert "ab12" not in db_dump(path)


def test_a_name_typed_by_many_colleagues_is_never_released(tmp_path: Path,
                                                            service: Service) -> None:
    async def main() -> list[str]:
        async with await Storage.open(tmp_path / "db.sqlite3") as storage:
            log = CuratorLog(storage)
            return [await log.log_unanswered("hoe gaat het met Daan de Jong", user,
                                             service.known_word) for user in (1, 2, 3, 4)]

    assert not any("Daan" in s or "Jong" in s for s in run(main()))


def test_a_locked_database_loses_no_queued_question(tmp_path: Path, service: Service) -> None:
    path = tmp_path / "db.sqlite3"

    async def main() -> tuple[int, int, int]:
        async with await Storage.open(path) as storage:
            await storage._db.execute("PRAGMA busy_timeout = 50")
            log = CuratorLog(storage)
            for i in range(8):
                log.enqueue(f"vraag over kwispelhond {i}", i, service.known_word)
            other = sqlite3.connect(path)
            other.execute("BEGIN EXCLUSIVE")  # a backup holds the file
            try:
                await log.flush()
            except StorageError:
                pass
            finally:
                other.rollback()
                other.close()
            waiting = log.waiting()
            written = await log.flush()
            return waiting, written, len(await log.unanswered(50))

    waiting, written, stored = run(main())
    assert (waiting, written, stored) == (8, 8, 8)
