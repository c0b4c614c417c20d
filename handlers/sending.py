"""Sending that loses nothing: messages with retries, answer cards with their local routes,
and views that change in place only where they belong."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot import texts
from bot.local_routes import NotAllowedError
from bot.outbox import surely_not_delivered
from bot.service import Answer, Reply
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.deps import deps, refusal, user_wijk_id, viewer
from handlers.render import (
    answer_keyboard,
    esc,
    full_card,
    reply_messages,
    routes_html,
    short_card,
    visible_text,
)

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 4
WIJK_OFFERED = "wijk-offered"  # key in PTB's user_data
BACKOFF_SECONDS = 0.5


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str,
               markup: InlineKeyboardMarkup | None = None,
               reply_to: int | None = None, thread_id: int | None = None) -> Message | None:
    """Send one HTML message; retry network errors and 5xx, never lose a reply silently.
    `thread_id` keeps a reply in the forum topic it answers. When Telegram stays away, the
    reply waits in the outbox (None is returned) and is sent once it is back."""
    outbox = deps(context).outbox
    if outbox is not None and outbox.holds(chat_id):  # nothing may overtake what waits
        await outbox.keep(chat_id, text, markup, reply_to, thread_id)
        return None
    delay = BACKOFF_SECONDS
    # The rate limiter, when there is one, already rode out a short outage for each call.
    attempts = 1 if getattr(context.bot, "rate_limiter", None) is not None else SEND_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            params = (ReplyParameters(reply_to, allow_sending_without_reply=True)
                      if reply_to else None)
            return await context.bot.send_message(chat_id, text, reply_markup=markup,
                                                  reply_parameters=params,
                                                  message_thread_id=thread_id)
        except RetryAfter as exc:  # only without the rate limiter, which retries these itself
            wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds") else wait)
        except (BadRequest, Forbidden):
            raise
        except NetworkError as exc:
            if attempt == attempts:
                if outbox is not None and surely_not_delivered(exc):
                    await outbox.keep(chat_id, text, markup, reply_to, thread_id)
                    return None
                raise
            log.warning("sending failed (%s), attempt %d of %d", exc.__class__.__name__,
                        attempt, attempts)
            await asyncio.sleep(delay)
            delay *= 2
    return None


async def edit_view(query: CallbackQuery, text: str,
                    markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace a view in place. The view already shown (the same page pressed again, a double
    tap) is compared first and left alone, so Telegram is never asked for a no-op edit."""
    shown = query.message
    if isinstance(shown, Message) and shown.text == visible_text(text) and \
            shown.reply_markup == markup:
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # a race with another edit of the same view
        if "not modified" not in str(exc).lower():
            raise


def own_view(query: CallbackQuery, *kinds: type) -> bool:
    """A button may change only a message of its own kind: one that carries buttons of that
    kind. Clients can send any callback data on any of the bot's messages (the Bot API warns
    about it), e.g. a partners-menu press on a safety notice, which must stay as it is."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            data = button.callback_data if isinstance(button.callback_data, str) else None
            if isinstance(cb.decode(data), kinds):
                return True
    return False


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Admin and personal-data commands work in a private chat only; elsewhere the user gets a
    one-line pointer there. True when the command may go on."""
    who, chat = viewer(update), update.effective_chat
    if who is not None and who.private:
        return True
    if chat is not None:
        await send(context, chat.id, esc(refusal(context, NotAllowedError(texts.PRIVATE_ONLY))))
    return False


