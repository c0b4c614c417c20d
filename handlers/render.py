"""Replies as Telegram HTML: every knowledge or user text escaped, Telegram's limits enforced.

PTB does not check Telegram's limits on the client side, so this one formatter does: a message
holds at most 4096 visible characters (after entity parsing, in UTF-16 units, as Telegram
counts), it is split only
between self-contained blocks so that no tag is ever cut, and callback data stays within 64
bytes (see callbackdata.py).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.routes import Route, contact_line
from bot.safety import SafetyNotice
from bot.service import Answer, Reply, Section, Service
from handlers import callbackdata as cb

MESSAGE_LIMIT = 4096
BUTTON_TEXT_LIMIT = 60
_TAG_RE = re.compile(r"<[^>]+>")


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(html_text: str) -> str:
    """The text as Telegram shows it (and returns it in Message.text): tags gone, unescaped."""
    return html.unescape(_TAG_RE.sub("", html_text))


def visible_len(html_text: str) -> int:
    return tg_len(html.unescape(_TAG_RE.sub("", html_text)))


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _section(section: Section) -> str:
    if section.style == "numbered":
        body = "\n".join(f"{i}. {esc(line)}" for i, line in enumerate(section.lines, 1))
    elif section.style == "bullets":
        body = "\n".join(f"• {esc(line)}" for line in section.lines)
    else:
        body = esc(" ".join(section.lines))
    return f"<b>{esc(section.label)}</b>\n{body}" if section.label else body


def safety_html(notice: SafetyNotice) -> str:
    """The notice with its first (most urgent) paragraph in bold."""
    parts = [f"<b>{esc(p)}</b>" if i == 0 else esc(p)
             for i, p in enumerate(notice.text.split("\n\n"))]
    return "\n\n".join(parts)


def words(html_text: str) -> int:
    """Words as a reader counts them on the screen."""
    return len(html.unescape(_TAG_RE.sub(" ", html_text)).split())


def short_blocks(answer: Answer, local: str | None = None) -> list[str]:
    """The card a reader sees first: the title, the summary, the local route right under it,
    and for a situation as many first steps as fit on one phone screen."""
    blocks = [f"<b>{esc(answer.title)}</b>", esc(answer.lead)]
    if local:
        blocks.append(local)
    steps = answer.short_steps(words(local) if local else 0)
    if steps:
        blocks.append(f"<b>{esc(texts.LABEL_FIRST_STEPS)}</b>\n"
                      + "\n".join(f"{i}. {esc(line)}" for i, line in enumerate(steps, 1)))
    return blocks


def short_card(answer: Answer, local: str | None = None) -> str:
    return pack(short_blocks(answer, local))[0]


def full_card(answer: Answer, local: str | None = None) -> list[str]:
    """The whole answer, the local route under its summary, split where Telegram needs it."""
    blocks = answer_blocks(answer)
    return pack([*blocks[:2], *([local] if local else []), *blocks[2:]])


def answer_blocks(answer: Answer) -> list[str]:
    blocks = [f"<b>{esc(answer.title)}</b>"]
    blocks += [_section(s) for s in answer.sections]
    if answer.sources:
        blocks.append(f"<i>{esc(texts.LABEL_SOURCE)}: {esc('; '.join(answer.sources))}</i>")
    return blocks


def _split_block(block: str, limit: int) -> list[str]:
    """A block too long for one message becomes plain escaped pieces (tags dropped)."""
    plain = html.unescape(_TAG_RE.sub("", block))
    pieces: list[str] = []
    current = ""
    for word in plain.split(" "):
        candidate = f"{current} {word}" if current else word
        if visible_len(esc(candidate)) > limit and current:
            pieces.append(esc(current))
            current = word
        else:
            current = candidate
    while visible_len(esc(current)) > limit:  # a single enormous word
        cut = limit // 2
        pieces.append(esc(current[:cut]))
        current = current[cut:]
    if current:
        pieces.append(esc(current))
    return pieces


def pack(blocks: list[str], limit: int = MESSAGE_LIMIT, sep: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit; a message never cuts through a block's tags."""
    messages: list[str] = []
    current: list[str] = []
    size = 0  # visible length of current, separators included
    gap = tg_len(sep)
    for block in blocks:
        length = visible_len(block)
        parts = [(block, length)] if length <= limit else [
            (p, visible_len(p)) for p in _split_block(block, limit)]
        for part, part_len in parts:
            extra = part_len + (gap if current else 0)
            if current and size + extra > limit:
                messages.append(sep.join(current))
                current, size = [], 0
                extra = part_len
            current.append(part)
            size += extra
    if current:
        messages.append(sep.join(current))
    return messages


