"""Browsing without typing: /partners by domain and age group, /situaties, /tips, /tip."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.knowledge import AGE_LABELS, DOMAIN_LABELS, Entry
from handlers import callbackdata as cb
from handlers.deps import deps
from handlers.sending import edit_view, own_view, send, send_answer

PAGE_SIZE = 8


def _entry_rows(entries: list[Entry], page: int) -> tuple[list[list[InlineKeyboardButton]], int]:
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = entries[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    rows = [[InlineKeyboardButton(e.title[:60], callback_data=cb.encode(cb.OpenEntry(e.id)))]
            for e in chunk]
    return rows, pages


def _nav(to_page: Callable[[int], cb.Action], page: int,
         pages: int) -> list[InlineKeyboardButton]:
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton(texts.PREVIOUS,
                                            callback_data=cb.encode(to_page(page - 1))))
    if page < pages - 1:
        buttons.append(InlineKeyboardButton(texts.NEXT,
                                            callback_data=cb.encode(to_page(page + 1))))
    return buttons


def partners_view(context: ContextTypes.DEFAULT_TYPE,
                  view: cb.BrowsePartners) -> tuple[str, InlineKeyboardMarkup]:
    domain = None if view.domain == "all" else view.domain
    age = None if view.age == "all" else view.age
    entries = deps(context).service.partners(domain, age)

    def mark(label: str, active: bool) -> str:
        return f"• {label}" if active else label

    domain_buttons = [InlineKeyboardButton(
        mark(label, view.domain == key),
        callback_data=cb.encode(cb.BrowsePartners(key, view.age, 0)))
        for key, label in [("all", texts.ALL), *DOMAIN_LABELS.items()]]
    age_buttons = [InlineKeyboardButton(
        mark(label, view.age == key),
        callback_data=cb.encode(cb.BrowsePartners(view.domain, key, 0)))
        for key, label in [("all", texts.ALL), *AGE_LABELS.items()]]
    rows, pages = _entry_rows(entries, view.page)
    page = min(view.page, pages - 1)
    keyboard = [domain_buttons[:3], domain_buttons[3:], age_buttons, *rows]
    nav = _nav(lambda p: cb.BrowsePartners(view.domain, view.age, p), page, pages)
    if nav:
        keyboard.append(nav)
    title = texts.BROWSE_PARTNERS + (f" ({page + 1}/{pages})" if pages > 1 else "")
    if not entries:
        title += "\n" + texts.NOTHING_HERE
    return title, InlineKeyboardMarkup(keyboard)


def kind_view(context: ContextTypes.DEFAULT_TYPE,
              view: cb.BrowseKind) -> tuple[str, InlineKeyboardMarkup]:
    entries = deps(context).service.entries_of(view.kind)
    rows, pages = _entry_rows(entries, view.page)
    page = min(view.page, pages - 1)
    nav = _nav(lambda p: cb.BrowseKind(view.kind, p), page, pages)
    if nav:
        rows.append(nav)
    title = texts.BROWSE_KIND[view.kind] + (f" ({page + 1}/{pages})" if pages > 1 else "")
    if view.kind == "tip":
        rows.append([InlineKeyboardButton("🎲 Willekeurige tip",
                                          callback_data=cb.encode(cb.RandomTip()))])
    return title, InlineKeyboardMarkup(rows)


async def on_partners(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat:
        text, markup = partners_view(context, cb.BrowsePartners("all", "all", 0))
        await send(context, update.effective_chat.id, text, markup)


async def _on_kind(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    if update.effective_chat:
        text, markup = kind_view(context, cb.BrowseKind(kind, 0))
        await send(context, update.effective_chat.id, text, markup)


async def on_situations(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _on_kind(update, context, "situation")


async def on_tips(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _on_kind(update, context, "tip")


async def on_random_tip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    d = deps(context)
    await send_answer(context, chat.id, d.service.random_tip(d.rng))


async def on_browse_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A page or filter in a /partners, /situaties or /tips list: the list changes in place,
    and only a list of the same kind (a forged press on another message changes nothing)."""
    query = update.callback_query
    assert query is not None
    action = cb.decode(query.data)
    if isinstance(action, cb.RandomTip) and update.effective_chat is not None:
        await query.answer()
        d = deps(context)
        await send_answer(context, update.effective_chat.id, d.service.random_tip(d.rng))
        return
    if not isinstance(action, cb.BrowsePartners | cb.BrowseKind) or \
            not own_view(query, type(action)):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    text, markup = (partners_view(context, action) if isinstance(action, cb.BrowsePartners)
                    else kind_view(context, action))
    await query.answer()
    await edit_view(query, text, markup)
