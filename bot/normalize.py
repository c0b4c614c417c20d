"""Text normalisation shared by the index and the questions.

Both sides of every comparison go through the same functions, so that a question typed in a
hurry ("IB'er", "Bieb?", "suïcide") meets the knowledge base on equal terms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Apostrophes and similar marks inside a word are dropped ("IB'er" -> "iber", "'s nachts" ->
# "s nachts"); everything else that is not a letter or a digit separates words.
_APOSTROPHES = "'’‘`´ʼ"
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")
_DOUBLED_END_RE = re.compile(r"([bcdfghjklmnpqrstvwxz])\1$")
# Abbreviations written with dots or spaces ("G.G.D.", "I.B.", "s m w") become one word: a run of
# two or more single letters is joined ("g g d" -> "ggd"); one letter alone ("s nachts") stays.
_LETTER_RUN_RE = re.compile(r"(?<![0-9a-z])[a-z](?: [a-z])+(?![0-9a-z])")

# Function words and generic question words carry no topic: "wie moet ik bellen over X" is
# about X. Dutch and English, folded (no accents).
STOPWORDS: frozenset[str] = frozenset(
    """
    de het een en of maar dat die dit deze wat wie waar wanneer waarom hoe welke welk hoeveel
    ik jij je u we wij ze zij hij hem haar hun mij me mijn jouw jullie ons onze zijn is ben
    bent was waren wordt worden word werd zal zullen zou zouden kan kun kunt kunnen mag mogen
    moet moeten wil wilt willen heb hebt heeft hebben had hadden doe doet doen ga gaat gaan er
    hier daar in op aan bij met van voor naar over uit om tot door tegen zonder onder tussen na
    als dan ook nog al wel niet geen nu toch even eens zo te heel erg veel meer meest beste
    goed iets iemand iedereen alles welke hoe wat s t n m bellen bel contact contacten opnemen
    inschakelen schakel schakelen terecht vinden vind hulp helpen help helpt vraag vragen weten
    weet graag eigenlijk precies ongeveer soms vaak nodig kunnen iemand ergens manier iets
    beter misschien ok oke hoi hallo hey dag bedankt dank daarover daarvoor daarmee daarbij
    hierover hiervoor hiermee lijkt lijken zie ziet zien merk merkt merken denk denkt denken
    steeds echt gewoon altijd weer zit zitten staat staan komt komen krijg krijgt krijgen maak
    maakt maken the a an and or of to in on at for with about is are was were be been do does
    did can could should would will what who whom which where when why how i you we they he she
    it my our your me us them this that these those there here please help need want get call
    contact tell know some any anyone someone lot lots very really always seems seem just also
    all does has have had my his her its their from by as so if then than
    """.split()
)

# Everyday words that say little about the topic when a teacher describes what happens
# ("dezelfde", "nooit", "terwijl"): without them, long descriptions are judged by their signals.
STOPWORDS = STOPWORDS | frozenset(
    """
    een twee drie vier vijf zes zeven acht negen tien elf twaalf eerste tweede derde laatste
    dezelfde hetzelfde zelfde ander andere anders elke elk ieder iedere alle allemaal beide
    niks niets nooit altijd vaak soms meestal steeds weer nog alweer inmiddels ondertussen
    terwijl omdat doordat zodat waardoor toen sinds sindsdien tijdens voordat nadat totdat
    alleen ook zelfs wel heel erg best vrij nogal eigenlijk gewoon echt zo zoals net pas
    binnen buiten boven beneden achter voor naast bij rest verder verdere bijna haast amper
    gisteren vandaag morgen vanmorgen vanochtend vanmiddag vanavond week weken dag dagen
    maand maanden jaar jaren keer keren moment momenten tijdje laatst onlangs vorige volgende
    iets wat dingen ding zaak zaken mensen persoon personen jongen meisje
    ga ging gingen gegaan kom kwam kwamen gekomen zeg zegt zei zeiden gezegd vertel vertelt
    vertelde verteld loopt liep lopen doet deed gedaan heeft had gehad geeft gaf gegeven
    probeer probeert probeerde geprobeerd lukt lukte gelukt wil wilde wou blijft bleef
    klopt klopte twijfel twijfelen vinden vond gevonden hoor hoort hoorde zag gezien
    ff efkes effe even snel vraagje kort
    use using used write writing wrote make making made work working should why outside inside
    someone something anything everything thing things way ways best good bad new now today
    often always never still yet again very much many more most really quite also just only
    """.split()
)

# Phrases whose words mean something else on their own: "hoe laat" asks for a time, not about
# being late.
STOP_PHRASES: tuple[str, ...] = (
    "hoe laat", "laat weten", "laat zien", "wat voor", "in plaats van", "what time", "a lot of",
)
_STOP_PHRASE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in STOP_PHRASES) + r")\b")

# Words that name a place or a vehicle by a number ("lokaal 112", "bus 113", "kamer 0800"): the
# number after them is a label, not a hotline or an amount, so it is dropped before matching.
# ("nummer" and "nr" are not among them: "nr 113" is the hotline.)
PLACE_WORDS: tuple[str, ...] = (
    "lokaal", "lokalen", "klaslokaal", "bus", "buslijn", "lijn", "tram", "trein", "kamer",
    "zaal", "gymzaal", "kluis", "kluisje", "locker", "room", "tafel", "spoor", "perron",
    "gebouw", "vleugel", "verdieping", "etage", "gang", "unit", "paviljoen", "noodlokaal",
)
_PLACE_NUMBER_RE = re.compile(r"\b(" + "|".join(PLACE_WORDS) + r") (?:[0-9]+[a-z]?\b ?)+")

# Dutch plurals and forms the stemmer does not bring together.
_IRREGULAR: dict[str, str] = {
    "kinderen": "kind",
    "kinderens": "kind",
    "kids": "kind",
    "leerlingen": "leerling",
    "ouderen": "ouder",
    "jongeren": "jongere",
    "gezinnen": "gezin",
    "steden": "stad",
    "schepen": "schip",
}

_STEMMER = snowballstemmer.stemmer("dutch_porter")


def fold(text: str) -> str:
    """Lowercase, strip accents, drop apostrophes, turn punctuation into single spaces and join
    letter-by-letter abbreviations."""
    if text.isascii():  # most questions and most of the knowledge base: no accents to strip
        stripped = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    lowered = _APOSTROPHE_RE.sub("", stripped.casefold())
    spaced = _NON_WORD_RE.sub(" ", lowered).strip()
    return _LETTER_RUN_RE.sub(lambda m: m.group().replace(" ", ""), spaced)


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    folded = fold(text)
    return folded.split() if folded else []


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Dutch stem of one folded word, with doubled end consonants undone ("gezinn" -> "gezin")."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.isdigit() or len(word) <= 3:
        return word
    stemmed: str = _STEMMER.stemWord(word)
    return _DOUBLED_END_RE.sub(r"\1", stemmed)


def strip_stop_phrases(folded: str) -> str:
    """Remove STOP_PHRASES from folded text."""
    return " ".join(_STOP_PHRASE_RE.sub(" ", folded).split())


def without_place_numbers(folded: str) -> str:
    """Drop the numbers that label a place in folded text ("lokaal 112 b" -> "lokaal b")."""
    return _PLACE_NUMBER_RE.sub(lambda m: f"{m.group(1)} ", folded).strip()


def is_stopword(word: str) -> bool:
    return word in STOPWORDS


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order (stopwords and 1-letter words dropped)."""
    return [stem(w) for w in words(text) if len(w) > 1 and w not in STOPWORDS]
