"""Safety signals: acute danger, abuse and neglect, suicide, abuse by staff.

This check runs over the whole message before any matching and never depends on it: a question
that carries a signal always gets the notice, whatever else is found. The notices ship with the
code, so a replaced knowledge directory cannot switch them off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.normalize import fold

Level = Literal["acute", "suicide", "staff", "meldcode"]

# Most urgent first: the reply's `level` is the first one that fired.
LEVELS: tuple[Level, ...] = ("acute", "suicide", "staff", "meldcode")

NOTICES: dict[Level, str] = {
    "acute": (
        "🚨 Is er nu gevaar? Bel direct 112. Zorg eerst voor je eigen veiligheid en die van de "
        "kinderen, waarschuw dan de directie en volg het veiligheidsprotocol van je school. "
        "Politie zonder spoed: 0900-8844."
    ),
    "suicide": (
        "⚠️ Praat een leerling over zelfdoding of doet een leerling zichzelf pijn? Neem het "
        "altijd serieus. Laat de leerling bij direct gevaar niet alleen en bel 112. Bel "
        "113 Zelfmoordpreventie: 113 of 0800-0113 (gratis, dag en nacht, anoniem), ook voor "
        "advies aan jou; chatten kan via 113.nl. Betrek meteen de IB'er of zorgcoördinator "
        "volgens het protocol van je school; met de ouders volgt de route naar huisarts of "
        "jeugdarts."
    ),
    "staff": (
        "⚠️ Vermoed je seksueel misbruik of geweld door iemand die op school werkt? Elke "
        "medewerker moet dit direct melden bij het bevoegd gezag (het schoolbestuur). Het "
        "bestuur overlegt met de vertrouwensinspecteur van de Inspectie van het Onderwijs, "
        "0900-111 3111 (werkdagen 8-17 uur), en doet aangifte bij een redelijk vermoeden. Je "
        "mag de vertrouwensinspecteur ook zelf om advies vragen."
    ),
    "meldcode": (
        "⚠️ Zorgen over mishandeling, verwaarlozing of huiselijk geweld? Volg eerst de meldcode "
        "van je school en betrek de aandachtsfunctionaris (vaak de IB'er of zorgcoördinator). "
        "Advies vragen of melden kan bij Veilig Thuis: 0800-2000 (gratis, dag en nacht, ook "
        "anoniem). Vertelt een kind zelf over geweld, dan meld je. De vijf stappen: 1) signalen "
        "in kaart brengen, 2) collega raadplegen en zo nodig Veilig Thuis om advies vragen, "
        "3) gesprek met de leerling en/of ouders, 4) wegen met het afwegingskader, 5) beslissen: "
        "hulp organiseren en/of melden. Bij acuut gevaar: 112."
    ),
}

KINDERTELEFOON = (
    "Ben je zelf een kind of jongere? Bel of chat gratis en anoniem met De Kindertelefoon: "
    "0800-0432 (8 tot 18 jaar)."
)

# Patterns run on folded text (lowercase, no accents, punctuation as single spaces).
_PATTERNS: dict[Level, tuple[str, ...]] = {
    "acute": (
        r"\b(mes|messen|steekwapen|wapen|wapens|pistool|vuurwapen|geweer|knife|gun|weapon)\b",
        r"\b(steekpartij|neergestoken|gestoken|schietpartij|schieten|schoten|shooting|stabbing)\b",
        r"\b(bommelding|gijzeling|ontvoerd|ontvoering|overdosis|bewusteloos|reanim\w*)\b",
        r"\bademt niet\b|\bin brand\b|\bbrand in\b|\bernstig gewond\b|\bbloedt hevig\b",
        r"\b(acuut|direct|onmiddellijk) gevaar\b|\blevensgevaar\w*\b|\bnu in gevaar\b",
        r"\bdreigt\b.{0,30}\b(vermoorden|doden|dood te maken|neer te steken|te steken)\b",
        r"\b(wordt|worden) (nu|op dit moment) (geslagen|mishandeld|bedreigd|aangevallen)\b",
        r"\b(nu|op dit moment)\b.{0,40}\b(gevochten|vechtpartij|geslagen|aangevallen)\b",
        r"\b(gevochten|vechtpartij)\b.{0,40}\b(nu|op dit moment)\b",
        r"\bkind (is )?(vermist|zoek|kwijt)\b|\bvermist kind\b",
        r"\bemergency\b|\bin danger\b",
    ),
    "suicide": (
        r"\b(suicid\w*|su[i]?[cz]id\w*|zelfmoord\w*|zelfdoding\w*|suicidaal|suicidale)\b",
        r"\b(dood willen|wil dood|wil(de)? (graag )?dood|wil niet meer leven|niet meer (willen )?"
        r"leven|er niet meer (willen )?zijn|wil er niet meer zijn)\b",
        r"\beinde aan (zijn|haar|mijn|het|z n) leven\b|\bleven (te )?beeindigen\b",
        r"\bzichzelf (iets )?(aandoen|aan te doen|pijn doen|snijden|verwonden)\b",
        r"\b(snijdt|krast|kerft) (zich|zichzelf)\b|\bsnijwond\w*\b|\bsnijwondjes\b",
        r"\b(zelfbeschadiging|zelfverwonding|automutilatie|self harm|selfharm|kill (him|her|my)"
        r"self|wants to die|suicide)\b",
        r"\b(praat|praten|schrijft|schrijven|heeft het) over (de )?dood\b|\bafscheidsbrief\b",
        r"\b(zich|zichzelf) (op te )?hangen\b|\bvan (een|de) (brug|flat) springen\b",
    ),
    "staff": (),  # proximity rule below
    "meldcode": (
        r"\b(kinder)?mishandel\w*\b|\bhuiselijk\w* geweld\b|\bgeweld (thuis|in het gezin)\b",
        r"\b(vader|moeder|papa|mama|pa|ma|stiefvader|stiefmoeder|ouders?|broer|oom|opa)\b.{0,25}"
        r"\b(slaat|sloeg|schopt|schopte|mishandelt|misbruikt|bedreigt|knijpt|duwt)\b",
        r"\b(slaat|schopt|mishandelt|misbruikt)\b.{0,20}\b(haar|hem|mij|me|kind|kinderen|"
        r"zoon|dochter)\b",
        r"\b(geslagen|geschopt|geknepen|gewurgd) (door|thuis)\b|\bthuis geslagen\b",
        r"\bblauwe plek\w*\b|\bbrandwond\w*\b|\bstriemen\b",
        r"\bverwaarlo\w*\b|\bneglect\w*\b|\b(child )?abus\w*\b|\bdomestic violence\b",
        r"\b(seksueel|sexueel) (misbruik\w*|geweld|grensoverschrijdend\w*)\b|\bmisbruik\w*\b",
        r"\b(aangerand|aanranding|verkracht\w*|incest|loverboy\w*|mensenhandel|grooming)\b",
        r"\b(uithuwelijk\w*|gedwongen huwelijk|eergerelateerd\w*|meisjesbesnijdenis|"
        r"genitale verminking|besnijdenis)\b",
        r"\b(bang|durft niet|wil niet) (om )?(naar huis|thuis)\b|\bonveilig\w* thuis\w*\b",
        r"\bonveilige (thuis)?situatie\b|\bthuis (is )?(niet )?onveilig\b",
        r"\bveilig thuis\b|\bmeldcode\b|\bnaaktfoto\w*\b|\bsextortion\b",
    ),
}

_STAFF_SUBJECT = re.compile(
    r"\b(leerkracht\w*|leraar|leraren|docent\w*|juf|meester|collega\w*|gymleraar|gymdocent|"
    r"concierge|stagiair\w*|mentor|directeur|onderwijsassistent\w*|invaller|medewerker\w*|"
    r"teacher|staff|conciërge|vrijwilliger|overblijfmoeder|overblijfkracht)\b"
)
_STAFF_SIGNAL = re.compile(
    r"\b(ongepast\w*|aanrak\w*|aangeraakt|raakt\b.{0,20}\baan|betast\w*|zit\b.{0,15}\baan|"
    r"seksue\w*|sexue\w*|misbruik\w*|grensoverschrijdend\w*|zoen\w*|relatie met (een )?"
    r"leerling|naaktfoto\w*|aanrand\w*|verkracht\w*|mishandelt|slaat|sloeg|geslagen|"
    r"intiem\w*|appt\b.{0,20}\bprive|touch\w*|abus\w*)"
)
_STAFF_WINDOW = 80  # characters between the person and the act

_FIRST_PERSON_CHILD = re.compile(
    r"\bik ben (\d{1,2}|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien)"
    r"( jaar)?\b|\b(mijn|me) (vader|moeder|papa|mama|stiefvader|stiefmoeder) (slaat|schopt|"
    r"misbruikt|mishandelt)\b|\b(slaat|schopt|misbruikt|mishandelt) (mij|me)\b|"
    r"\bik word (geslagen|geschopt|gepest|misbruikt|mishandeld|bedreigd)\b|"
    r"\bik ben bang (om naar huis|voor (mijn|me) )|\bik wil (dood|niet meer leven)\b"
)

# Single words that typos must not hide ("kindermishandling", "zelfmoort", "suicde").
_FUZZY_WORDS: dict[str, Level] = {
    "kindermishandeling": "meldcode",
    "mishandeling": "meldcode",
    "mishandeld": "meldcode",
    "verwaarlozing": "meldcode",
    "verwaarloosd": "meldcode",
    "misbruikt": "meldcode",
    "misbruik": "meldcode",
    "aangerand": "meldcode",
    "verkrachting": "meldcode",
    "zelfmoord": "suicide",
    "zelfdoding": "suicide",
    "suicide": "suicide",
    "suicidaal": "suicide",
    "zelfbeschadiging": "suicide",
    "steekpartij": "acute",
    "schietpartij": "acute",
    "vuurwapen": "acute",
}
_FUZZY_CUTOFF = 86.0

_COMPILED: dict[Level, tuple[re.Pattern[str], ...]] = {
    level: tuple(re.compile(p) for p in patterns) for level, patterns in _PATTERNS.items()
}


@dataclass(frozen=True, slots=True)
class SafetyNotice:
    level: Level  # the most urgent one that fired
    levels: tuple[Level, ...]  # every one that fired, most urgent first
    text: str  # every notice that fired, in that order
    child_reader: bool  # the message may come from a child: the Kindertelefoon comes first

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "text": self.text}


def _staff_signal(folded: str) -> bool:
    for subject in _STAFF_SUBJECT.finditer(folded):
        lo, hi = max(0, subject.start() - _STAFF_WINDOW), subject.end() + _STAFF_WINDOW
        if _STAFF_SIGNAL.search(folded, lo, hi):
            return True
    return False


def _fuzzy_levels(tokens: Iterable[str]) -> set[Level]:
    found: set[Level] = set()
    choices = list(_FUZZY_WORDS)
    for token in tokens:
        if len(token) < 6:
            continue
        match = process.extractOne(token, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
        if match is not None:
            found.add(_FUZZY_WORDS[match[0]])
    return found


def detect_levels(text: str) -> tuple[Level, ...]:
    """Every safety level whose signal occurs anywhere in `text`, most urgent first."""
    folded = fold(text)
    if not folded:
        return ()
    fired: set[Level] = {
        level for level, patterns in _COMPILED.items() if any(p.search(folded) for p in patterns)
    }
    if _staff_signal(folded):
        fired.add("staff")
    fired |= _fuzzy_levels(set(folded.split()))
    return tuple(level for level in LEVELS if level in fired)


def check(text: str) -> SafetyNotice | None:
    """The notice for `text`, or None when it carries no safety signal."""
    levels = detect_levels(text)
    if not levels:
        return None
    child = bool(_FIRST_PERSON_CHILD.search(fold(text)))
    parts = [NOTICES[level] for level in levels]
    if any(level in ("meldcode", "suicide") for level in levels) or child:
        if child:
            parts.insert(0, KINDERTELEFOON)
        else:
            parts.append(KINDERTELEFOON)
    return SafetyNotice(levels[0], levels, "\n\n".join(parts), child)
