"""Replies as plain text for the console and the CLI (the bot renders its own HTML)."""

from __future__ import annotations

import textwrap

from bot import texts
from bot.service import Answer, Reply

WIDTH = 88


def _wrap(block: str) -> str:
    out = []
    for line in block.splitlines():
        indent = "   " if line[:3].rstrip(". ").isdigit() or line.startswith("- ") else ""
        out.append(textwrap.fill(line, WIDTH, subsequent_indent=indent) if line else "")
    return "\n".join(out)


def render_answer(answer: Answer, with_source: bool = True) -> str:
    """Like the bot: the short card first, then (behind "Meer" there) the whole answer."""
    parts = [answer.title.upper()]
    if answer.summary:
        parts += ["\n".join(_wrap(line) for line in answer.short_text.split("\n")),
                  f"--- {texts.MORE.split()[-1]} ---"]
    parts.append(_wrap(answer.text))
    if with_source and answer.sources:
        parts.append(_wrap(f"{texts.LABEL_SOURCE}: " + "; ".join(answer.sources)))
    return "\n\n".join(parts)


def render_reply(reply: Reply) -> str:
    """The reply as a person would see it: the safety notice first, then the answer."""
    parts: list[str] = []
    if reply.safety:
        parts.append(_wrap(reply.safety.text))
    if reply.clarify:
        options = "\n".join(f"  {i}. {a.title}" for i, a in enumerate(reply.answers, 1))
        parts.append(f"{texts.CLARIFY}\n{options}")
        parts.append(render_answer(reply.answers[0]))
    elif reply.answers:
        parts.append(render_answer(reply.answers[0]))
        if len(reply.answers) > 1:
            parts.append("Zie ook: " + "; ".join(a.title for a in reply.answers[1:]))
    elif reply.message:
        parts.append(_wrap(reply.message))
    if reply.suggestions:
        parts.append(f"{texts.LABEL_SUGGESTIONS}:\n"
                     + "\n".join(f"  - {s.title}" for s in reply.suggestions))
    return "\n\n".join(parts)
