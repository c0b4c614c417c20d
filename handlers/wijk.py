"""/wijk: choose the wijk whose local contact routes appear under answers."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.local_routes import NotAllowedError
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.deps import WIJK_CACHE, deps
from handlers.render import esc
from handlers.sending import edit_view, own_view, send

log = logging.getLogger(__name__)


PAGE = 20  # buttons per page: Telegram refuses a keyboard of about a hundred


def wijk_keyboard(context: ContextTypes.DEFAULT_TYPE, gemeente: int = -1,
                  page: int = 0) -> InlineKeyboardMarkup | None:
    """The /wijk list: in a region first its gemeenten, then the wijken of the one chosen;
    long lists in pages."""
    areas = deps(context).areas
    if areas is None:
        return None
    names = areas.gemeenten
    items: list[tuple[str, cb.Action]]
    if len(names) > 1 and not 0 <= gemeente < len(names):
        items = [(name, cb.WijkPage(i, 0)) for i, name in enumerate(names)]
        back = None
        gemeente = -1
    else:
        index = gemeente if 0 <= gemeente < len(names) else 0
        items = [(w.name, cb.ChooseWijk(w.id)) for w in areas.wijken
                 if w.gemeente == names[index]]
        back = cb.WijkPage(-1, 0) if len(names) > 1 else None
        gemeente = index if len(names) > 1 else -1
    pages = max(1, -(-len(items) // PAGE))
    page = min(max(page, 0), pages - 1)
    rows: list[list[InlineKeyboardButton]] = [
        [InlineKeyboardButton(label[:60], callback_data=cb.encode(action))]
        for label, action in items[page * PAGE:(page + 1) * PAGE]]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(texts.PREVIOUS, callback_data=cb.encode(
            cb.WijkPage(gemeente, page - 1))))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(texts.NEXT, callback_data=cb.encode(
            cb.WijkPage(gemeente, page + 1))))
    if nav:
        rows.append(nav)
    if back is not None:
        rows.append([InlineKeyboardButton(texts.WIJK_GEMEENTEN, callback_data=cb.encode(back))])
    rows.append([InlineKeyboardButton(texts.WIJK_NONE, callback_data=cb.encode(
        cb.ChooseWijk("")))])
    return InlineKeyboardMarkup(rows)


async def on_wijk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    d = deps(context)
    if d.areas is None:
        await send(context, chat.id, esc(texts.WIJK_UNAVAILABLE))
        return
    intro = texts.WIJK_CHOOSE.format(gemeente=esc(d.areas.gemeente))
    if d.areas.example:
        intro += "\n\n" + esc(texts.WIJK_EXAMPLE)
    await send(context, chat.id, intro, wijk_keyboard(context))


def school_keyboard(context: ContextTypes.DEFAULT_TYPE,
                    wijk_id: str) -> InlineKeyboardMarkup | None:
    areas = deps(context).areas
    wijk = areas.get(wijk_id) if areas else None
    if wijk is None or not wijk.schools:
        return None
    rows = [[InlineKeyboardButton(name[:60], callback_data=cb.encode(cb.ChooseSchool(wijk.id, i)))]
            for i, name in enumerate(wijk.schools)]
    rows.append([InlineKeyboardButton(texts.SCHOOL_NONE, callback_data=cb.encode(
        cb.ChooseSchool(wijk.id, -1)))])
    return InlineKeyboardMarkup(rows)


async def choose_school(update: Update, context: ContextTypes.DEFAULT_TYPE,
                        action: cb.ChooseSchool) -> str:
    d = deps(context)
    user = update.effective_user
    if user is None or d.local is None:
        return texts.STALE_BUTTON
    try:
        school = await d.local.choose_school(user.id, action.wijk_id, action.index)
    except NotAllowedError as exc:
        return str(exc)
    except StorageError as exc:
        log.warning("school not saved: %s", exc)
        return texts.ERROR
    return texts.SCHOOL_SET.format(school=school) if school else texts.SCHOOL_CLEARED


async def choose_wijk(update: Update, context: ContextTypes.DEFAULT_TYPE, wijk_id: str) -> str:
    """Remember the user's wijk ("" forgets it); the confirmation to show."""
    d = deps(context)
    user = update.effective_user
    if user is None or d.local is None:
        return texts.STALE_BUTTON
    try:
        wijk = await d.local.choose_wijk(user.id, wijk_id)
    except NotAllowedError as exc:
        return str(exc)
    except StorageError as exc:
        log.warning("wijk not saved: %s", exc)
        return texts.ERROR
    if context.user_data is not None:
        context.user_data[WIJK_CACHE] = wijk.id if wijk else None
    return texts.WIJK_SET.format(wijk=wijk.name) if wijk else texts.WIJK_CLEARED


async def on_wijk_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A wijk or school chosen from the /wijk list."""
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    chat = update.effective_chat
    if isinstance(action, cb.WijkPage):
        if not own_view(query, cb.ChooseWijk, cb.WijkPage):
            await query.answer(texts.STALE_BUTTON, show_alert=True)
            return
        await query.answer()
        markup = wijk_keyboard(context, action.gemeente, action.page)
        if isinstance(query.message, Message) and query.message.text is not None:
            await edit_view(query, query.message.text_html, markup)
        return
    await query.answer()
    if isinstance(action, cb.ChooseWijk):
        confirmation = await choose_wijk(update, context, action.wijk_id)
        if chat is not None:
            schools = school_keyboard(context, action.wijk_id) if action.wijk_id else None
            text = esc(confirmation) + ("\n\n" + esc(texts.SCHOOL_CHOOSE) if schools else "")
            await send(context, chat.id, text, schools)
    elif isinstance(action, cb.ChooseSchool) and chat is not None:
        await send(context, chat.id, esc(await choose_school(update, context, action)))
