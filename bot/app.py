"""Building and running the Telegram application (python-telegram-bot 22).

Imported only by `wijkwijzer run` and the tests: the answering path never loads PTB.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets
import signal
import sqlite3
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias, TypeVar
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    Defaults,
)

import handlers
from bot import texts
from bot.areas import Areas, load_areas
from bot.config import Settings
from bot.health import serve_healthz
from bot.journal import JournaledQueue, UpdateJournal, journal_path
from bot.local_routes import LocalRoutes
from bot.outbox import Outbox
from bot.retry import PatientRateLimiter, QuarantineRequest
from bot.schedule import TIMEZONE
from bot.service import Service
from bot.storage import CuratorLog, Storage
from bot.workload import is_heavy
from handlers.deps import Deps
from handlers.jobs import flush_counts, run_due
from handlers.menus import set_menu

log = logging.getLogger(__name__)

App: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"

# httpcore's connection pool spends time quadratic in the number of requests in flight, so a
# few dozen concurrent updates (each needs about a millisecond) serve far more than hundreds.
MAX_CONCURRENT_UPDATES = 16
HEAVY_CONCURRENT_UPDATES = 2  # long messages: one answered in the worker thread, one ready
UNBOUNDED_UPDATES = 1 << 20
CONNECTION_POOL_SIZE = 8
FLUSH_SECONDS = 2.0  # buffered answer counts reach the database at least this often
DUE_CHECK_SECONDS = 300  # periodic jobs run within five minutes of their slot


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within one chat, and long messages in a lane of
    their own.

    Replies to one person never overtake each other, while a slow chat does not hold up the
    others. (PTB's plain `concurrent_updates` would run a chat's updates in parallel.) An update
    takes a slot only once it is its chat's turn, so one user's queue of messages holds one
    slot, not sixteen; and a long message (see `bot.workload`) waits in the heavy lane, so that
    twenty users sending pages of text cannot take every slot from the short questions. PTB's
    own semaphore is set wide open: it would be taken before the chat's turn.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
                 heavy_concurrent_updates: int = HEAVY_CONCURRENT_UPDATES,
                 on_handled: Callable[[object], None] | None = None) -> None:
        super().__init__(UNBOUNDED_UPDATES)
        self._on_handled = on_handled  # told once each update is handled (the journal)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._heavy_slots = asyncio.Semaphore(heavy_concurrent_updates)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._waiting: defaultdict[int, int] = defaultdict(int)

    async def do_process_update(self, update: object,
                                coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_turn(update, coroutine)
        finally:
            if self._on_handled is not None:
                self._on_handled(update)

    async def _in_turn(self, update: object, coroutine: Awaitable[Any]) -> None:
        slots = self._heavy_slots if _is_heavy(update) else self._slots
        key = _chat_key(update)
        if key is None:
            async with slots:
                await coroutine
            return
        self._waiting[key] += 1
        try:
            async with self._locks[key], slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats
                del self._waiting[key]
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _is_heavy(update: object) -> bool:
    if not isinstance(update, Update) or update.effective_message is None:
        return False
    message = update.effective_message
    return is_heavy(message.text or message.caption or "")


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:  # inline queries: per user
        return update.effective_user.id
    return None


class RetryLoopFilter(logging.Filter):
    """PTB logs a failed start-up with a traceback before it raises; the command line then
    says the same in one line (README: "errors are one line"), so PTB's copy is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or not record.name.startswith("telegram"):
            return True
        message = record.getMessage()
        return not ("Network Retry Loop" in message and "Aborting." in message)


