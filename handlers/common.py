"""What every handler needs: the shared services, and sending that loses nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot.areas import Areas
from bot.flood import FloodGate
from bot.service import Answer, Reply, Service
from bot.storage import CuratorLog, RouteStore, Storage, StorageError
from handlers.render import answer_blocks, answer_keyboard, pack, reply_messages, routes_html

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 4
WIJK_CACHE = "wijk"  # key in PTB's user_data
BACKOFF_SECONDS = 0.5


@dataclass(slots=True)
class Deps:
    """Shared by all handlers, kept in `application.bot_data["deps"]`."""

    service: Service
    storage: Storage | None = None
    flood: FloodGate = field(default_factory=FloodGate)
    rng: random.Random = field(default_factory=random.Random)
    pace_seconds: float = 0.35  # between messages of one reply: one chat is not throttled by PTB
    entry_examples: tuple[tuple[str, str], ...] = ()  # (entry id, example question)
    areas: Areas | None = None
    routes: RouteStore | None = None
    admins: frozenset[int] = frozenset()  # Telegram user ids from WIJKWIJZER_ADMINS
    curator: CuratorLog | None = None


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    found = context.bot_data["deps"]
    assert isinstance(found, Deps)
    return found


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str,
               markup: InlineKeyboardMarkup | None = None,
               reply_to: int | None = None) -> Message | None:
    """Send one HTML message; retry network errors and 5xx, never lose a reply silently."""
    delay = BACKOFF_SECONDS
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            params = (ReplyParameters(reply_to, allow_sending_without_reply=True)
                      if reply_to else None)
            return await context.bot.send_message(chat_id, text, reply_markup=markup,
                                                  reply_parameters=params)
        except RetryAfter as exc:  # only without the rate limiter, which retries these itself
            wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds") else wait)
        except (BadRequest, Forbidden):
            raise
        except NetworkError as exc:
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("sending failed (%s), attempt %d of %d", exc.__class__.__name__,
                        attempt, SEND_ATTEMPTS)
            await asyncio.sleep(delay)
            delay *= 2
    return None


async def user_wijk_id(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The user's chosen wijk. The choice lives in the database; user_data mirrors it so that
    most answers need no database round trip (set by /wijk and /code, cleared by /vergeetmij).
    """
    d = deps(context)
    user = update.effective_user
    if d.routes is None or user is None:
        return None
    cache = context.user_data if context.user_data is not None else {}
    if WIJK_CACHE not in cache:
        cache[WIJK_CACHE] = await d.routes.wijk_of(user.id)
    found = cache[WIJK_CACHE]
    return str(found) if found else None


async def local_block(update: Update, context: ContextTypes.DEFAULT_TYPE,
                      answer: Answer) -> str | None:
    """The user's wijk's contact routes for this answer's entry and partners, as HTML."""
    d = deps(context)
    user = update.effective_user
    if d.routes is None or d.areas is None or user is None:
        return None
    try:
        wijk_id = await user_wijk_id(update, context)
        wijk = d.areas.get(wijk_id) if wijk_id else None
        if wijk is None:
            return None
        entry_ids = [answer.id, *(e.id for e in d.service.partner_entries(answer.id))]
        internal = await d.routes.role_in(user.id, wijk.id) is not None
        routes = await d.routes.routes_for(wijk.id, list(dict.fromkeys(entry_ids)), internal)
    except StorageError as exc:
        log.warning("local routes not available: %s", exc)
        return None
    return routes_html(wijk.name, routes, d.service, dt.date.today()) if routes else None


async def send_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply,
                     quote: bool = False) -> None:
    """All messages of a reply, in order, paced so that Telegram accepts them in one chat."""
    chat = update.effective_chat
    if chat is None:
        return
    reply_to = update.effective_message.message_id if quote and update.effective_message else None
    d = deps(context)
    local = None
    if reply.answers and not reply.clarify:
        local = await local_block(update, context, reply.answers[0])
    for i, (text, markup) in enumerate(reply_messages(reply, local)):
        if i and d.pace_seconds:
            await asyncio.sleep(d.pace_seconds)
        await send(context, chat.id, text, markup, reply_to if i == 0 else None)
    if reply.answers and not reply.clarify:
        await remember_answer(context, reply.answers[0].id)


async def send_answer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer,
                      local: str | None = None) -> None:
    """One answer card (split if long), the local routes at its end, buttons under the last."""
    chunks = pack([*answer_blocks(answer), *([local] if local else [])])
    for i, chunk in enumerate(chunks):
        if i and deps(context).pace_seconds:
            await asyncio.sleep(deps(context).pace_seconds)
        await send(context, chat_id, chunk, answer_keyboard(answer) if i == len(chunks) - 1
                   else None)
    await remember_answer(context, answer.id)


async def remember_answer(context: ContextTypes.DEFAULT_TYPE, entry_id: str) -> None:
    """Count the answer for "most asked" (buffered; the flush job writes it)."""
    storage = deps(context).storage
    if storage is not None:
        storage.count_answer(entry_id)


async def purge_log(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: the curators' log keeps nothing older than 90 days."""
    curator = deps(context).curator
    if curator is None:
        return
    try:
        deleted = await curator.purge_old()
    except StorageError as exc:
        log.warning("old log rows not deleted yet: %s", exc)
        return
    if deleted:
        log.info("deleted %d curator log rows older than the retention period", deleted)


async def flush_counts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: write buffered counts and the curators' queue; a storage problem
    never stops the bot."""
    d = deps(context)
    try:
        if d.storage is not None:
            await d.storage.flush()
        if d.curator is not None:
            await d.curator.flush()
    except StorageError as exc:
        log.warning("buffered data not saved yet: %s", exc)


def allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[bool, bool]:
    """Flood control per user: (go on, tell the user to slow down)."""
    user = update.effective_user
    if user is None:
        return True, False
    return deps(context).flood.check(user.id)
