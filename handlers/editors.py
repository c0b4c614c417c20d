"""Who may change what: admins (WIJKWIJZER_ADMINS) invite editors and members with one-time,
expiring codes; editors invite members of their wijk; admins list and revoke. The rules live
in LocalRoutes; these handlers translate, in private chats only."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.local_routes import ADMIN_SCOPE, ALL_WIJKEN, NotAllowedError
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.deps import WIJK_CACHE, deps, refusal, viewer
from handlers.menus import set_menu
from handlers.render import esc
from handlers.sending import edit_view, own_view, private_only, send

log = logging.getLogger(__name__)


async def on_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, who = update.effective_chat, viewer(update)
    d = deps(context)
    if chat is None or who is None or d.local is None:
        return
    if not await private_only(update, context):
        return
    args = context.args or []
    if args and args[0].lower() in ("beheerder", "admin"):
        await _send_invitation(update, context, "", "admin")
        return
    wijk = d.local.areas.get(args[0]) if args else None
    role = "member" if len(args) > 1 and args[1].lower() in ("lid", "member") else "editor"
    if wijk is None:
        wijken = ", ".join(w.id for w in d.local.areas.wijken)
        await send(context, chat.id, texts.INVITE_USAGE.format(wijken=esc(wijken)))
        return
    await _send_invitation(update, context, wijk.id, role)


async def _send_invitation(update: Update, context: ContextTypes.DEFAULT_TYPE, wijk_id: str,
                           role: str) -> None:
    chat, who, d = update.effective_chat, viewer(update), deps(context)
    assert chat is not None and who is not None and d.local is not None
    made = await d.local.invite(who, wijk_id, role)  # refusals: see handlers.errors
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
    if context.user_data is not None and wijk.id:
        context.user_data[WIJK_CACHE] = wijk.id
    if role in ("editor", "admin"):
        await set_menu(context.bot, who.user_id, role)
    await send(context, chat.id, esc(texts.CODE_OK.format(role=texts.ROLE_NAMES[role],
                                                          wijk=wijk.name)))


async def _names(context: ContextTypes.DEFAULT_TYPE, user_ids: set[int]) -> dict[int, str]:
    """Members' names as Telegram has them now (asked when the list is shown, never stored)."""
    async def name(uid: int) -> tuple[int, str]:
        try:
            chat = await context.bot.get_chat(uid)
        except TelegramError:
            return uid, f"gebruiker {uid}"
        return uid, chat.full_name or chat.username or f"gebruiker {uid}"
    return dict(await asyncio.gather(*(name(uid) for uid in sorted(user_ids))))


PAGE = 10  # members per page of /redacteuren (their names are asked per page)


def _scope(wijk_id: str) -> str:
    return ALL_WIJKEN.name if wijk_id == ADMIN_SCOPE else wijk_id


async def _editors_view(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int = 0
                        ) -> tuple[str, InlineKeyboardMarkup | None]:
    d = deps(context)
    who = viewer(update)
    assert d.local is not None and who is not None
    everyone = await d.local.members(who)
    if not everyone:
        return esc(texts.EDITORS_NONE), None
    pages = -(-len(everyone) // PAGE)
    page = min(max(page, 0), pages - 1)
    rows = everyone[page * PAGE:(page + 1) * PAGE]
    names = await _names(context, {uid for uid, _, _ in rows})
    buttons = [[InlineKeyboardButton(
        f"✖ {names.get(uid, uid)} · {_scope(wijk)} · {texts.ROLE_NAMES[role]}"[:60],
        callback_data=cb.encode(cb.Revoke(uid, wijk)))] for uid, wijk, role in rows]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(texts.PREVIOUS, callback_data=cb.encode(
            cb.EditorsPage(page - 1))))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(texts.NEXT, callback_data=cb.encode(
            cb.EditorsPage(page + 1))))
    return texts.EDITORS_TITLE, InlineKeyboardMarkup([*buttons, nav] if nav else buttons)


async def on_editors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, who = update.effective_chat, viewer(update)
    d = deps(context)
    if chat is None or who is None or d.local is None:
        return
    if not await private_only(update, context):
        return
    text, markup = await _editors_view(update, context)
    await send(context, chat.id, text, markup)


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


async def _ask_to_revoke(update: Update, context: ContextTypes.DEFAULT_TYPE,
                         action: cb.Revoke) -> str | None:
    """The question before a revoke, in place of the list; a refusal text when not allowed."""
    d = deps(context)
    who = viewer(update)
    query = update.callback_query
    assert d.local is not None and who is not None and query is not None
    try:
        rows = await d.local.members(who)
    except NotAllowedError as exc:
        return refusal(context, exc)
    role = next((r for uid, wijk, r in rows
                 if uid == action.user_id and wijk == action.wijk_id), None)
    if role is None:
        return texts.STALE_BUTTON
    name = (await _names(context, {action.user_id}))[action.user_id]
    await query.answer()
    await edit_view(query, texts.REVOKE_ASK.format(
        name=esc(name), role=texts.ROLE_NAMES[role], wijk=esc(_scope(action.wijk_id))),
        InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.REVOKE_YES, callback_data=cb.encode(
                cb.Revoke(action.user_id, action.wijk_id, "yes"))),
            InlineKeyboardButton(texts.REVOKE_NO, callback_data=cb.encode(
                cb.Revoke(action.user_id, action.wijk_id, "back")))]]))
    return None


async def on_revoke_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    if deps(context).local is None or viewer(update) is None or \
            not own_view(query, cb.Revoke, cb.EditorsPage):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    if isinstance(action, cb.EditorsPage):
        try:
            text, markup = await _editors_view(update, context, action.page)
        except NotAllowedError as exc:
            await query.answer(refusal(context, exc), show_alert=True)
            return
        await query.answer()
        await edit_view(query, text, markup)
        return
    assert isinstance(action, cb.Revoke)
    if action.step == "ask":
        refused = await _ask_to_revoke(update, context, action)
        if refused is not None:
            await query.answer(refused, show_alert=True)
        return
    outcome = texts.REVOKE_KEPT
    if action.step == "yes":
        outcome = await revoke(update, context, action)
        local = deps(context).local
        if outcome == texts.REVOKED and local is not None:
            await set_menu(context.bot, action.user_id, await local.menu_role(action.user_id))
    try:
        text, markup = await _editors_view(update, context)
    except NotAllowedError as exc:
        await query.answer(refusal(context, exc), show_alert=True)
        return
    await query.answer(outcome, show_alert=outcome not in (texts.REVOKED, texts.REVOKE_KEPT))
    await edit_view(query, text, markup)
