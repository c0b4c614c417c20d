"""Questions: any text in a private chat, /zoek anywhere, mentions and replies in groups."""

from __future__ import annotations

import logging

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import texts
from bot.safety import check as safety_check
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.deps import allowed, deps
from handlers.render import esc, safety_html
from handlers.sending import local_block, send, send_answer, send_reply

log = logging.getLogger(__name__)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str,
                  quote: bool) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    go_on, warn = allowed(update, context)
    if not go_on:
        if warn:
            await send(context, chat.id, texts.SLOW_DOWN)
        return
    d = deps(context)
    reply = d.service.ask(question)
    await send_reply(update, context, reply, quote=quote)
    user = update.effective_user
    if not reply.answers and reply.safety is None and reply.query and d.curator and user:
        # For the curators: what nobody could answer, with personal data removed (queued;
        # the flush job writes it).
        d.curator.enqueue(reply.query, user.id, d.service.known_word)
    if reply.personal_data and context.user_data is not None \
            and not context.user_data.get("privacy_reminded"):
        # Once per user (kept in memory only): a reminder, not a lecture.
        context.user_data["privacy_reminded"] = True
        await send(context, chat.id, esc(texts.PRIVACY_REMINDER))


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _answer(update, context, message.text, quote=False)


async def on_search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await send(context, chat.id, texts.SEARCH_USAGE)
        return
    await _answer(update, context, question, quote=chat.type != ChatType.PRIVATE)


def _addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message meant for the bot, without the mention; else None."""
    text = message.text or ""
    mention = f"@{bot_username}".casefold()
    mentioned = any(text[e.offset:e.offset + e.length].casefold() == mention
                    for e in message.entities if e.type == MessageEntity.MENTION)
    replied = (message.reply_to_message is not None
               and message.reply_to_message.from_user is not None
               and message.reply_to_message.from_user.id == bot_id)
    if not (mentioned or replied):
        return None
    return " ".join(w for w in text.split() if w.casefold() != mention)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: answer only when addressed; a safety signal always gets its notice."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or message.text is None or chat is None:
        return
    question = _addressed_text(message, context.bot.username, context.bot.id)
    if question is not None:
        await _answer(update, context, question, quote=True)
        return
    notice = safety_check(message.text)
    if notice is not None:
        await send(context, chat.id, safety_html(notice), reply_to=message.message_id)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    go_on, _ = allowed(update, context)
    if go_on:
        await send(context, chat.id, texts.NON_TEXT)


async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons under an answer: open a related entry, 👍/👎, or "geen van beide"."""
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    d = deps(context)
    chat = update.effective_chat
    match action:
        case cb.OpenEntry(entry_id) if d.service.kb.get(entry_id) is not None:
            answer = d.service.answer_for(entry_id)
            if chat is None or answer is None:
                # A button under a shared (inline) message: open the bot on that entry.
                await query.answer(url=f"https://t.me/{context.bot.username}?start={entry_id}")
                return
            await query.answer()
            await send_answer(context, chat.id, answer, await local_block(update, context,
                                                                          answer))
        case cb.Feedback(entry_id, helpful) if d.service.kb.get(entry_id) is not None:
            try:
                if d.storage is not None:
                    await d.storage.record_feedback(entry_id, helpful)
            except StorageError as exc:
                log.warning("feedback not saved: %s", exc)
            await query.answer(texts.FEEDBACK_THANKS)
        case cb.Rephrase() if chat is not None:
            await query.answer()
            await send(context, chat.id, esc(texts.REPHRASE_HINT))
        case _:
            await query.answer(texts.STALE_BUTTON, show_alert=True)
