"""The last line of defence: log the kind of error and update, never the token or the text."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import texts

log = logging.getLogger(__name__)


def update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__
    for kind in ("message", "edited_message", "callback_query", "inline_query",
                 "my_chat_member", "channel_post"):
        if getattr(update, kind) is not None:
            return kind
    return "other"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    log.error("error %s while handling a %s update", type(error).__name__, update_kind(update))
    if isinstance(error, Forbidden) or not isinstance(update, Update):
        return  # blocked by the user, or no chat to tell
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, texts.ERROR)
    except TelegramError:
        log.warning("could not tell the user about the error either")
