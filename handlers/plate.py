"""/praatplaat: the wijk's network as a picture, with its text version for screen readers."""

from __future__ import annotations

import asyncio
import hashlib
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.routes import last_change, plate_statuses
from bot.storage import StorageError
from handlers.common import WIJK_CACHE, deps, send
from handlers.render import esc, pack
from handlers.wijk import wijk_keyboard

log = logging.getLogger(__name__)

_DRAWING = asyncio.Lock()  # matplotlib draws one picture at a time
_CACHE_KEY = "praatplaat-cache"
CAPTION_LIMIT = 1024


async def on_praatplaat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    d = deps(context)
    if chat is None or user is None:
        return
    from bot import praatplaat  # matplotlib: loaded on first use only

    wijk = None
    routes = []
    try:
        if d.routes is not None and d.areas is not None:
            cache = context.user_data if context.user_data is not None else {}
            if WIJK_CACHE not in cache:
                cache[WIJK_CACHE] = await d.routes.wijk_of(user.id)
            wijk = d.areas.get(cache[WIJK_CACHE]) if cache[WIJK_CACHE] else None
            if wijk is not None:
                routes = [r for r in await d.routes.all_routes() if r.wijk_id == wijk.id]
    except StorageError as exc:
        log.warning("praatplaat data not readable: %s", exc)
    items = praatplaat.items_for(d.service.kb, plate_statuses(routes, d.service.kb))
    title = f"Praatplaat {wijk.name}" if wijk else "Praatplaat: alle partners"
    changed = last_change(routes, d.service.kb)
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
