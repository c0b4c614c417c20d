"""Inline mode: `@bot vraag` in any chat offers answer cards to share."""

from __future__ import annotations

import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.ext import ContextTypes

from bot import texts
from bot.service import Answer
from bot.storage import StorageError
from handlers.deps import allowed, deps, user_wijk_id
from handlers.render import answer_keyboard, safety_html, short_card
from handlers.sending import local_block

log = logging.getLogger(__name__)

MAX_RESULTS = 10
DESCRIPTION_CHARS = 120


def _article(answer: Answer, bot_username: str,
             local: str | None = None) -> InlineQueryResultArticle:
    """A shared card: the short card (with the sender's public local route), and a button that
    opens the whole answer in the bot, since a shared message cannot be opened in place."""
    return InlineQueryResultArticle(
        id=answer.id, title=answer.title,
        description=answer.short_text[:DESCRIPTION_CHARS],
        input_message_content=InputTextMessageContent(short_card(answer, local)),
        reply_markup=answer_keyboard(answer, share=False,
                                     more_url=f"https://t.me/{bot_username}?start={answer.id}"))


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    go_on, _ = allowed(update, context)
    if not go_on:
        await query.answer([], cache_time=5, is_personal=True)
        return
    d = deps(context)
    text = query.query.strip()
    results: list[InlineQueryResultArticle] = []
    if not text:
        ids: list[str] = []
        if d.storage is not None:
            try:
                ids = await d.storage.most_asked(MAX_RESULTS)
            except StorageError as exc:
                log.warning("most asked not available: %s", exc)
        ids += [eid for eid, _ in d.entry_examples if eid not in ids]
        wijk = await user_wijk_id(update, context)
        answers = [a for a in (d.service.answer_for(i, wijk) for i in ids) if a is not None]
        results = [_article(a, context.bot.username, await local_block(update, context, a))
                   for a in answers[:MAX_RESULTS]]
    else:
        wijk = await user_wijk_id(update, context)
        reply = d.service.ask(text, top=MAX_RESULTS, wijk=wijk)
        if reply.safety is not None:
            results.append(InlineQueryResultArticle(
                id="safety", title="⚠️ Veiligheid eerst",
                description=reply.safety.text[:DESCRIPTION_CHARS],
                input_message_content=InputTextMessageContent(safety_html(reply.safety))))
        answers = list(reply.answers)
        answers += [a for a in (d.service.answer_for(s.id, wijk) for s in reply.suggestions)
                    if a is not None]
        seen: set[str] = set()
        for answer in answers:
            if answer.id not in seen and len(results) < MAX_RESULTS:
                seen.add(answer.id)
                results.append(_article(answer, context.bot.username,
                                               await local_block(update, context, answer)))
    button = None if results else InlineQueryResultsButton(texts.INLINE_EMPTY_TITLE,
                                                           start_parameter="inline")
    # Results may carry the sender's wijk's routes: Telegram must not serve them to others.
    await query.answer(results, cache_time=30, is_personal=True, button=button)
