"""What the bot serves at all, and flood control for buttons and commands, before any handler
runs (group -1).

The bot answers messages, buttons and inline queries, and notes being added to a group.
Everything else Telegram may send is left alone: a channel post (the bot would post into the
channel), a business message (answering one needs the business connection: a 403), an edited
message (inside the /route form it would be taken as the next field; a question is not
answered twice) — except that an edit which adds a safety signal still gets its notice.

Questions have their own gate in `handlers.questions` (which still lets a safety notice
through). Buttons and commands share the per-user gate; guessing invitation codes has a stricter
one of its own, so that nobody can try codes quickly.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from handlers.deps import deps
from handlers.render import safety_html
from handlers.sending import send

QUESTION_COMMANDS = ("/zoek", "/start")  # gated (or not) where they are answered
SECRET_COMMANDS = ("/code",)


def _served(update: Update) -> bool:
    return (update.message is not None or update.callback_query is not None
            or update.inline_query is not None or update.my_chat_member is not None)


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not _served(update):
        edited = update.edited_message
        if edited is not None and edited.text:
            notice = await deps(context).answerer.safety_notice(edited.text)
            if notice is not None:
                await send(context, edited.chat_id, safety_html(notice),
                           reply_to=edited.message_id, thread_id=edited.message_thread_id
                           if edited.is_topic_message else None)
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is None:
        return
    d = deps(context)
    query = update.callback_query
    message = update.effective_message
    text = message.text if message is not None and message.text else ""
    command = text.split(maxsplit=1)[0].split("@")[0].lower() if text.startswith("/") else ""
    if query is None and (not command or command in QUESTION_COMMANDS):
        return
    go_on, warn = d.flood.check(user.id)
    if go_on and command in SECRET_COMMANDS:
        go_on, warn = d.secrets_gate.check(user.id)
    if go_on:
        return
    if query is not None:
        await query.answer(texts.SLOW_DOWN_BUTTON)
    elif warn and update.effective_chat is not None:
        await send(context, update.effective_chat.id, texts.SLOW_DOWN)
    raise ApplicationHandlerStop
