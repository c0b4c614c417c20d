"""Who may change what: admins (WIJKWIJZER_ADMINS) invite editors and members with one-time,
expiring codes; editors invite members of their wijk; admins list and revoke. The rules live
in LocalRoutes; these handlers translate, in private chats only."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.local_routes import NotAllowedError
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.deps import WIJK_CACHE, deps, refusal, viewer
from handlers.render import esc
from handlers.sending import private_only, send

log = logging.getLogger(__name__)


async def on_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, who = update.effective_chat, viewer(update)
    d = deps(context)
    if chat is None or who is None or d.local is None:
        return
    if not await private_only(update, context):
        return
    args = context.args or []
    wijk = d.local.areas.get(args[0]) if args else None
    role = "member" if len(args) > 1 and args[1].lower() in ("lid", "member") else "editor"
    if wijk is None:
        wijken = ", ".join(w.id for w in d.local.areas.wijken)
        await send(context, chat.id, texts.INVITE_USAGE.format(wijken=esc(wijken)))
        return
    made = await d.local.invite(who, wijk.id, role)  # refusals: see handlers.errors
    link = f"https://t.me/{context.bot.username}?start=code_{made.code}"
    await send(context, chat.id, texts.INVITE_MADE.format(
        wijk=esc(made.wijk.name), role=texts.ROLE_NAMES[made.role],
        expires=made.expires.strftime("%d-%m-%Y"), code=made.code, link=esc(link)))


async def on_code(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, who = update.effective_chat, viewer(update)
    d = deps(context)
    if chat is None or who is None or d.local is None:
        return
    if not await private_only(update, context):
        return
    code = " ".join(context.args or []).strip()
    if not code:
        await send(context, chat.id, esc(texts.CODE_USAGE))
        return
    await redeem_code(update, context, code)


async def redeem_code(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """/code ABCD-2345, or the invitation link t.me/<bot>?start=code_ABCD-2345."""
    chat, who = update.effective_chat, viewer(update)
    d = deps(context)
    if chat is None or who is None or d.local is None:
        return
    if not await private_only(update, context):
        return
    granted = await d.local.redeem(who, code)
    if granted is None:
        await send(context, chat.id, esc(texts.CODE_BAD))
        return
    wijk, role = granted
    if context.user_data is not None:
        context.user_data[WIJK_CACHE] = wijk.id
    await send(context, chat.id, esc(texts.CODE_OK.format(role=texts.ROLE_NAMES[role],
                                                          wijk=wijk.name)))


async def on_editors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, who = update.effective_chat, viewer(update)
    d = deps(context)
    if chat is None or who is None or d.local is None:
        return
    if not await private_only(update, context):
        return
    rows = await d.local.members(who)
    if not rows:
        await send(context, chat.id, esc(texts.EDITORS_NONE))
        return
    buttons = [[InlineKeyboardButton(
        f"✖ {uid} · {wijk} · {texts.ROLE_NAMES[role]}"[:60],
        callback_data=cb.encode(cb.Revoke(uid, wijk)))] for uid, wijk, role in rows]
    await send(context, chat.id, texts.EDITORS_TITLE, InlineKeyboardMarkup(buttons))


async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, action: cb.Revoke) -> str:
    d = deps(context)
    who = viewer(update)
    if d.local is None or who is None:
        return texts.NOT_ALLOWED
    try:
        done = await d.local.revoke(who, action.user_id, action.wijk_id)
    except NotAllowedError as exc:
        return refusal(context, exc)
    except StorageError as exc:
        log.warning("revoke failed: %s", exc)
        return texts.ERROR
    return texts.REVOKED if done else texts.STALE_BUTTON


async def on_revoke_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    assert isinstance(action, cb.Revoke)
    outcome = await revoke(update, context, action)
    await query.answer(outcome, show_alert=outcome != texts.REVOKED)
