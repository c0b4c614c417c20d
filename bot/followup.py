"""Follow-up questions: "en in het VO?", "wie betaalt dat?", "hoe bereik ik die?" only make
sense in the light of the answer just given. One turn of context: the service reads such a
question together with the title of the previous answer.

A message counts as a follow-up when it is short and leans on what came before: it starts like
a continuation ("en", "maar", "wat als", "and what about"), points back ("die", "dat", "daar",
"they", "that"), or has almost no words of its own. A complete question on a new topic is not
a follow-up and is answered on its own.
"""

from __future__ import annotations

import re

from bot.normalize import fold

MAX_WORDS = 12

_CONTINUES = re.compile(
    r"^(en|maar|ook|of|dus|toch|nou|oke?|and|but|also|or|so|what about|how about|"
    r"wat als|en als|wat nou als|hoe zit het|geldt dat|geldt dit|is dat|kan dat|mag dat|"
    r"wie betaalt|wat kost|hoe bereik|hoe kom ik|waar vind|waar zit|wanneer dan|"
    r"en dan|en verder|en nu|in english|in het engels)\b")
_POINTS_BACK = frozenset({
    "die", "dat", "dit", "deze", "ze", "zij", "hun", "hen", "hem", "haar", "daar", "daarvan",
    "daarmee", "daarvoor", "daarbij", "daarna", "hiervoor", "hierbij", "ervoor", "erbij",
    "zo'n", "zulke", "they", "them", "it", "that", "this", "those", "there", "then",
})
_OWN_WORDS = re.compile(r"[^\W\d_]{4,}")


def leans_back(text: str) -> bool:
    """Starts like a continuation or points back: read in the light of the previous answer
    even when it would get an answer of its own ("en de bibliotheek?")."""
    folded = fold(text).strip()
    words = folded.split()
    if not words or len(words) > MAX_WORDS:
        return False
    return bool(_CONTINUES.match(folded)) or any(w.strip("?!.,") in _POINTS_BACK
                                                 for w in words)


def is_followup(text: str) -> bool:
    """Leans back, or has almost no words of its own ("peuters?"): such a message is read in
    the light of the previous answer when it gets no answer of its own."""
    folded = fold(text).strip()
    words = folded.split()
    if not words or len(words) > MAX_WORDS:
        return False
    return leans_back(text) or len(_OWN_WORDS.findall(folded)) <= 1
