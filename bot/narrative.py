"""The question inside a story. Teachers often write what happened first and ask at the end
("…Ik ben haar mentor. Wie kan hier iets mee?"), or say it outright ("mijn eigenlijke vraag:
hoe betrek ik de ouders?"). When the whole story gets no confident answer, the service tries
the question part on its own: the sentences that ask something, and what follows a marker.
"""

from __future__ import annotations

import re

MIN_WORDS = 25  # shorter messages are read as a whole

_MARKER = re.compile(
    r"(?:eigenlijke vraag|mijn vraag|de vraag|vraag is|maar even serieus|serieus|"
    r"my (?:actual |real )?question|the question)\s*(?:is)?\s*[:,-]?\s*(.+)$",
    re.IGNORECASE | re.DOTALL)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_ASKS = re.compile(
    r"^\s*(?:en |maar |dus |of )?(?:wie|wat|hoe|waar|wanneer|welke?|waarom|kan|kun|kunnen|mag|"
    r"moet|moeten|is|zijn|heeft|hebben|bestaat|zou|weet|who|what|how|where|when|which|can|"
    r"could|should|is|are|do|does)\b", re.IGNORECASE)


def question_part(text: str) -> str | None:
    """The asking part of a long message, or None when it is short or the whole is a question."""
    if len(text.split()) < MIN_WORDS:
        return None
    marked = _MARKER.search(text)
    if marked and len(marked.group(1).split()) >= 3:
        return marked.group(1).strip()
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    asking = [i for i, s in enumerate(sentences) if s.endswith("?") or _ASKS.match(s)]
    if not asking or len(asking) == len(sentences):
        return None
    last = asking[-1]  # the last question, with the sentence that leads up to it
    return " ".join(sentences[max(0, last - 1):last + 1])
