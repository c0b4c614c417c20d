"""Who may change what: admins (WIJKWIJZER_ADMINS) invite editors and members with one-time,
expiring codes; editors invite members of their wijk; admins list and revoke."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.common import WIJK_CACHE, deps, send
from handlers.render import esc

log = logging.getLogger(__name__)

INVITE_VALID = dt.timedelta(days=7)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no look-alikes (0/O, 1/I)


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in deps(context).admins


async def on_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    d = deps(context)
    if chat is None or user is None or d.routes is None or d.areas is None:
        return
    args = context.args or []
    wijk = d.areas.get(args[0]) if args else None
    role = "member" if len(args) > 1 and args[1].lower() in ("lid", "member") else "editor"
    if wijk is None:
        wijken = ", ".join(w.id for w in d.areas.wijken)
        await send(context, chat.id, texts.INVITE_USAGE.format(wijken=esc(wijken)))
        return
    try:
        allowed = is_admin(update, context) or (
            role == "member" and await d.routes.role_in(user.id, wijk.id) == "editor")
        if not allowed:
            await send(context, chat.id, esc(texts.NOT_ALLOWED))
            return
        code = new_code()
        await d.routes.invite(code, wijk.id, role, f"user:{user.id}", INVITE_VALID)
    except StorageError as exc:
        log.warning("invite not saved: %s", exc)
        await send(context, chat.id, esc(texts.ERROR))
        return
    expires = (dt.datetime.now(dt.UTC) + INVITE_VALID).strftime("%d-%m-%Y")
    await send(context, chat.id, texts.INVITE_MADE.format(
        wijk=esc(wijk.name), role=texts.ROLE_NAMES[role], expires=expires, code=code))


async def on_code(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    d = deps(context)
    if chat is None or user is None or d.routes is None or d.areas is None:
        return
    code = " ".join(context.args or []).strip()
    if not code:
        await send(context, chat.id, esc(texts.CODE_USAGE))
        return
    try:
        granted = await d.routes.redeem(code, user.id)
    except StorageError as exc:
        log.warning("code not redeemed: %s", exc)
        await send(context, chat.id, esc(texts.ERROR))
        return
    if granted is None:
        await send(context, chat.id, esc(texts.CODE_BAD))
        return
    wijk_id, role = granted
    wijk = d.areas.get(wijk_id)
    await d.routes.set_wijk(user.id, wijk_id)
    if context.user_data is not None:
        context.user_data[WIJK_CACHE] = wijk_id
    await send(context, chat.id, esc(texts.CODE_OK.format(
        role=texts.ROLE_NAMES[role], wijk=wijk.name if wijk else wijk_id)))


async def on_editors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    d = deps(context)
    if chat is None or d.routes is None:
        return
    if not is_admin(update, context):
        await send(context, chat.id, esc(texts.NOT_ALLOWED))
        return
    rows = await d.routes.members()
    if not rows:
        await send(context, chat.id, esc(texts.EDITORS_NONE))
        return
    buttons = [[InlineKeyboardButton(
        f"✖ {uid} · {wijk} · {texts.ROLE_NAMES[role]}"[:60],
        callback_data=cb.encode(cb.Revoke(uid, wijk)))] for uid, wijk, role in rows]
    await send(context, chat.id, texts.EDITORS_TITLE, InlineKeyboardMarkup(buttons))


async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, action: cb.Revoke) -> str:
    d = deps(context)
    user = update.effective_user
    if not is_admin(update, context) or d.routes is None or user is None:
        return texts.NOT_ALLOWED
    try:
        done = await d.routes.revoke(action.user_id, action.wijk_id, f"user:{user.id}")
    except StorageError as exc:
        log.warning("revoke failed: %s", exc)
        return texts.ERROR
    return texts.REVOKED if done else texts.STALE_BUTTON
