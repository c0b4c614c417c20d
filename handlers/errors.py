"""The last line of defence, and the one place where errors become words for the user.

A refusal (NotAllowedError) is told as it is; a database that is busy or full (StorageError) is
logged as a warning and told as a short "try again"; anything else is logged with the kind of
update and where it happened — never the token or the message text.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.local_routes import NotAllowedError
from bot.storage import StorageError
from handlers.deps import refusal

log = logging.getLogger(__name__)


def update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__
    for kind in ("message", "edited_message", "callback_query", "inline_query",
                 "my_chat_member", "channel_post"):
        if getattr(update, kind) is not None:
            return kind
    return "other"


def where(error: BaseException) -> str:
    """The innermost frame of our own code that the error passed: file and line."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/bot/" in f.filename or "/handlers/" in f.filename]
    if not frames:
        return "unknown place"
    frame = (ours or frames)[-1]
    parts = frame.filename.replace("\\", "/").split("/")
    return f"{'/'.join(parts[-2:])}:{frame.lineno} in {frame.name}"


def user_message(context: ContextTypes.DEFAULT_TYPE, error: BaseException | None) -> str:
    if isinstance(error, NotAllowedError):
        return refusal(context, error)
    if isinstance(error, StorageError):
        return texts.STORAGE_BUSY
    return texts.ERROR


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    kind = update_kind(update)
    if isinstance(error, NotAllowedError):
        pass  # a refusal is an answer, not a fault
    elif isinstance(error, StorageError):
        log.warning("database not available while handling a %s update: %s", kind, error)
    elif error is not None:
        log.error("error %s while handling a %s update at %s", type(error).__name__, kind,
                  where(error))
    if isinstance(error, Forbidden) or not isinstance(update, Update):
        return  # blocked by the user, or no chat to tell
    message = user_message(context, error)
    try:
        if update.callback_query is not None:  # the button stops spinning and says why
            await update.callback_query.answer(message[:200], show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, message)
    except TelegramError:
        log.warning("could not tell the user about the error either")
