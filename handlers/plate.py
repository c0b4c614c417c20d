"""/praatplaat: the wijk's network as a picture, with its text version for screen readers."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.local_routes import NotAllowedError, WijkView
from bot.routes import last_change, plate_statuses
from bot.storage import StorageError
from handlers import callbackdata as cb
from handlers.deps import deps, refusal, user_wijk_id, viewer
from handlers.render import esc, pack
from handlers.sending import edit_view, own_view, private_only, send
from handlers.wijk import wijk_keyboard

log = logging.getLogger(__name__)

_DRAWING = asyncio.Lock()  # matplotlib draws one picture at a time
_CACHE_KEY = "praatplaat-cache"
CAPTION_LIMIT = 1024


async def _wijk_view(update: Update, context: ContextTypes.DEFAULT_TYPE) -> WijkView:
    """The wijk asked for ("/praatplaat <wijk-id>") or the user's own, with what this user may
    see of it here (LocalRoutes decides: internal routes never outside a member's private chat)."""
    d = deps(context)
    who = viewer(update)
    if d.local is None or who is None:
        return WijkView(None, (), {})
    try:
        asked = (context.args or [""])[0]
        return await d.local.wijk_view(who, asked or await user_wijk_id(update, context))
    except StorageError as exc:
        log.warning("wijk data not readable: %s", exc)
        return WijkView(None, (), {})


async def on_praatplaat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    d = deps(context)
    if chat is None:
        return
    from bot import praatplaat  # matplotlib: loaded on first use only

    view = await _wijk_view(update, context)
    wijk, routes, marks = view.wijk, list(view.routes), view.marks
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
    if chat.type != ChatType.PRIVATE:
        # A group sees the picture; the long text version is one tap away, in private.
        link = f"https://t.me/{context.bot.username}?start={PLATE_LINK}{wijk.id if wijk else ''}"
        await _send_media(context, "photo", key, pictures[key], chat_id=chat.id,
                          caption=caption[:CAPTION_LIMIT],
                          reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
                              texts.PLATE_TEXT_BUTTON, url=link)]]),
                          message_thread_id=_thread(update))
        return
    await _send_media(context, "photo", key, pictures[key], chat_id=chat.id,
                      caption=caption[:CAPTION_LIMIT],
                      reply_markup=None if wijk else wijk_keyboard(context))
    for chunk in pack(esc(praatplaat.text_version(items, title, changed)).split("\n"),
                      sep="\n"):
        await send(context, chat.id, chunk)


PLATE_LINK = "plaat_"  # /start plaat_<wijk id>: the praatplaat and its text in private


def _thread(update: Update) -> int | None:
    message = update.effective_message
    return message.message_thread_id if message is not None and message.is_topic_message \
        else None


MARK_PAGE = 8
MARK_ICONS = {"now": "🟦", "wanted": "🟧", None: "⬜"}


async def _editor_wijk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The user's wijk when they may edit it here (LocalRoutes decides)."""
    d = deps(context)
    who = viewer(update)
    wijk_id = await user_wijk_id(update, context)
    if d.local is None or who is None or wijk_id is None:
        return None
    try:
        await d.local.require_edit(who, wijk_id)
    except NotAllowedError:
        return None
    return wijk_id


async def _mark_keyboard(context: ContextTypes.DEFAULT_TYPE, wijk_id: str,
                         page: int) -> InlineKeyboardMarkup:
    d = deps(context)
    assert d.local is not None
    marks = await d.local.marks(wijk_id)
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
    if chat is None or not await private_only(update, context):
        return
    wijk_id = await _editor_wijk(update, context)
    if wijk_id is None:
        await send(context, chat.id, esc(texts.NOT_ALLOWED))
        return
    await send(context, chat.id, texts.MARK_INTRO, await _mark_keyboard(context, wijk_id, 0))


async def mark(update: Update, context: ContextTypes.DEFAULT_TYPE, action: cb.PlateMark) -> str:
    """A press in the /markeren list: cycle the partner's mark, then show the list again."""
    d = deps(context)
    who = viewer(update)
    query = update.callback_query
    wijk_id = await user_wijk_id(update, context)
    if d.local is None or who is None or wijk_id is None:
        return texts.NOT_ALLOWED
    try:
        if action.entry_id:
            await d.local.cycle_mark(who, wijk_id, action.entry_id)
        else:
            await d.local.require_edit(who, wijk_id)
    except NotAllowedError as exc:
        return refusal(context, exc)
    except StorageError:
        return texts.ERROR
    if query is not None and own_view(query, cb.PlateMark):
        await edit_view(query, texts.MARK_INTRO, await _mark_keyboard(context, wijk_id,
                                                                      action.page))
    return ""


async def on_kaart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kaart: the sociale kaart of the user's wijk as a printable PDF."""
    chat = update.effective_chat
    d = deps(context)
    if chat is None:
        return
    from bot import kaart  # fpdf2: loaded on first use only

    view = await _wijk_view(update, context)
    wijk, routes, marks = view.wijk, list(view.routes), view.marks
    title = f"Sociale kaart {wijk.name}" if wijk else "Sociale kaart: alle partners"
    changed = last_change(routes, d.service.kb, marks)
    key = hashlib.sha256(repr(("kaart", routes, title, changed)).encode()).hexdigest()
    documents: dict[str, bytes] = context.bot_data.setdefault(_KAART_CACHE, {})
    if key not in documents:
        async with _DRAWING:
            documents[key] = await asyncio.to_thread(kaart.pdf, d.service.kb, routes, title,
                                                     changed)
        while len(documents) > 16:
            documents.pop(next(iter(documents)))
    await _send_media(context, "document", key, documents[key], chat_id=chat.id,
                      filename="sociale-kaart.pdf", caption=esc(title))


_FILE_IDS = "telegram-file-ids"  # bot_data: data key -> file id of the upload
_KAART_CACHE = "kaart-cache"


async def _send_media(context: ContextTypes.DEFAULT_TYPE, kind: str, key: str, data: bytes,
                      **kwargs: Any) -> None:
    """Send a picture or document; the same data goes by the file id of its first upload
    (Telegram keeps the file), so an unchanged praatplaat or kaart is not uploaded again."""
    ids: dict[str, str] = context.bot_data.setdefault(_FILE_IDS, {})

    async def send(media: str | bytes) -> Message:
        if kind == "photo":
            return await context.bot.send_photo(photo=media, **kwargs)
        return await context.bot.send_document(document=media, **kwargs)

    if key in ids:
        try:
            await send(ids[key])
            return
        except BadRequest:  # Telegram no longer knows it: upload again
            ids.pop(key, None)
    message = await send(data)
    found = (message.photo[-1].file_id if kind == "photo" and message.photo
             else message.document.file_id if message.document else None)
    if found:
        ids[key] = found
        while len(ids) > 256:
            ids.pop(next(iter(ids)))


async def on_mark_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    assert isinstance(action, cb.PlateMark)
    outcome = await mark(update, context, action)
    await query.answer(outcome or None, show_alert=bool(outcome))
