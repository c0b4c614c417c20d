"""The last button handler: a press no feature recognised (an old button, another bot's data,
forged data) gets a polite notice and changes nothing."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(texts.STALE_BUTTON, show_alert=True)
