"""The curators' log: unanswered questions, redacted, kept 90 days."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from bot.normalize import fold
from bot.privacy import redact
from bot.storage.database import Storage

RETENTION_DAYS = 90  # the curators' log and the word counts behind it
RELEASE_USERS = 3  # a word not in the vocabulary is kept once this many users typed it
MAX_QUEUE = 1000  # unanswered questions waiting for the database


class CuratorLog:
    """Unanswered questions for the knowledge-base curators, redacted, kept 90 days.

    The bot queues a question (already stripped of pattern-shaped personal data) and the flush
    job writes the queue in one transaction, so that answering never waits for the database.
    """

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._db = storage._db
        self._queue: list[tuple[str, int, Callable[[str], bool]]] = []

    def enqueue(self, text: str, user_id: int, known: Callable[[str], bool]) -> None:
        self._queue.append((redact(text[:500]), user_id, known))
        del self._queue[:-MAX_QUEUE]  # while the database is away, keep the newest only

    async def flush(self) -> int:
        """Write the queued questions, oldest first; how many were written. A question leaves
        the queue only once it is stored, so a locked database loses nothing (up to
        MAX_QUEUE waiting questions)."""
        written = 0
        while self._queue:
            text, user_id, known = self._queue[0]
            await self.log_unanswered(text, user_id, known)
            self._queue.pop(0)
            written += 1
        return written

    def waiting(self) -> int:
        """Questions queued and not yet stored (not __len__: an empty log must stay truthy)."""
        return len(self._queue)

    async def _salt(self) -> str:
        return await self._storage.key()

    async def words_of(self, user_id: int) -> int:
        """How many word records name this user (as a salted hash)."""
        async with self._storage.transaction() as db:
            salt = await self._salt()
            cursor = await db.execute("SELECT count(*) FROM word_users WHERE user_hash = ?",
                                      (self._storage.pseudonym(salt, user_id),))
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def log_unanswered(self, text: str, user_id: int, known: Callable[[str], bool],
                             missing_from: str | None = None) -> str:
        """Keep a question nobody could answer, for the curators, with personal data removed:
        pattern rules first, then every word the knowledge base does not know is replaced
        until at least three different users have typed it. Returns what was stored."""
        redacted = redact(text[:500])
        async with self._storage.transaction() as db:
            salt = await self._salt()
            user_hash = self._storage.pseudonym(salt, user_id)
            tokens = redacted.split()
            hashes: dict[int, str] = {}  # token position -> word hash, unknown words only
            for i, token in enumerate(tokens):
                word = fold(token)
                if word and not token.startswith("[") and not known(word) \
                        and not word.isdigit():
                    hashes[i] = hashlib.sha256(f"{salt}:word:{word}".encode()).hexdigest()
            users: dict[str, int] = {}
            if hashes:
                unique = sorted(set(hashes.values()))
                await db.executemany(
                    "INSERT OR IGNORE INTO word_users (word_hash, user_hash) VALUES (?, ?)",
                    [(h, user_hash) for h in unique])
                marks = ",".join("?" * len(unique))
                cursor = await db.execute(
                    "SELECT word_hash, count(*) FROM word_users WHERE word_hash IN "
                    f"({marks}) GROUP BY word_hash", unique)
                users = {str(h): int(n) for h, n in await cursor.fetchall()}
            stored = " ".join(token if i not in hashes or users.get(hashes[i], 0) >= RELEASE_USERS
                              else "[…]" for i, token in enumerate(tokens))
            await db.execute(
                "INSERT INTO curator_log (kind, text) VALUES (?, ?)",
                ("missing", f"{missing_from}: {stored}") if missing_from else
                ("unanswered", stored))
        return stored

    async def purge_old(self, days: int = RETENTION_DAYS) -> int:
        """Delete log rows and word counts older than `days`; the number of log rows deleted."""
        cutoff = f"-{int(days)} days"
        async with self._storage.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM curator_log WHERE at < datetime('now', ?)", (cutoff,))
            deleted = cursor.rowcount
            await db.execute("DELETE FROM word_users WHERE seen < datetime('now', ?)", (cutoff,))
            await db.execute("DELETE FROM votes WHERE at < datetime('now', ?)", (cutoff,))
        return max(deleted, 0)

    async def unanswered(self, limit: int = 20) -> list[tuple[str, int]]:
        cursor = await self._db.execute(
            "SELECT text, count(*) AS n FROM curator_log WHERE kind = 'unanswered' "
            "GROUP BY text ORDER BY n DESC, text LIMIT ?", (limit,))
        return [(str(t), int(n)) for t, n in await cursor.fetchall()]

    async def missing(self, limit: int = 20) -> list[str]:
        """What users said was missing after a 👎 ("entry id: redacted text"), newest first."""
        cursor = await self._db.execute(
            "SELECT text FROM curator_log WHERE kind = 'missing' ORDER BY id DESC LIMIT ?",
            (limit,))
        return [str(t) for (t,) in await cursor.fetchall()]

    async def feedback(self, limit: int = 20) -> list[tuple[str, int, int]]:
        """(entry id, 👎, 👍) over the retention period, most 👎 first."""
        cursor = await self._db.execute(
            "SELECT text, sum(kind = 'thumbs_down') AS down, sum(kind = 'thumbs_up') AS up "
            "FROM curator_log WHERE kind IN ('thumbs_up', 'thumbs_down') GROUP BY text "
            "HAVING down > 0 ORDER BY down DESC, text LIMIT ?", (limit,))
        return [(str(e), int(d), int(u)) for e, d, u in await cursor.fetchall()]

    async def forget_words_of(self, user_id: int) -> None:
        async with self._storage.transaction() as db:
            salt = await self._salt()
            user_hash = self._storage.pseudonym(salt, user_id)
            await db.execute("DELETE FROM word_users WHERE user_hash = ?", (user_hash,))