class RedactingFilter(logging.Filter):
    """Removes the bot token from every log record, whichever library wrote it.

    Tracebacks can carry the token too (httpx puts the request URL in its errors), so a record's
    exception becomes one redacted line; with `tracebacks` the whole (redacted) traceback stays.
    """

    def __init__(self, secret: str, tracebacks: bool = False) -> None:
        super().__init__()
        self._secret = secret
        self._tracebacks = tracebacks

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "[token]") if self._secret else text

    def filter(self, record: logging.LogRecord) -> bool:
        message = self._redact(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            detail = (logging.Formatter().formatException(record.exc_info)
                      if self._tracebacks else f"{type(error).__name__}: {error}")
            message = f"{message} ({self._redact(detail)})"
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = message, None
        return True


def protect_logs() -> None:
    """Keep tokens and message texts out of the logs, whatever level the root logger has.

    httpx logs every request URL at INFO, and the URL carries the token; PTB logs whole
    updates, message texts included, at DEBUG; aiosqlite logs every statement with its values
    (stored routes, the update journal's messages) at DEBUG; tornado (a webhook) logs request
    lines at INFO.
    """
    for name in ("httpx", "httpcore", "aiosqlite", "tornado.access"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)


def configure_logging(token: str, level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    protect_logs()
    redactor = RedactingFilter(token, tracebacks=level <= logging.DEBUG)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RetryLoopFilter())
        handler.addFilter(redactor)


@dataclass(frozen=True, slots=True)
class BotOptions:
    rate_limit: bool = True  # off only for the benchmark
    pace_seconds: float = 0.35
    max_retries: int = 3
    journal: bool = True  # fetched updates written down until handled (at-least-once)


def example_entries(service: Service) -> tuple[tuple[str, str], ...]:
    """Start-screen examples as (entry id, question), found by the service itself."""
    found = []
    for question in texts.EXAMPLE_QUESTIONS:
        reply = service.ask(question)
        if reply.answers:
            found.append((reply.answers[0].id, question))
    return tuple(found)


async def _set_commands(app: App) -> None:
    commands = [BotCommand(name, description) for name, description in texts.COMMANDS]
    await app.bot.set_my_commands(commands)
    await app.bot.set_my_commands(commands, language_code="nl")
    for language in (None, "nl"):  # what a user sees before the first message
        await app.bot.set_my_description(texts.BOT_DESCRIPTION, language_code=language)
        await app.bot.set_my_short_description(texts.BOT_SHORT_DESCRIPTION,
                                               language_code=language)


T = TypeVar("T")


async def _open_or_go_on(opener: Callable[[Path], Awaitable[T]], path: Path,
                         without: str) -> T | None:
    """The journal and the outbox are safety nets: when their file cannot be opened the bot
    still runs, and says what it goes without."""
    try:
        return await opener(path)
    except (OSError, sqlite3.Error) as exc:
        log.error("%s cannot be opened; %s: %s", path.name, without, exc)
        return None


def build_application(settings: Settings, service: Service, storage: Storage | None = None,
                      options: BotOptions | None = None, areas: Areas | None = None) -> App:
    """The application with every handler; storage opens on start when not given."""
    opts = options or BotOptions()
    # PTB 22 gives durations (e.g. RetryAfter.retry_after) as timedelta only when asked to,
    # and warns otherwise. PTB reads this when it builds such a value, so setting it here is
    # early enough.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    protect_logs()
    # ApplicationBuilder's generics fix the rate limiter's type at the first call; the chain
    # below is checked by PTB at run time instead.
    queue = JournaledQueue()
    fetcher = QuarantineRequest(connection_pool_size=1, read_timeout=30.0)
    fetcher.journal = queue  # writes each fetched batch down, once the journal is open
    builder: Any = (
        ApplicationBuilder()
        .token(settings.token.reveal())
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=TIMEZONE,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .update_queue(queue)
        .concurrent_updates(PerChatUpdateProcessor(on_handled=queue.handled))
        .connection_pool_size(CONNECTION_POOL_SIZE)
        .get_updates_request(fetcher)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
        if settings.base_file_url:
            builder = builder.base_file_url(settings.base_file_url)
    if opts.rate_limit:
        builder = builder.rate_limiter(PatientRateLimiter(max_retries=opts.max_retries))

    async def post_init(app: App) -> None:
        deps: Deps = app.bot_data["deps"]
        if deps.storage is None:
            deps.storage = await Storage.open(settings.db_path)
            deps.local = local_routes(deps.storage)
            deps.curator = CuratorLog(deps.storage)
        if opts.journal:
            # Before polling starts: what an earlier run fetched but did not handle comes first.
            queue.journal = deps.journal = await _open_or_go_on(
                UpdateJournal.open, journal_path(deps.storage.path),
                "updates are handled without the journal (at most once)")
            await queue.replay(app.bot)
            deps.outbox = await _open_or_go_on(
                Outbox.open, journal_path(deps.storage.path),
                "replies during an outage of Telegram can be lost")
            if deps.outbox is not None:
                deps.outbox.start(app.bot)  # replies kept by an earlier run go out first
        if settings.health_port:
            app.bot_data["healthz"] = await serve_healthz(deps.storage.path,
                                                          settings.health_listen,
                                                          settings.health_port)
        await _set_commands(app)
        for admin in sorted(settings.admins):  # admins see their commands in their own menu
            await set_menu(app.bot, admin, "admin")
        if app.job_queue is not None:
            app.job_queue.run_repeating(flush_counts, interval=FLUSH_SECONDS,
                                        first=FLUSH_SECONDS, name="flush-counts")
            # the periodic jobs at their fixed times (bot/schedule.py)
            app.job_queue.run_repeating(run_due, interval=DUE_CHECK_SECONDS, first=30,
                                        name="due-jobs")

    async def post_shutdown(app: App) -> None:
        deps: Deps = app.bot_data["deps"]
        healthz = app.bot_data.pop("healthz", None)
        if healthz is not None:
            healthz.stop()
        if deps.outbox is not None:
            await deps.outbox.close()
        if queue.journal is not None:
            await queue.journal.close()
        if deps.curator is not None:
            await deps.curator.flush()
        if deps.storage is not None:
            if storage is None:
                await deps.storage.close()  # flushes
            else:
                await deps.storage.flush()

    wijken = areas or load_areas(settings.wijken_path, kb=service.kb)

    def local_routes(opened: Storage) -> LocalRoutes:
        return LocalRoutes(opened, wijken, service.kb, settings.admins)

    app: App = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    app.bot_data["deps"] = Deps(service=service, storage=storage,
                                pace_seconds=opts.pace_seconds,
                                entry_examples=example_entries(service),
                                areas=wijken,
                                local=local_routes(storage) if storage is not None else None,
                                curator=CuratorLog(storage) if storage is not None else None)
    handlers.register(app)
    return app


def freeze_heap() -> None:
    """Move what exists at start (the knowledge index, PTB, handlers) out of the garbage
    collector's view: long-lived objects then cost nothing at every collection."""
    gc.collect()
    gc.freeze()


# What Telegram sends at all (handlers.guard still leaves alone what slips through): edits only
# for the safety notice an edit may add; no channel posts, business messages, reactions, polls.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY,
                   Update.INLINE_QUERY, Update.MY_CHAT_MEMBER]


def run_polling(app: App, startup_retries: int = 0) -> None:
    """Long polling until SIGINT/SIGTERM; updates already fetched are answered first."""
    app.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=startup_retries,
                    stop_signals=(signal.SIGINT, signal.SIGTERM))


def run_webhook(app: App, url: str, listen: str, port: int,
                secret_token: str | None = None, startup_retries: int = 0) -> None:
    """A webhook server behind a reverse proxy; Telegram must send the secret token."""
    secret = secret_token or secrets.token_urlsafe(32)
    path = urlsplit(url).path.strip("/")
    app.run_webhook(listen=listen, port=port, url_path=path, webhook_url=url,
                    secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                    bootstrap_retries=startup_retries,
                    stop_signals=(signal.SIGINT, signal.SIGTERM))
