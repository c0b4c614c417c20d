"""/start (with deep links), /help, /privacy and /over."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from handlers import callbackdata as cb
from handlers import plate
from handlers.deps import deps, user_wijk_id
from handlers.editors import redeem_code
from handlers.render import esc, pack
from handlers.sending import local_block, send, send_answer
from handlers.wijk import choose_wijk

_PAYLOAD_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


async def send_entry(update: Update, context: ContextTypes.DEFAULT_TYPE, entry_id: str) -> bool:
    """The answer card of one entry; False when it does not exist (any more)."""
    chat = update.effective_chat
    answer = deps(context).service.answer_for(entry_id, await user_wijk_id(update, context))
    if chat is None or answer is None:
        return False
    await send_answer(context, chat.id, answer, await local_block(update, context, answer))
    return True


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    payload = (context.args or [""])[0]
    if payload.startswith("code_") and len(payload) <= 32:  # a one-tap invitation link
        await redeem_code(update, context, payload[5:])
        return
    if payload.startswith(plate.PLATE_LINK) and \
            _PAYLOAD_RE.fullmatch(payload[len(plate.PLATE_LINK):] or "x"):
        context.args = [payload[len(plate.PLATE_LINK):]] if payload != plate.PLATE_LINK else []
        await plate.on_praatplaat(update, context)
        return
    if payload.startswith("wijk_") and _PAYLOAD_RE.fullmatch(payload[5:]):
        await send(context, chat.id, esc(await choose_wijk(update, context, payload[5:])))
        return
    if payload and _PAYLOAD_RE.fullmatch(payload) and await send_entry(update, context, payload):
        return
    examples = deps(context).entry_examples
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(
        question, callback_data=cb.encode(cb.OpenEntry(entry_id)))]
        for entry_id, question in examples]) if examples else None
    await send(context, chat.id, esc(texts.WELCOME), markup)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat:
        await send(context, update.effective_chat.id,
                   texts.HELP.format(bot=esc(context.bot.username or "wijkwijzer_bot")))


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat:
        await send(context, update.effective_chat.id, texts.PRIVACY)


async def on_over(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    kb = deps(context).service.kb
    cited = sorted({c.source.id for e in kb for c in e.citations})
    lines = [f"• {esc(kb.sources[sid].citation)}" for sid in cited]
    text = texts.OVER.format(reviewed=kb.last_reviewed.strftime("%d-%m-%Y"),
                             sources="\n".join(lines))
    for chunk in pack(text.split("\n"), sep="\n"):
        await send(context, chat.id, chunk)
