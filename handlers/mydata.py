"""/mijngegevens and /vergeetmij: what is stored about the user, and deleting it."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.common import deps, send
from handlers.render import esc

log = logging.getLogger(__name__)


async def on_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    d = deps(context)
    if chat is None or user is None:
        return
    lines: list[str] = []
    try:
        if d.routes is not None:
            wijk_id = await d.routes.wijk_of(user.id)
            wijk = d.areas.get(wijk_id) if d.areas and wijk_id else None
            if wijk_id:
                lines.append(texts.MY_DATA_WIJK.format(wijk=esc(wijk.name if wijk else wijk_id)))
            school = await d.routes.school_of(user.id)
            if school:
                lines.append(texts.MY_DATA_SCHOOL.format(school=esc(school)))
            for member_wijk, role in await d.routes.memberships(user.id):
                lines.append(texts.MY_DATA_ROLE.format(role=texts.ROLE_NAMES[role].capitalize(),
                                                       wijk=esc(member_wijk)))
            count = await d.routes.routes_added_by(f"user:{user.id}")
            if count:
                lines.append(texts.MY_DATA_ROUTES.format(count=count))
    except StorageError as exc:
        log.warning("user data not readable: %s", exc)
        await send(context, chat.id, esc(texts.ERROR))
        return
    text = texts.MY_DATA.format(lines="\n".join(lines)) if lines else esc(texts.MY_DATA_NOTHING)
    await send(context, chat.id, text)


async def on_forget_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is None:
        return
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.FORGET_YES, callback_data=cb.encode(cb.ForgetMe(True))),
        InlineKeyboardButton(texts.FORGET_NO, callback_data=cb.encode(cb.ForgetMe(False))),
    ]])
    await send(context, update.effective_chat.id, esc(texts.FORGET_ASK), markup)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE, confirmed: bool) -> str:
    user = update.effective_user
    d = deps(context)
    if not confirmed:
        return texts.FORGET_KEPT
    if user is None or d.routes is None:
        return texts.ERROR
    try:
        await d.routes.forget_user(user.id)
        if d.curator is not None:
            await d.curator.forget_words_of(user.id)
    except StorageError as exc:
        log.warning("forget failed: %s", exc)
        return texts.ERROR
    if context.user_data is not None:
        context.user_data.clear()
    return texts.FORGET_DONE
