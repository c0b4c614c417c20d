"""/praatplaat: the wijk's network as a picture, with its text version for screen readers."""

from __future__ import annotations

import asyncio
import hashlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.areas import Wijk
from bot.routes import Route, last_change, plate_statuses
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.common import deps, send, user_wijk_id
from handlers.render import esc, pack
from handlers.wijk import wijk_keyboard

log = logging.getLogger(__name__)

_DRAWING = asyncio.Lock()  # matplotlib draws one picture at a time
_CACHE_KEY = "praatplaat-cache"
CAPTION_LIMIT = 1024


async def _wijk_data(update: Update, context: ContextTypes.DEFAULT_TYPE
                     ) -> tuple[Wijk | None, list[Route], dict[str, tuple[str, str]]]:
    """The wijk asked for ("/praatplaat <wijk-id>") or the user's own, its routes and marks."""
    d = deps(context)
    if d.routes is None or d.areas is None:
        return None, [], {}
    try:
        asked = (context.args or [""])[0]
        wijk = d.areas.get(asked or await user_wijk_id(update, context) or "")
        if wijk is None:
            return None, [], {}
        return wijk, await d.routes.all_routes(wijk.id), await d.routes.marks(wijk.id)
    except StorageError as exc:
        log.warning("wijk data not readable: %s", exc)
        return None, [], {}


async def on_praatplaat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    d = deps(context)
    if chat is None:
        return
    from bot import praatplaat  # matplotlib: loaded on first use only

    wijk, routes, marks = await _wijk_data(update, context)
    items = praatplaat.items_for(d.service.kb, plate_statuses(routes, d.service.kb, marks))
    title = f"Praatplaat {wijk.name}" if wijk else "Praatplaat: alle partners"
    changed = last_change(routes, d.service.kb, marks)
    key = hashlib.sha256(repr((items, title, changed)).encode()).hexdigest()
    pictures: dict[str, bytes] = context.bot_data.setdefault(_CACHE_KEY, {})
    if key not in pictures:  # an unchanged picture is drawn once
        async with _DRAWING:
            pictures[key] = await asyncio.to_thread(praatplaat.render_png, items, title, changed)
        while len(pictures) > 64:
            pictures.pop(next(iter(pictures)))
    caption = esc(title) + ("" if wijk else "\n" + esc(texts.PLATE_NO_WIJK))
    await context.bot.send_photo(chat.id, pictures[key], caption=caption[:CAPTION_LIMIT],
                                 reply_markup=None if wijk else wijk_keyboard(context))
    for chunk in pack(esc(praatplaat.text_version(items, title, changed)).split("\n"),
                      sep="\n"):
        await send(context, chat.id, chunk)


MARK_PAGE = 8
MARK_ICONS = {"now": "🟦", "wanted": "🟧", None: "⬜"}
NEXT_MARK = {None: "now", "now": "wanted", "wanted": None}


async def _editor_wijk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The user's wijk when they may edit it (editor there, or admin)."""
    d = deps(context)
    user = update.effective_user
    if user is None or d.routes is None:
        return None
    wijk_id = await user_wijk_id(update, context)
    if wijk_id is None:
        return None
    if user.id in d.admins or await d.routes.role_in(user.id, wijk_id) == "editor":
        return wijk_id
    return None


async def _mark_keyboard(context: ContextTypes.DEFAULT_TYPE, wijk_id: str,
                         page: int) -> InlineKeyboardMarkup:
    d = deps(context)
    assert d.routes is not None
    marks = await d.routes.marks(wijk_id)
    partners = d.service.partners()
    pages = max(1, -(-len(partners) // MARK_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = [[InlineKeyboardButton(
        f"{MARK_ICONS[marks.get(p.id, (None, ''))[0]]} {p.title}"[:60],
        callback_data=cb.encode(cb.PlateMark(p.id, page)))]
        for p in partners[page * MARK_PAGE:(page + 1) * MARK_PAGE]]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(texts.PREVIOUS, callback_data=cb.encode(
            cb.PlateMark("", page - 1))))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(texts.NEXT, callback_data=cb.encode(
            cb.PlateMark("", page + 1))))
    return InlineKeyboardMarkup([*rows, nav] if nav else rows)


async def on_mark(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    wijk_id = await _editor_wijk(update, context)
    if wijk_id is None:
        await send(context, chat.id, esc(texts.NOT_ALLOWED))
        return
    await send(context, chat.id, texts.MARK_INTRO, await _mark_keyboard(context, wijk_id, 0))


async def mark(update: Update, context: ContextTypes.DEFAULT_TYPE, action: cb.PlateMark) -> str:
    """A press in the /markeren list: cycle the partner's mark, then show the list again."""
    d = deps(context)
    user = update.effective_user
    query = update.callback_query
    wijk_id = await _editor_wijk(update, context)
    entry = d.service.kb.get(action.entry_id) if action.entry_id else None
    if wijk_id is None or user is None or d.routes is None or \
            (action.entry_id and (entry is None or entry.kind != "partner")):
        return texts.NOT_ALLOWED
    if entry is not None:
        current = (await d.routes.marks(wijk_id)).get(entry.id, (None, ""))[0]
        try:
            await d.routes.set_mark(wijk_id, entry.id, NEXT_MARK[current], f"user:{user.id}")
        except StorageError:
            return texts.ERROR
    if query is not None and query.message is not None:
        await query.edit_message_text(texts.MARK_INTRO, reply_markup=await _mark_keyboard(
            context, wijk_id, action.page))
    return ""


async def on_kaart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kaart: the sociale kaart of the user's wijk as a printable PDF."""
    chat = update.effective_chat
    d = deps(context)
    if chat is None:
        return
    from bot import kaart  # fpdf2: loaded on first use only

    wijk, routes, marks = await _wijk_data(update, context)
    title = f"Sociale kaart {wijk.name}" if wijk else "Sociale kaart: alle partners"
    changed = last_change(routes, d.service.kb, marks)
    async with _DRAWING:
        document = await asyncio.to_thread(kaart.pdf, d.service.kb, routes, title, changed)
    await context.bot.send_document(chat.id, document, filename="sociale-kaart.pdf",
                                    caption=esc(title))
