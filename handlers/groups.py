"""The bot joining a group: it introduces itself once."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot import texts
from handlers.render import esc
from handlers.sending import send

_IN = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def on_my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type == "private":
        return
    was_in = change.old_chat_member.status in _IN
    is_in = change.new_chat_member.status in _IN
    if is_in and not was_in:
        await send(context, change.chat.id, esc(texts.GROUP_INTRO))