def _button_text(title: str) -> str:
    return title if len(title) <= BUTTON_TEXT_LIMIT else title[: BUTTON_TEXT_LIMIT - 1] + "…"


def answer_keyboard(answer: Answer, share: bool = True, expanded: bool | None = False,
                    more_url: str | None = None) -> InlineKeyboardMarkup:
    """Under a card: "Meer"/"Minder" (None: neither), related entries, 👍/👎 and "Delen";
    `more_url` opens the whole answer in the bot (for shared cards, which cannot be edited)."""
    return _answer_keyboard(answer.id, answer.title, answer.related, share, expanded, more_url)


@lru_cache(maxsize=2048)
def _answer_keyboard(entry_id: str, title: str, related: tuple[tuple[str, str], ...],
                     share: bool, expanded: bool | None,
                     more_url: str | None) -> InlineKeyboardMarkup:
    """Built once per entry and view: PTB's objects are frozen, so one keyboard serves every
    send."""
    rows: list[list[InlineKeyboardButton]] = []
    if more_url:
        rows.append([InlineKeyboardButton(texts.MORE, url=more_url)])
    elif expanded is not None:
        label = texts.LESS if expanded else texts.MORE
        rows.append([InlineKeyboardButton(label, callback_data=cb.encode(
            cb.Expand(entry_id, not expanded)))])
    rows += [[InlineKeyboardButton(_button_text("➡️ " + rtitle),
                                   callback_data=cb.encode(cb.OpenEntry(rid)))]
             for rid, rtitle in related[:3]]
    feedback = [
        InlineKeyboardButton("👍", callback_data=cb.encode(cb.Feedback(entry_id, True))),
        InlineKeyboardButton("👎", callback_data=cb.encode(cb.Feedback(entry_id, False))),
    ]
    if share:
        feedback.append(InlineKeyboardButton("Delen", switch_inline_query=title[:60]))
    rows.append(feedback)
    return InlineKeyboardMarkup(rows)


def choice_keyboard(options: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per (entry id, title): for "Bedoel je…?" and suggestions."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        _button_text(title), callback_data=cb.encode(cb.OpenEntry(eid)))]
        for eid, title in options])


def routes_html(wijk_name: str, routes: list[Route], service: Service, today: dt.date) -> str:
    """The local contact routes under an answer; old ones are marked as such."""
    lines = [f"<b>📍 In jouw wijk ({esc(wijk_name)})</b>"]
    for route in routes:
        entry = service.kb.get(route.entry_id)
        label = entry.title if entry else route.entry_id
        line = f"• {esc(label)}: {esc(contact_line(route))}"
        if route.note:
            line += f" – {esc(route.note)}"
        if route.is_stale(today):
            line += f" <i>(niet gecontroleerd sinds {esc(route.checked[:10])})</i>"
        lines.append(line)
    return "\n".join(lines)


def reply_messages(reply: Reply, local: str | None = None, more_url: str | None = None,
                   ) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages for a reply, in order: the safety notice first, then the answer or choice;
    `local` (the user's wijk's routes) goes under the answer; with `more_url` (in a group)
    "Meer" opens the whole answer in a private chat instead of in the group."""
    out: list[tuple[str, InlineKeyboardMarkup | None]] = []
    notice = safety_html(reply.safety) if reply.safety else None
    if notice:
        out.append((notice, None))
    if reply.clarify:
        options = [(a.id, a.title) for a in reply.answers]
        keyboard = choice_keyboard(options).inline_keyboard
        neither = InlineKeyboardButton(texts.CLARIFY_NEITHER,
                                       callback_data=cb.encode(cb.Rephrase()))
        out.append((esc(texts.CLARIFY), InlineKeyboardMarkup([*keyboard, [neither]])))
    elif reply.answers:
        answer = reply.answers[0]
        out.append((short_card(answer, local), answer_keyboard(
            answer, more_url=f"{more_url}{answer.id}" if more_url else None)))
    elif reply.message:
        options = [(s.id, s.title) for s in reply.suggestions]
        hint = esc(reply.message)
        if not reply.suggestions and notice is None:
            hint += "\n\n" + esc(texts.REPHRASE_HINT)
        out.append((hint, choice_keyboard(options) if options else None))
    return out
