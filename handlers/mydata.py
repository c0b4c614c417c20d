"""/mijngegevens and /vergeetmij: what is stored about the user, and deleting it. Private
chats only: in a group the answer would tell everyone."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.local_routes import NotAllowedError
from bot.storage import StorageError, UserRecord
from handlers import callbackdata as cb
from handlers.deps import deps, refusal, viewer
from handlers.menus import set_menu
from handlers.render import esc
from handlers.sending import edit_view, own_view, private_only, send

log = logging.getLogger(__name__)


def record_lines(record: UserRecord, wijk_name: str | None) -> list[str]:
    lines: list[str] = []
    if record.wijk_id:
        lines.append(texts.MY_DATA_WIJK.format(wijk=esc(wijk_name or record.wijk_id)))
    if record.school:
        lines.append(texts.MY_DATA_SCHOOL.format(school=esc(record.school)))
    for member_wijk, role in record.memberships:
        lines.append(texts.MY_DATA_ROLE.format(role=texts.ROLE_NAMES[role].capitalize(),
                                               wijk=esc(member_wijk or "alle wijken")))
    if record.routes_added:
        lines.append(texts.MY_DATA_ROUTES.format(count=record.routes_added))
    if record.audit_rows:
        lines.append(texts.MY_DATA_AUDIT.format(count=record.audit_rows))
    if record.invites_made or record.invites_used:
        lines.append(texts.MY_DATA_INVITES.format(made=record.invites_made,
                                                  used=record.invites_used))
    if record.marks_set:
        lines.append(texts.MY_DATA_MARKS.format(count=record.marks_set))
    if record.votes:
        lines.append(texts.MY_DATA_VOTES.format(count=record.votes))
    if record.word_records:
        lines.append(texts.MY_DATA_WORDS.format(count=record.word_records))
    return lines


async def on_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, who = update.effective_chat, viewer(update)
    d = deps(context)
    if chat is None or who is None or not await private_only(update, context):
        return
    record = await d.local.my_data(who) if d.local is not None else None
    if record is not None and d.curator is not None:
        record = replace(record, word_records=await d.curator.words_of(who.user_id))
    if record is not None and d.storage is not None:
        record = replace(record, votes=await d.storage.votes_of(who.user_id))
    if record is None or record.is_empty():
        await send(context, chat.id, esc(texts.MY_DATA_NOTHING))
        return
    wijk = d.areas.get(record.wijk_id) if d.areas and record.wijk_id else None
    lines = record_lines(record, wijk.name if wijk else None)
    await send(context, chat.id, texts.MY_DATA.format(lines="\n".join(lines)))


async def on_forget_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, who = update.effective_chat, viewer(update)
    if chat is None or who is None or not await private_only(update, context):
        return
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.FORGET_YES, callback_data=cb.encode(
            cb.ForgetMe(True, who.user_id))),
        InlineKeyboardButton(texts.FORGET_NO, callback_data=cb.encode(
            cb.ForgetMe(False, who.user_id))),
    ]])
    await send(context, chat.id, esc(texts.FORGET_ASK), markup)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE, action: cb.ForgetMe) -> str:
    """The answer to the /vergeetmij question; only the requester can give it."""
    who = viewer(update)
    d = deps(context)
    if who is None or who.user_id != action.user_id:
        return texts.FORGET_NOT_YOURS
    if not action.confirmed:
        return texts.FORGET_KEPT
    if d.local is None:
        return texts.ERROR
    try:
        await d.local.forget(who)
        if d.curator is not None:
            await d.curator.forget_words_of(who.user_id)
        if d.storage is not None:
            await d.storage.forget_votes(who.user_id)
    except NotAllowedError as exc:
        return refusal(context, exc)
    except StorageError as exc:
        log.warning("forget failed: %s", exc)
        return texts.ERROR
    # the roles are gone, and so are their commands (an admin of the settings stays one)
    await set_menu(context.bot, who.user_id, await d.local.menu_role(who.user_id))
    if context.user_data is not None:
        context.user_data.clear()
    return texts.FORGET_DONE


async def on_forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ja/Nee under the /vergeetmij question: only on that question, only by its requester."""
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    if not isinstance(action, cb.ForgetMe) or not own_view(query, cb.ForgetMe):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    outcome = await forget(update, context, action)
    if outcome == texts.FORGET_NOT_YOURS:  # the question stays for its owner
        await query.answer(outcome, show_alert=True)
        return
    await query.answer()
    await edit_view(query, esc(outcome))