async def local_block(update: Update, context: ContextTypes.DEFAULT_TYPE,
                      answer: Answer) -> str | None:
    """The user's wijk's contact routes for this answer, as HTML: only what this user may
    read in this chat (LocalRoutes decides)."""
    d = deps(context)
    who = viewer(update)
    if d.local is None or who is None:
        return None
    try:
        wijk_id = await user_wijk_id(update, context)
        wijk = d.local.areas.get(wijk_id) if wijk_id else None
        if wijk is None:
            return None
        routes = await d.local.routes_for(who, wijk.id, list(answer.route_ids))
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
    message = update.effective_message
    reply_to = message.message_id if quote and message else None
    thread = message.message_thread_id if message is not None and message.is_topic_message \
        else None
    d = deps(context)
    local = None
    if reply.answers and not reply.clarify:
        local = await local_block(update, context, reply.answers[0])
    # In a group the whole answer opens in a private chat, not for everyone.
    more_url = f"https://t.me/{context.bot.username}?start=" if chat.type != "private" else None
    sent: Message | None = None
    for i, (text, markup) in enumerate(reply_messages(reply, local, more_url)):
        if i and d.pace_seconds:
            await asyncio.sleep(d.pace_seconds)
        sent = await send(context, chat.id, text, markup, reply_to if i == 0 else None, thread)
    if reply.answers and not reply.clarify:
        remember_card(context, sent, reply.answers[0].id)
        await remember_answer(context, reply.answers[0].id)
        await _offer_wijk(update, context)


LAST_ANSWER = "last-answer"  # user_data: (entry id, time) of the last answer card
CARDS = "answer-cards"  # chat_data: message id -> entry id of the latest answer cards
CONTEXT_SECONDS = 600.0  # a follow-up counts as one for ten minutes
CARDS_KEPT = 50


def remember_card(context: ContextTypes.DEFAULT_TYPE, message: Message | None,
                  entry_id: str) -> None:
    """Which answer a card shows, in memory only: a reply to it, or a short question right
    after it, is read in its light."""
    if context.user_data is not None:
        context.user_data[LAST_ANSWER] = (entry_id, time.monotonic())
    if message is not None and context.chat_data is not None:
        cards: dict[int, str] = context.chat_data.setdefault(CARDS, {})
        cards[message.message_id] = entry_id
        while len(cards) > CARDS_KEPT:
            cards.pop(next(iter(cards)))


def answer_in_context(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The answer a message follows up on: the card it replies to (in a group or in private),
    or in a private chat the last card of the past ten minutes."""
    message, chat = update.effective_message, update.effective_chat
    replied = message.reply_to_message if message is not None else None
    if replied is not None:
        found = (context.chat_data or {}).get(CARDS, {}).get(replied.message_id)
        return str(found) if found else None
    if chat is None or chat.type != "private" or context.user_data is None:
        return None
    last = context.user_data.get(LAST_ANSWER)
    if last and time.monotonic() - last[1] <= CONTEXT_SECONDS:
        return str(last[0])
    return None


async def _offer_wijk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After the first answer to someone without a wijk, in a private chat: one line that the
    local layer exists (once per user and bot run; not with the shipped example wijken)."""
    who, d = viewer(update), deps(context)
    if who is None or not who.private or d.local is None or d.local.areas.example or \
            context.user_data is None or context.user_data.get(WIJK_OFFERED):
        return
    context.user_data[WIJK_OFFERED] = True
    try:
        if await user_wijk_id(update, context) is None:
            await send(context, who.user_id, esc(texts.WIJK_OFFER))
    except StorageError:
        return


async def send_answer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, answer: Answer,
                      local: str | None = None) -> None:
    """One short answer card with the local route under its summary; "Meer" opens the rest."""
    sent = await send(context, chat_id, short_card(answer, local), answer_keyboard(answer))
    remember_card(context, sent, answer.id)
    await remember_answer(context, answer.id)


async def show_card(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer,
                    full: bool) -> None:
    """Open a card in place to the whole answer, or fold it back to the short card. The rare
    answer longer than one message continues in a follow-up message."""
    query = update.callback_query
    assert query is not None
    local = await local_block(update, context, answer)
    keyboard = answer_keyboard(answer, expanded=full)
    if not full:
        await edit_view(query, short_card(answer, local), keyboard)
        return
    chunks = full_card(answer, local)
    await edit_view(query, chunks[0], keyboard if len(chunks) == 1 else None)
    chat = update.effective_chat
    for i, chunk in enumerate(chunks[1:], 2):
        if chat is not None:
            await send(context, chat.id, chunk, keyboard if i == len(chunks) else None)


async def remember_answer(context: ContextTypes.DEFAULT_TYPE, entry_id: str) -> None:
    """Count the answer for "most asked" (buffered; the flush job writes it)."""
    storage = deps(context).storage
    if storage is not None:
        storage.count_answer(entry_id)
