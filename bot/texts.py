"""Texts that users read, in one place so that Dutch copy can be reviewed without reading code."""

from __future__ import annotations

EMPTY_QUESTION = (
    "Typ je vraag in gewone woorden, bijvoorbeeld: \"wie bel ik als een gezin het thuis zwaar "
    "heeft?\" of \"wat doet de leerplichtambtenaar?\""
)

NO_ANSWER = (
    "Hier heb ik geen goed antwoord op. Ik weet vooral wie je in de wijk kunt inschakelen rond "
    "leerlingen en gezinnen, en hoe je als school samenwerkt met partners. Probeer het in andere "
    "woorden, met één onderwerp per vraag (bijvoorbeeld \"verzuim melden\" of \"wat doet het "
    "CJG\"). Twijfel je over een leerling? Bespreek het met je IB'er, zorgcoördinator of "
    "aandachtsfunctionaris."
)

NO_ANSWER_WITH_SUGGESTIONS = (
    "Ik weet niet zeker wat je bedoelt. Gaat je vraag over een van deze onderwerpen? Zo niet, "
    "probeer het in andere woorden of bespreek het met je IB'er, zorgcoördinator of "
    "aandachtsfunctionaris."
)

CLARIFY = "Bedoel je…?"

SAFETY_ONLY = (
    "Neem bij twijfel altijd contact op met de aandachtsfunctionaris of IB'er van je school."
)

LOCAL_NAMES = (
    "Let op: de naam en de opzet verschillen per gemeente. Misschien heet het bij jou: {names}."
)
LOCAL_ROUTE = (
    "Let op: namen en afspraken verschillen per gemeente. Vraag je IB'er of zorgcoördinator naar "
    "de route die bij jullie geldt."
)

LABEL_WHEN = "Wanneer schakel je ze in"
LABEL_REACH = "Zo bereik je ze"
LABEL_STEPS = "Wie eerst, wie daarna"
LABEL_PREPARE = "Bereid voor"
LABEL_AGREE = "Spreek af"
LABEL_PARTNERS = "Partners"
LABEL_SOURCE = "Bron"
LABEL_SUGGESTIONS = "Misschien bedoel je"

PRIVACY_REMINDER = (
    "Tip: noem in een chat geen namen of andere gegevens van leerlingen of ouders. Beschrijf de "
    "situatie algemeen, bijvoorbeeld \"een leerling uit groep 6\"."
)
