"""Button presses: open an entry, 👍/👎, page through lists. Every press is validated first."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.browse import kind_view, partners_view
from handlers.common import deps, local_block, send, send_answer
from handlers.editors import revoke
from handlers.mydata import forget
from handlers.plate import mark
from handlers.render import esc
from handlers.route_edit import confirm, undo
from handlers.wijk import choose_school, choose_wijk, school_keyboard

log = logging.getLogger(__name__)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    action = cb.decode(query.data)
    service = deps(context).service
    chat = update.effective_chat
    match action:
        case cb.OpenEntry(entry_id) if service.kb.get(entry_id) is not None:
            answer = service.answer_for(entry_id)
            if chat is None or answer is None:
                # A button under a shared (inline) message: open the bot on that entry.
                await query.answer(url=f"https://t.me/{context.bot.username}?start={entry_id}")
                return
            await query.answer()
            await send_answer(context, chat.id, answer, await local_block(update, context,
                                                                          answer))
        case cb.ChooseWijk(wijk_id):
            await query.answer()
            confirmation = await choose_wijk(update, context, wijk_id)
            if chat is not None:
                schools = school_keyboard(context, wijk_id) if wijk_id else None
                text = esc(confirmation) + ("\n\n" + esc(texts.SCHOOL_CHOOSE) if schools else "")
                await send(context, chat.id, text, schools)
        case cb.PlateMark():
            outcome = await mark(update, context, action)
            await query.answer(outcome or None, show_alert=bool(outcome))
        case cb.ChooseSchool():
            await query.answer()
            if chat is not None:
                await send(context, chat.id, esc(await choose_school(update, context, action)))
        case cb.RouteStep("confirm", _):
            outcome = await confirm(update, context, action)
            await query.answer(outcome, show_alert=True)
        case cb.RouteStep("undo", _):
            outcome = await undo(update, context, action)
            await query.answer(outcome, show_alert=True)
        case cb.Revoke():
            outcome = await revoke(update, context, action)
            await query.answer(outcome, show_alert=outcome != texts.REVOKED)
        case cb.ForgetMe(confirmed):
            await query.answer()
            outcome = await forget(update, context, confirmed)
            if query.message is not None:
                await query.edit_message_text(esc(outcome))
        case cb.Feedback(entry_id, helpful) if service.kb.get(entry_id) is not None:
            storage = deps(context).storage
            try:
                if storage is not None:
                    await storage.record_feedback(entry_id, helpful)
            except StorageError as exc:
                log.warning("feedback not saved: %s", exc)
            await query.answer(texts.FEEDBACK_THANKS)
        case cb.BrowsePartners() | cb.BrowseKind() if query.message is not None:
            text, markup = (partners_view(context, action)
                            if isinstance(action, cb.BrowsePartners)
                            else kind_view(context, action))
            await query.answer()
            try:
                await query.edit_message_text(text, reply_markup=markup)
            except BadRequest as exc:  # "message is not modified": the same page again
                if "not modified" not in str(exc).lower():
                    raise
        case cb.RandomTip() if chat is not None:
            await query.answer()
            d = deps(context)
            await send_answer(context, chat.id, d.service.random_tip(d.rng))
        case _:
            await query.answer(texts.STALE_BUTTON, show_alert=True)
