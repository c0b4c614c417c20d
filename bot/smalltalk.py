"""Greetings, thanks and other small talk: a message made only of such words gets one short
friendly line instead of "geen goed antwoord".

Only whole messages count: "hoi, wie bel ik bij verzuim?" is a question, "hoi!" or "top,
bedankt 👍" is not.
"""

from __future__ import annotations

import re

from bot.normalize import fold

# A message is small talk when it holds at least one of these...
_CORE = frozenset({
    "hoi", "hallo", "hallo's", "hey", "hee", "hi", "hello", "hai", "heey", "goedemorgen",
    "goedemiddag", "goedenavond", "morgen", "dag", "doei", "tot", "ziens", "later", "dank",
    "danku", "dankje", "dankjewel", "bedankt", "thanks", "thank", "thx", "merci",
    "top", "super", "fijn", "ok", "oke", "okay", "okido", "prima", "mooi", "chill", "cool",
    "groetjes", "groet", "gr", "bye", "cheers", "gaat",
})
# ...and nothing but these words around them.
_FILLER = _CORE | frozenset({
    "je", "jij", "u", "wel", "wijkwijzer", "bot", "hoe", "het", "met", "jou", "you", "how",
    "are", "goed", "lief", "helemaal", "heel", "erg", "veel", "alvast", "voor", "de", "hulp",
    "antwoord", "nog", "even", "allemaal", "iedereen", "daar", "ben", "ik", "weer", "is",
    "was", "duidelijk", "zo", "ja", "nee", "hartelijk", "very", "much", "a", "lot", "good",
    "morning", "afternoon", "evening", "there", "zeer", "echt", "enorm",
})
_WORD = re.compile(r"[^\W\d_]+(?:'s)?")


def is_small_talk(text: str) -> bool:
    words = _WORD.findall(fold(text))
    return 0 < len(words) <= 8 and all(w in _FILLER for w in words) and \
        any(w in _CORE for w in words)
