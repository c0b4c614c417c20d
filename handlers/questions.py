"""Questions: any text in a private chat, /zoek anywhere, mentions and replies in groups."""

from __future__ import annotations

import logging

from telegram import ForceReply, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import texts
from handlers import callbackdata as cb
from handlers.deps import allowed, deps, user_wijk_id
from handlers.render import esc, safety_html
from handlers.sending import (
    answer_in_context,
    local_block,
    own_view,
    send,
    send_answer,
    send_reply,
    show_card,
)

log = logging.getLogger(__name__)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str,
                  quote: bool) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    d = deps(context)
    go_on, warn = allowed(update, context)
    if not go_on:
        notice = await d.answerer.safety_notice(question)
        if notice is not None:  # a safety signal always gets its notice, gate or not
            await send(context, chat.id, safety_html(notice))
        elif warn:
            await send(context, chat.id, texts.SLOW_DOWN)
        return
    reply = await d.answerer.ask(question, after=answer_in_context(update, context),
                                 wijk=await user_wijk_id(update, context))
    await send_reply(update, context, reply, quote=quote)
    user = update.effective_user
    if not reply.answers and reply.safety is None and reply.query and d.curator is not None \
            and user:
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
    if await _note_what_was_missing(update, context):
        return
    await _answer(update, context, message.text, quote=False)


MISSING_KEY = "missing-prompts"  # PTB user_data: prompt message id -> entry id


async def _ask_what_was_missing(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                                entry_id: str) -> None:
    """After a 👎: one line asking what was missing; a reply to it goes to the curators."""
    entry = deps(context).service.kb.get(entry_id)
    prompt = await context.bot.send_message(
        chat_id, esc(texts.FEEDBACK_ASK.format(title=entry.title if entry else entry_id)),
        reply_markup=ForceReply(selective=True,
                                input_field_placeholder=texts.FEEDBACK_PLACEHOLDER))
    if context.user_data is not None and prompt is not None:
        prompts: dict[int, str] = context.user_data.setdefault(MISSING_KEY, {})
        prompts[prompt.message_id] = entry_id
        while len(prompts) > 5:
            prompts.pop(next(iter(prompts)))


async def _note_what_was_missing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A reply to the "wat miste je?" prompt: kept for the curators like an unanswered
    question (redacted, 90 days), not answered as a question."""
    message, d = update.effective_message, deps(context)
    prompts = (context.user_data or {}).get(MISSING_KEY, {})
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.message_id not in prompts or message is None or \
            message.text is None or update.effective_user is None or \
            await d.answerer.safety_notice(message.text) is not None:
        return False  # a safety signal is always answered, never filed
    entry_id = prompts.pop(replied.message_id)
    if d.curator is not None:
        await d.curator.log_unanswered(message.text, update.effective_user.id,
                                       d.service.known_word, missing_from=entry_id)
    await send(context, message.chat_id, esc(texts.FEEDBACK_NOTED))
    return True


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
    notice = await deps(context).answerer.safety_notice(message.text)
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
    """Buttons under an answer: "Meer"/"Minder", open a related entry, 👍/👎, or "geen van
    beide"."""
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    d = deps(context)
    chat = update.effective_chat
    match action:
        case cb.OpenEntry(entry_id) if d.service.kb.get(entry_id) is not None:
            answer = d.service.answer_for(entry_id, await user_wijk_id(update, context))
            if chat is None or answer is None:
                # A button under a shared (inline) message: open the bot on that entry.
                await query.answer(url=f"https://t.me/{context.bot.username}?start={entry_id}")
                return
            await query.answer()
            await send_answer(context, chat.id, answer, await local_block(update, context,
                                                                          answer))
        case cb.Feedback(entry_id, helpful) if d.service.kb.get(entry_id) is not None and \
                update.effective_user is not None and d.storage is not None:
            # A storage failure goes to the error handler: nothing is thanked that was not kept.
            outcome = await d.storage.vote(entry_id, update.effective_user.id, helpful)
            await query.answer({"counted": texts.FEEDBACK_THANKS,
                                "changed": texts.FEEDBACK_CHANGED,
                                "withdrawn": texts.FEEDBACK_WITHDRAWN}[outcome])
            if not helpful and outcome != "withdrawn" and chat is not None and \
                    chat.type == "private":
                await _ask_what_was_missing(context, chat.id, entry_id)
        case cb.Expand(entry_id, full) if own_view(query, cb.Expand) and \
                (answer := d.service.answer_for(entry_id,
                                                await user_wijk_id(update, context))) is not None:
            await query.answer()
            await show_card(update, context, answer, full)
        case cb.Rephrase() if chat is not None:
            await query.answer()
            await send(context, chat.id, esc(texts.REPHRASE_HINT))
        case _:
            await query.answer(texts.STALE_BUTTON, show_alert=True)
