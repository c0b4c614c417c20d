"""Is this deployment healthy? The same checks for `wijkwijzer health` (any mode, also the
container's HEALTHCHECK) and the bot's `/healthz` (a small HTTP endpoint when
WIJKWIJZER_HEALTH_PORT is set).

Healthy means: the knowledge and its models load, the database opens and passes SQLite's quick
check at a schema this version knows, and no fetched update has waited more than a few minutes
to be answered (a stuck bot). Replies waiting for Telegram in the outbox are reported, not
failed: they are what an outage of Telegram looks like.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tornado.httpserver import HTTPServer

STUCK_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_knowledge(directory: Path | None) -> Check:
    from bot.knowledge import KnowledgeError
    from bot.model import ModelError
    from bot.service import Service

    try:
        service = Service.load(directory)
    except (KnowledgeError, ModelError, OSError) as exc:
        return Check("knowledge", False, str(exc).splitlines()[0])
    models = "with models" if service.ranker is not None else "WITHOUT the intent model"
    return Check("knowledge", True, f"{len(list(service.kb))} entries, {models}")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def check_database(path: Path) -> Check:
    from bot.storage import SCHEMA_VERSION

    if not path.exists():  # the bot makes it at its first start: not running, or elsewhere
        return Check("database", False, f"{path} does not exist (the bot creates it when it "
                                        "starts; check WIJKWIJZER_DB)")
    try:
        connection = _read_only(path)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return Check("database", False, f"{path}: {exc}")
    if verdict != "ok":
        return Check("database", False, f"{path}: quick check says {verdict}")
    if version > SCHEMA_VERSION:
        return Check("database", False, f"schema {version} is newer than this version knows")
    return Check("database", True, f"{path.name}, schema {version}")


def check_updates(path: Path, now: float | None = None) -> Check:
    from bot.journal import journal_path

    journal = journal_path(path)
    if not journal.exists():
        return Check("updates", True, "no update journal yet")
    try:
        connection = _read_only(journal)
        try:
            oldest = connection.execute(
                "SELECT MIN(received), COUNT(*) FROM updates WHERE body IS NOT NULL").fetchone()
            waiting = connection.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] \
                if connection.execute("SELECT name FROM sqlite_master WHERE name = 'outbox'"
                                      ).fetchone() else 0
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return Check("updates", False, f"{journal.name}: {exc}")
    first, pending = oldest
    age = (now or time.time()) - first if first is not None else 0.0
    outbox = f"; {waiting} replies wait for Telegram" if waiting else ""
    if age > STUCK_SECONDS:
        return Check("updates", False, f"{pending} updates unanswered, the oldest for "
                                       f"{age / 60:.0f} minutes{outbox}")
    return Check("updates", True, f"{pending} updates being answered{outbox}")


def run_checks(db_path: Path, knowledge_dir: Path | None) -> list[Check]:
    return [check_knowledge(knowledge_dir), check_database(db_path), check_updates(db_path)]


async def serve_healthz(db_path: Path, listen: str, port: int) -> HTTPServer:
    """`GET /healthz` on `listen:port`: 200 and the checks as text when healthy, else 503.
    Returns the server (stop it with `.stop()`). The knowledge is not reloaded here: the
    running bot has it."""
    import asyncio

    import tornado.httpserver
    import tornado.web

    class Healthz(tornado.web.RequestHandler):
        async def get(self) -> None:
            checks = await asyncio.to_thread(
                lambda: [check_database(db_path), check_updates(db_path)])
            self.set_status(200 if all(c.ok for c in checks) else 503)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("".join(f"{'ok' if c.ok else 'FAIL'} {c.name}: {c.detail}\n"
                                for c in checks))

    server = tornado.httpserver.HTTPServer(tornado.web.Application([(r"/healthz", Healthz)]))
    server.listen(port, listen)
    return server
