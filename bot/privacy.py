"""Recognising personal data in a question, so that the bot can remind the user and never keep it.

Two families of rules:

* What has a shape: e-mail addresses, phone numbers, BSN, dates, postcodes and street addresses.
  Digits are read in any script (full-width, Arabic-Indic, ...): the text is first mapped
  character by character to ASCII digits, dashes and spaces, so that every span found in the
  mapped text is the same span in the original.
* Names, from plain-text name lists in `bot/data/names/` (first names of the groups of pupils
  in Dutch schools, common surnames, names that are also ordinary words, and phrases that
  contain a name but are no personal data). A name counts when the lists or its context make it
  likely: a listed first name (with what follows: "Sanne de Vries"), a surname with its
  particle ("de Groot"), a listed surname that is no ordinary word ("Jansen"), any capitalised
  word after a title ("juf Bakker") or a relation word ("mijn leerling Xiomara").

False alarms matter as much as misses: the service reminds users not to type personal data, so
an ordinary question ("bel Veilig Thuis 0800-2000", "op 12 maart is de studiedag") must pass.
Organisation numbers (0800, 0900, 088, 112, 113), years, amounts, dates that are nobody's (no
year and no "geboren"; a deadline, "per 1 januari 2025"; this or last year's date of a meeting
or a study day) and capitalised names of organisations and places are not personal data.

Names that no list knows are found by their place: after a title, a relation word ("moeder
Rosita"), a greeting or a signature, before what describes a person ("Quirinus (7)", "... uit
groep 6", "..., geboren"), joined by "en" to a name, and again wherever a name found once
occurs. Names that are ordinary words ("Roos", "Ben", "Max") need such evidence; the lists say
which, and why.

`measure` gives recall per kind and the false-positive rates on a labelled set
(tests/data/pii-dev.yaml), so that changes to the rules are judged by figures. Everything runs
on each question: about 0.06 ms for a typical question, the lists are read once (5 ms).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

Kind = Literal["telefoon", "e-mail", "bsn", "datum", "postcode", "adres", "naam"]

# Dutch names of the kinds, for messages to users ("De notitie lijkt ... te bevatten").
KIND_NAMES: dict[Kind, str] = {
    "telefoon": "telefoonnummer", "e-mail": "e-mailadres", "bsn": "burgerservicenummer",
    "datum": "datum", "postcode": "postcode", "adres": "adres", "naam": "naam",
}

NAMES_DIR = Path(__file__).resolve().parent / "data" / "names"


@dataclass(frozen=True, slots=True)
class Finding:
    """Personal data of one kind at text[start:end] (offsets in the text as given)."""

    kind: Kind
    start: int
    end: int


# --- normalisation -----------------------------------------------------------------------------

_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


@lru_cache(maxsize=4096)
def _ascii_char(ch: str) -> str:
    """One character mapped to one character: digits of any script to ASCII digits, dashes to
    '-', spaces and invisible marks to ' ', full-width forms to their plain form. Keeping one
    character for one keeps every offset valid in the original text."""
    if ch in _DASHES:
        return "-"
    if ch.isspace() or unicodedata.category(ch) == "Cf":
        return " "
    digit = unicodedata.decimal(ch, None)
    if digit is None:
        digit = unicodedata.digit(ch, None)
    if digit is not None:
        return str(digit)
    plain = unicodedata.normalize("NFKC", ch)
    return plain if len(plain) == 1 else ch


def _normalise(text: str) -> str:
    if text.isascii():  # nearly every question: nothing to map
        return text
    return "".join(ch if ch < "\x80" else _ascii_char(ch) for ch in text)


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """Lowercase without accents, for looking words up in the name lists ("Ayşe" -> "ayse")."""
    lowered = word.casefold().replace("ı", "i").replace("ł", "l").replace("’", "'")
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- the name lists ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Lexicon:
    first: frozenset[str]        # first names, folded
    surnames: frozenset[str]     # whole surnames with particles, folded ("de vries", "jansen")
    surname_heads: frozenset[str]  # their last word ("vries", "jansen")
    words: frozenset[str]        # names that are ordinary words: need more evidence
    common: frozenset[str]       # capitalised ordinary words that never belong to a name
    not_names: frozenset[str]    # phrases with a name that are no personal data, folded


def _read_list(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cache
def _lexicon() -> _Lexicon:
    """The name lists, read once on first use (about 5,000 lines)."""
    first = {_fold(n) for p in sorted(NAMES_DIR.glob("first-*.txt")) for n in _read_list(p)}
    surnames = {" ".join(_fold(w) for w in n.split())
                for n in _read_list(NAMES_DIR / "surnames.txt")}
    return _Lexicon(
        first=frozenset(first),
        surnames=frozenset(surnames),
        surname_heads=frozenset(s.rsplit(" ", 1)[-1] for s in surnames),
        words=frozenset(_fold(w) for w in _read_list(NAMES_DIR / "words.txt")),
        common=frozenset(_fold(w) for w in _read_list(NAMES_DIR / "common-words.txt")),
        not_names=frozenset(" ".join(_fold(w) for w in re.split(r"[\s-]+", n))
                            for n in _read_list(NAMES_DIR / "not-names.txt")),
    )


# --- e-mail --------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Written out to fool spam robots: "sanne at live punt nl", "marcobos apenstaartje outlook nl".
_DOT = r"\s*(?:\.|\(dot\)|\[dot\]|\(punt\)|\bdot\b|\bpunt\b)\s*"
_AT_WORD = re.compile(r"\bat\b|apen?staart|\(a\)", re.IGNORECASE)
_EMAIL_SPOKEN = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:\(at\)|\[at\]|\(a\)|\bat\b|\bapen?staart(?:je)?\b)\s*"
    rf"[\w-]+(?:{_DOT}[\w-]+)*{_DOT}"
    r"(?:nl|com|be|net|org|eu|info|de|fr|uk|ma|tr|pl|ua|io|me|co)\b", re.IGNORECASE)


# --- numbers: phone, BSN -------------------------------------------------------------------------

_GROUP = re.compile(r"[0-9]+")
# What may stand between the digit groups of one number: "06 12 34", "06-1234", "020.123",
# "(020) 123", "+31 (0)6", "06 - 1234".
_LINK = re.compile(r"[ .\-/()]{1,3}")
# Organisation and service numbers, not a person's: free (0800), paid (090x), company (088, 085
# and 084 are virtual numbers mostly used by organisations too).
_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909", "088", "085", "084", "087")
_BSN_WORDS = re.compile(r"\b(?:bsn|burgerservice|burger service|sofi|citizen service|"
                        r"social security)", re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(?:€|eur|euro)\s*$", re.IGNORECASE)


def _bsn_valid(digits: str) -> bool:
    """The 11-proef: only numbers that pass it can be a BSN."""
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def _dutch_phone(national: str) -> bool:
    """A Dutch number written nationally (10 digits, "0" then not "0"), not an organisation's."""
    return (len(national) == 10 and national[0] == "0" and national[1] != "0"
            and not national.startswith(_SERVICE_PREFIXES))


def _number_findings(norm: str) -> list[Finding]:
    """Phone numbers and BSN among the digits of the text.

    Digit groups joined by spaces, dots, dashes, slashes or brackets form one run; a run is read
    from left to right, each time taking the first window of whole groups that is a phone number
    (10 digits, or +31/0031 and 9) or a BSN (9 digits passing the 11-proef; any 8 or 9 digits
    when "BSN" or "burgerservicenummer" is near)."""
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(norm)]
    if not groups:
        return []
    runs: list[list[tuple[int, int]]] = [[groups[0]]]
    for prev, cur in pairwise(groups):
        if _LINK.fullmatch(norm, prev[1], cur[0]):
            runs[-1].append(cur)
        else:
            runs.append([cur])
    bsn_near = [m.start() for m in _BSN_WORDS.finditer(norm)]
    found: list[Finding] = []
    for run in runs:
        if sum(e - s for s, e in run) < 8:
            continue
        pos = 0
        while pos < len(run):
            finding = _phone_at(norm, run, pos) or _bsn_at(norm, run, pos, bsn_near)
            if finding is None:
                pos += 1
                continue
            found.append(finding)
            pos = next(i for i, g in enumerate(run) if g[1] == finding.end) + 1
    return found


def _starts_number(norm: str, start: int) -> bool:
    return start == 0 or not norm[start - 1].isalnum()


def _phone_at(norm: str, run: list[tuple[int, int]], pos: int) -> Finding | None:
    start = run[pos][0]
    if not _starts_number(norm, start):
        return None
    j = start - 1
    while j >= 0 and norm[j] in " (":
        j -= 1
    plus = j >= 0 and norm[j] == "+"
    first = norm[start:run[pos][1]]
    international = plus or first.startswith("00")
    if not plus and start > 0 and norm[start - 1] == "(" and len(first) <= 4 \
            and norm[run[pos][1]:][:1] == ")":
        start -= 1  # "(058) 8251442"
    digits = ""
    best: Finding | None = None
    for k in range(pos, len(run)):
        digits += norm[run[k][0]:run[k][1]]
        end = run[k][1]
        if end < len(norm) and norm[end].isalpha():
            break
        if international:
            number = digits[2:] if not plus else digits  # "0031 6..." -> "316..."
            if number.startswith("31"):
                rest = number[2:]
                national = rest if rest.startswith("0") else "0" + rest
                if _dutch_phone(national):
                    return Finding("telefoon", j if plus else start, end)
                if len(rest) > 10:
                    break
            elif 9 <= len(number) <= 14:
                best = Finding("telefoon", j if plus else start, end)
            elif len(number) > 14:
                break
        else:
            if len(digits) == 10:
                return Finding("telefoon", start, end) if _dutch_phone(digits) else None
            if len(digits) > 10:
                break
    return best


def _bsn_at(norm: str, run: list[tuple[int, int]], pos: int,
            bsn_near: list[int]) -> Finding | None:
    start = run[pos][0]
    if not _starts_number(norm, start) or _MONEY_BEFORE.search(norm, max(0, start - 6), start):
        return None
    digits = ""
    for k in range(pos, min(len(run), pos + 4)):
        digits += norm[run[k][0]:run[k][1]]
        end = run[k][1]
        if len(digits) > 9 or (end < len(norm) and norm[end].isalpha()):
            return None
        near = any(start - 60 <= b <= end + 20 for b in bsn_near)
        # Nine digits in a message that speaks of a BSN anywhere are one: people mistype them.
        if len(digits) == 9 and (bsn_near or _bsn_valid(digits)):
            return Finding("bsn", start, end)
        if len(digits) == 8 and near and k + 1 == len(run):
            return Finding("bsn", start, end)
    return None


# --- dates ---------------------------------------------------------------------------------------

_MONTHS = (r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
           r"december|january|february|march|may|june|july|august|october|"
           r"jan|feb|febr|mrt|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec")
_WEEKDAYS = (r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
             r"monday|tuesday|wednesday|thursday|friday|saturday|sunday")
_YEAR = r"(?:19|20)[0-9]{2}(?![0-9])|['’`][0-9]{2}(?![0-9])"
_WORD_DATE = re.compile(
    rf"(?<![\w-])(?:(?:{_WEEKDAYS})\.?,?\s+)?"
    rf"(?:(?:[12][0-9]|3[01]|0?[1-9])(?:e|ste|de|th|st|nd|rd)?\s*(?:of\s+)?(?:{_MONTHS})\b\.?"
    rf"|(?:{_MONTHS})\b\.?\s+(?:[12][0-9]|3[01]|0?[1-9])(?:th|st|nd|rd)?\b,?)"
    rf"(?P<year>,?\s*(?:{_YEAR}))?", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"(?<![\w-])(?:{_MONTHS})\b\.?\s+(?:{_YEAR})", re.IGNORECASE)
_NUMERIC_DATE = re.compile(
    r"(?<![0-9.,/-])(?:(?:0?[1-9]|[12][0-9]|3[01])([-/.])(?:0?[1-9]|1[0-2])\1"
    r"(?:(?:19|20)[0-9]{2}|['’]?[0-9]{2})"
    r"|(?:19|20)[0-9]{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12][0-9]|3[01]))(?![0-9]|[-/.][0-9])")
_DAY_MONTH = re.compile(r"(?<![0-9.,/-])(?:0?[1-9]|[12][0-9]|3[01])[-/.](?:0?[1-9]|1[0-2])"
                        r"(?![0-9]|[-/.][0-9])")
# A date is personal with a year, or when it is a birth date: "geboren op 3 januari".
_BIRTH = re.compile(r"\b(?:geboren|geb\.|geboortedatum|geboortedag|verjaardag|jarig|"
                    r"overleden|born|birthday|date of birth|dob)\b", re.IGNORECASE)


# "per 1 januari 2025", "voor 1 oktober 2025 aanvragen": a deadline, nobody's personal date.
_DEADLINE_BEFORE = re.compile(r"\b(?:per|vanaf|uiterlijk|voor|vóór|tot|t/m|tot en met|deadline|"
                              r"sinds|before|from|until|by|since)\s+$", re.IGNORECASE)
_TURNS_BEFORE = re.compile(r"\b(?:wordt|turns)\s+(?:op\s+|on\s+)?$", re.IGNORECASE)
_TURNS_AFTER = re.compile(r"\s+[0-9]{1,2}(?![0-9])")


_THIS_YEAR = date.today().year
_YEAR_IN_DATE = re.compile(r"(?:^|[^0-9])((?:19|20)[0-9]{2})(?![0-9])|['’`]?([0-9]{2})$")


def _year(written: str) -> int | None:
    """The year of a written date: "12-03-2015", "2015-03-12", "12 mrt '15", "3-1-16"."""
    m = _YEAR_IN_DATE.search(written.strip().rstrip(".,"))
    if m is None:
        return None
    if m.group(1):
        return int(m.group(1))
    short = int(m.group(2))
    return 2000 + short if 2000 + short <= _THIS_YEAR else 1900 + short


def _date_findings(norm: str) -> list[Finding]:
    births = [m.span() for m in _BIRTH.finditer(norm)]

    def birth_near(start: int, end: int) -> bool:
        if _TURNS_BEFORE.search(norm, max(0, start - 12), start) \
                and _TURNS_AFTER.match(norm, end):
            return True  # "Hiba wordt op 20-6 12": a birthday
        return any(start - 30 <= e <= start or end <= s <= end + 25 for s, e in births)

    def someones(m: re.Match[str], year_text: str | None) -> bool:
        """A date with a year is personal unless it is a deadline ("per 1 januari 2025") or
        this or last year's date of something planned ("het MDO op 14 maart 2026")."""
        if birth_near(*m.span()):
            return True
        year = _year(year_text) if year_text else None
        return year is not None and year < _THIS_YEAR - 1 \
            and not _DEADLINE_BEFORE.search(norm, max(0, m.start() - 20), m.start())

    found = [Finding("datum", *m.span()) for m in _NUMERIC_DATE.finditer(norm)
             if someones(m, m.group())]
    if any(ch.isalpha() for ch in norm):
        found += [Finding("datum", *m.span()) for m in _WORD_DATE.finditer(norm)
                  if someones(m, m.group("year"))]
    if births or "wordt" in norm or "turns" in norm:
        for pattern in (_DAY_MONTH, _MONTH_YEAR):
            found += [Finding("datum", *m.span()) for m in pattern.finditer(norm)
                      if birth_near(*m.span())]
    return found


# --- postcodes and addresses ---------------------------------------------------------------------

_POSTCODE = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{3} ?([A-Za-z]{2})(?![0-9A-Za-z])")
# Letter pairs that Dutch postcodes never have, and pairs that after four digits are more often
# an ordinary word or unit ("2024 EN 2025", "1000 KM", "in 2025 VO"): those need context.
_NO_POSTCODE = frozenset({"SA", "SD", "SS"})
_POSTCODE_DOUBT = frozenset(
    {"EN", "OF", "OP", "IN", "EU", "NL", "KG", "KM", "CM", "MM", "ML", "GB", "MB", "KB", "PK",
     "AM", "PM", "XL", "TV", "PC", "PO", "VO", "SO", "BO", "HO", "WO", "OK", "CO", "HR", "UK"})
_POSTCODE_WORD = re.compile(r"\b(?:postcode|post code|zip|postal code|adres|address|woont|"
                            r"woonachtig|wonen)\b", re.IGNORECASE)
_STREET = (r"straat|laan|weg|plein|gracht|kade|singel|dreef|hof|park|steeg|pad|dijk|markt|ring|"
           r"baan|wal|haven|allee|boulevard|erf|plantsoen|hoeve|burg|dam|zijde|poort|kamp|"
           r"hove|werf|akker|straatje|steiger|lei|weide|gaarde|veld|hout|brink|kwartier|dreef")
# Typed in lower case, only the unmistakable endings: "schoolstraat 98a", not "onderweg 10".
_LOWER_STREET = r"straat|laan|plein|gracht|kade|singel|dreef|dijk|steeg|weg"
# Ordinary words that end like a street.
_NOT_STREETS = frozenset({"onderweg", "halfweg", "snelweg", "omweg", "uitweg", "zijweg",
                          "spoorweg", "kruisweg", "rijweg", "hoofdweg", "tussenweg"})
# "12", "12a", "12 a", "12-3", "12 hs", "134-hs", "7-bis", "20-II", "3-boven".
_HOUSE_NUMBER = (r"[0-9]{1,4}(?:[\s-]?(?:hs|huis|bis|boven|beneden|bg|I{1,3})\b"
                 r"|\s?[a-zA-Z](?![\w])|-[0-9]{1,3})?")
_ADDRESS = re.compile(
    rf"(?<![\w-])(?:(?:[A-Z][\w'’.]*|van|de|der|den|het|'t|ter|ten|op|aan|in)[ \t]+){{0,3}}"
    rf"(?:[A-Z][\w'’-]*(?:{_STREET})|[a-z][\w'’-]*(?:{_LOWER_STREET}))[ \t]+{_HOUSE_NUMBER}"
    rf"|(?<![\w-])(?:Laan|Plein|Park|Hof|Plantsoen|Singel|Weg|Dreef|Kade)\s+"
    rf"(?:van|der|de|den|'t)\s+(?:[A-Z][\w'’-]*\s+){{1,2}}{_HOUSE_NUMBER}")
_ADDRESS_CONTEXT = re.compile(
    r"\b(?:woont|wonen|woonachtig|adres(?: is)?:?|verhuisd naar|address(?: is)?:?|"
    r"lives (?:at|on))\s+(?:(?:aan|op|in|at|on)\s+)?(?:(?:de|het|the)\s+)?"
    rf"(?P<street>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){{0,2}}\s+{_HOUSE_NUMBER})")


_STREET_WORD = re.compile(rf"[a-z]*(?:{_STREET})")


def _trim_address(norm: str, start: int, end: int) -> int:
    """The street name starts at its first capitalised word: "aan de Dorpsstraat 12" keeps
    "Dorpsstraat 12", "Jan van Galenstraat 12" stays whole."""
    words = list(re.finditer(r"\S+", norm[start:end]))
    common = _lexicon().common
    for w in words:
        fold = _fold(w.group())
        if w.group()[0].isupper() and (fold not in common or fold in _PARTICLES
                                       or _STREET_WORD.fullmatch(fold)):
            return start + w.start()
    # all lower case ("dorpsstraat 12"): the word with the street suffix
    return start + words[-2].start() if len(words) >= 2 else start


def _place_findings(norm: str) -> list[Finding]:
    found: list[Finding] = []
    if any(ch.isalpha() for ch in norm):
        for m in _ADDRESS.finditer(norm):
            start = _trim_address(norm, *m.span())
            if _fold(norm[start:m.end()].split()[0]) in _NOT_STREETS:
                continue
            found.append(Finding("adres", start, m.end()))
        for m in _ADDRESS_CONTEXT.finditer(norm):
            found.append(Finding("adres", *m.span("street")))
    addresses = [f.end for f in found]
    for m in _POSTCODE.finditer(norm):
        letters = m.group(1)
        if letters.upper() in _NO_POSTCODE:
            continue
        context = any(0 <= m.start() - e <= 3 for e in addresses) \
            or _POSTCODE_WORD.search(norm, max(0, m.start() - 40), m.start()) is not None
        if (letters.isupper() and (letters not in _POSTCODE_DOUBT or context)) or context:
            found.append(Finding("postcode", *m.span()))
    return found


# --- names ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"['’]t\b|[^\W\d_]+(?:['’`-][^\W\d_]+)*['’`]?", re.UNICODE)
_PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "'t", "el", "al",
                        "von", "da", "di", "du", "le", "la", "bin", "ibn", "abu", "ait", "op",
                        "in", "uit", "d'"})
# Particles that, followed by a capitalised word, are practically always a surname.
_STRONG_PARTICLES = frozenset({("van", "der"), ("van", "den"), ("van", "'t"), ("in", "'t"),
                               ("op", "den"), ("uit", "den"), ("ter",), ("ten",)})
# "El-Amrani", "Al-Hassan", "Ben-Ali": an Arabic surname written with a hyphen.
_ARABIC_SURNAME = re.compile(r"(?:el|al|ben|bou|abu|ait|ould)-[^\W\d_]{3,}", re.IGNORECASE)
# Words after which any capitalised word (and a listed name in lower case) is a name: titles,
# and "familie"/"gezin" before a surname ("de familie Storm", "het gezin Statia").
_ABBREVIATED_TITLES = frozenset({"mw", "mevr", "dhr", "hr", "mr", "mrs", "ms", "dr", "drs", "ir",
                                 "prof", "fam"})
_TITLES = frozenset({"meester", "meneer", "mevrouw", "juf", "juffrouw", "mw", "mevr", "dhr",
                     "hr", "mr", "mrs", "ms", "miss", "mister", "dr", "drs", "ir", "prof",
                     "heer", "mejuffrouw", "zuster", "broeder", "dokter", "tante", "oom",
                     "familie", "fam", "gezin"})
# Relation words: a capitalised word right after one is a name ("moeder Rosita", "mijn
# leerling Xiomara"), and so is a listed first name in lower case ("mijn leerling sanne").
_RELATIONS = frozenset(
    """leerling leerlinge leerlingetje zoon zoontje dochter dochtertje kind kindje broer zus
    broertje zusje moeder vader mama papa mams paps mem heit oma opa neef nicht neefje nichtje
    stiefvader stiefmoeder pleegkind pleegmoeder pleegvader pleegzoon pleegdochter buurman
    buurvrouw buurjongen buurmeisje vriend vriendin vriendje vriendinnetje klasgenoot
    klasgenote jongen jongetje meisje meid kleuter peuter pupil student cliënt client ouder
    collega docent leraar lerares mentor stagiair stagiaire directeur conciërge
    kinderen leerlingen broers zussen man vrouw partner
    son daughter boy girl child kid mother father mum mom dad brother sister
    colleague""".split())
# Relations whose "van" leads to a person: "de moeder van Kimberley" (but "de directeur van
# Arcade" and "de collega van het wijkteam" lead to an organisation).
_FAMILY = frozenset(
    """leerling leerlinge zoon zoontje dochter dochtertje kind kindje broer zus broertje zusje
    moeder vader mama papa mem heit oma opa neef nicht neefje nichtje stiefvader stiefmoeder
    pleegkind
    pleegmoeder pleegvader pleegzoon pleegdochter vriend vriendin vriendje vriendinnetje
    klasgenoot klasgenote ouder ouders man vrouw partner son daughter mother father brother
    sister""".split())
_NAME_INTRO = frozenset({"genaamd", "heet", "named", "called"})
_BEFORE_NAME = _NAME_INTRO | {"die", "is", "van", "of"}  # "de moeder van", "zoon die heet"
# "ik ben Ghada van de peuteropvang", "mijn naam is ...", "dit is ...", "I'm ..."
_SELF_INTRO = frozenset({("ik", "ben"), ("ik", "heet"), ("naam", "is"), ("dit", "is"),
                         ("i", "am"), ("name", "is"), ("this", "is"), ("hier", "is")})
# "Khaled van leerplicht", "Edsel Rosaria van Jeugdbescherming": a person and their work.
_WORKPLACES = frozenset(
    """leerplicht wijkteam buurtteam jeugdbescherming jeugdzorg ggd cjg jgz bso peuteropvang
    kinderopvang opvang halt politie voedselbank leergeld mee smw
    samenwerkingsverband swv consultatiebureau huisarts veilig
    schoolmaatschappelijk jeugdhulp kinderbescherming ib""".split())
# Word endings of roles and professions: "Jeugdarts van de GGD" is no name.
_ROLE_ENDING = re.compile(r"(?:ster|arts|kundige|ambtenaar|functionaris|coach|ator|eur|ent|"
                          r"ant|ist|ige|ing|heid|team|werker|kracht|ouder|lid|hoofd|leider|"
                          r"geleider|houder|wachter|maker|agent|voogd|docent|leraar)$")
_DETERMINERS = frozenset({"mijn", "onze", "haar", "zijn", "een", "de", "die", "dat", "deze",
                          "jouw", "hun", "my", "our", "the", "a", "his", "her", "their", "your",
                          "this"})
# Words before a first name that make it the name of a school, a saint, a royal or a building:
# "OBS Willem Alexander", "Sint Maarten", "prinses Amalia".
_NOT_PERSON_BEFORE = frozenset({"sint", "st", "prins", "prinses", "koning", "koningin", "obs",
                                "cbs", "pcbs", "rkbs", "ikc", "basisschool", "school", "sbo",
                                "kindcentrum", "stichting", "fonds", "keizer", "paus", "saint",
                                "heilige", "profeet", "prophet", "apostel"})
_SCHOOL_WORDS = ("school", "college", "lyceum", "ikc", "kindcentrum", "obs", "cbs", "sbo")
# Suffixes after a name that make it the name of an organisation or a building.
_ORGANISATION_SUFFIX = re.compile(
    r"(?:school|college|lyceum|ziekenhuis|kliniek|centrum|huis|fonds|stichting|academie|"
    r"instituut|straat|laan|weg|plein|park|hof|kade|gracht|singel|dreef|foundation|"
    r"medisch|mc|umc|brug|toren|museum|zaal|kerk|moskee)$", re.IGNORECASE)
_MONTH_WORDS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt",
                          "oct", "nov", "dec", "mei"})
# Surnames that are verbs or adverbs in lower case: "sanne laat", "jan boven".
_VERBISH = frozenset({"laat", "vrij", "hoog", "boven", "hoeven", "goede", "zoet", "vlot",
                      "vrolijk", "vroom", "lange", "klein", "groot", "wit", "zwart", "groen",
                      "jong", "jonge", "wilde", "es", "os", "man", "have", "haar", "ven"})
# Word-names that are nouns: after "mijn leerling" or "onze dochter" they are the child's name.
_NOUN_NAMES = frozenset({"roos", "merel", "max", "floor", "lot", "jack", "mark", "roman",
                         "ward", "iris", "fleur", "amber", "jade", "storm", "sky", "rose",
                         "grace", "hope", "joy", "piet", "job", "beer"})
# Word-names that even a relation word does not make a name ("mijn zoon ben ik kwijt").
_NEVER_LOWER = frozenset({"ben", "dan", "wil", "can", "will", "may", "mate", "age", "said",
                          "lieve", "kick", "joke", "lies", "harm", "elke", "belle"})


# A capitalised word followed by one of these is a person: "Baukje (7)", "Noor Bakker, groep 1",
# "Baukje Sikkema is geboren op", "Esther hier, IB van ...", "Çelik (opa van Zeynep)".
_PERSON_AFTER = re.compile(
    r"[ \t]*(?:\([ \t]*[0-9]{1,2}[ \t]*(?:jaar|jr\.?)?[ \t]*\)"
    r"|(?:[ \t]*[,(][ \t]*|[ \t]+uit[ \t]+)(?:groep|gr\.)[ \t]*[0-9]"
    r"|[,(]?[ \t]*(?:is[ \t]+)?(?:geboren|geb\b)"
    r"|,[ \t]*[0-9]{1,2}[ \t]+jaar\b"
    r"|[ \t]+uit[ \t]+(?:mijn|mn|m'n|de|onze|jouw)[ \t]+(?:klas|groep)\b"
    r"|[ \t]+in[ \t]+(?:mijn|mn|m'n|onze)[ \t]+(?:klas|groep)\b"
    r"|[ \t]+zit[ \t]+(?:in|bij)[ \t]+(?:groep|de klas|mijn klas)"
    r"|[ \t]+hier[ \t]*,"
    r"|[ \t]+(?:zijn|z'n|zn|haar|d'r)[ \t]+(?:vader|moeder|ouders|broer|zus|opa|oma|papa|mama)\b"
    r"|[ \t]*[,(][ \t]*bsn\b"
    r"|[ \t]*[,(][ \t]*(?:de[ \t]+|mijn[ \t]+)?(?:opa|oma|vader|moeder|oom|tante|broer|zus|"
    r"voogd|stiefvader|stiefmoeder|pleegmoeder|pleegvader|zoon|dochter)\b"
    r"|[ \t]*[,(][ \t]*(?:tel\.?[ \t]*|telefoon[ \t]*)?(?:\+|0)[0-9]"
    r"|[ \t]*[,(][ \t]*[0-9]{1,2}"
    r"(?:[-/.][0-9]{1,2}[-/.][0-9]{2,4}|[ \t]+[a-z]{3,9}[ \t]+[0-9]{4}))", re.IGNORECASE)
# "het dossier van Emir", "de gegevens van Elif Yılmaz", "de voogdij over Senait": whose.
# Not "het nummer van" or "het adres van": organisations have those too ("van Sensoor").
_OF_PERSON = frozenset(
    """dossier bsn bsn's gegevens ouders ouder voogd voogdij verjaardag mentor klasgenoten
    vriendjes familie gezin opa oma thuissituatie leerlingdossier aanmelding inschrijving
    """.split())
# Greetings and signatures: "Beste Helen,", "Hoi Emine!", "Groet, Samer".
_GREETINGS = frozenset({"beste", "hoi", "hallo", "hi", "hey", "hoihoi", "dag", "lieve",
                        "geachte", "dear", "goedemorgen", "goedemiddag", "hello"})
_SIGN_OFFS = frozenset({"groet", "groetjes", "gr", "mvg", "groeten", "regards", "liefs",
                        "vriendelijke", "bedankt", "dankjewel", "thanks"})
_SIGN_OFF_GAP = re.compile(r"[ \t]*[,.!]?[ \t]*\n?[ \t]*")
_HEADER_GAP = re.compile(r"[ \t]*:[ \t]*")
_HEADERS = frozenset({"naam", "name", "van", "aan", "from", "to", "cc", "leerling", "kind",
                      "contact", "contactpersoon", "ouder", "ouders", "onderwerp", "betreft"})
# Endings of Dutch nouns, verbs and adjectives: a capitalised word with one is rarely a name
# nobody listed ("Rekenen (groep 5)", "Begeleiding", "Gezondheid").
_WORD_ENDING = re.compile(r"(?:en|ing|heid|tie|isme|schap|lijk|baar|isch|ische|ief|ieve|"
                          r"atie|teit|uur|ogen|ers|tje|ger|aar)$")


# The place after a postcode: "9593 CG Gouda".
_AFTER_POSTCODE = re.compile(r"[0-9]{4}[ \t]?[A-Za-z]{2}[ \t,]+$")


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    fold: str          # folded, possessive removed
    cap: bool          # starts with a capital and is not an acronym
    lower: bool        # all lower case
    sentence_start: bool
    joined: bool       # only spaces between this token and the previous one
    possessive: bool
    name_end: int      # where the name ends: before "'s" in "Sanne's"
    gap: str           # the text between the previous token and this one
    acronym_part: bool  # "BSO-medewerker", "IB'er": a part in capitals
    glued: bool        # touching digits, "_", "/", "." or "@": part of a file name or address


_GLUE = frozenset("0123456789_/@\\=#")
_LIST_GAP = re.compile(r"[ \t]*[,:(][ \t]*")
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”\[\]•*>/|]|^\s*-\s")
_NAME_PART_GAP = re.compile(r"[ \t]{1,2}")


def _tokens(norm: str, lexicon: _Lexicon) -> list[_Token]:
    out: list[_Token] = []
    prev_end = 0
    for m in _TOKEN.finditer(norm):
        text = m.group()
        gap = norm[prev_end:m.start()]
        base, possessive = text, False
        if text[-1] in "'’`":
            base, possessive = text[:-1], True
        elif len(text) > 3 and text[-2] in "'’`" and text[-1] in "sS":
            base, possessive = text[:-2], True
        name_end = m.start() + len(base)
        fold = _fold(base)
        if not possessive and len(fold) > 3 and fold[-1] == "s" and fold not in lexicon.first \
                and fold[:-1] in lexicon.first and fold not in lexicon.words \
                and fold[:-1] not in lexicon.words and fold not in lexicon.surname_heads:
            fold, possessive = fold[:-1], True  # "Sannes moeder", "Ahmeds broer"
            name_end -= 1
        letters = base.replace("-", "").replace("'", "").replace("’", "")
        cap = base[:1].isupper() and not (len(letters) > 1 and letters.isupper())
        parts = re.split(r"[-'’]", base)
        acronym_part = len(parts) > 1 and any(len(x) > 1 and x.isupper() for x in parts)
        before = norm[m.start() - 1] if m.start() else " "
        after = norm[m.end()] if m.end() < len(norm) else " "
        glued = before in _GLUE or after in _GLUE or (after == "." and m.end() + 1 < len(norm)
                                                      and norm[m.end() + 1].isalnum())
        out.append(_Token(m.start(), m.end(), text, fold, cap, text.islower(),
                          not out or bool(_SENTENCE_END.search(gap)),
                          bool(out) and _NAME_PART_GAP.fullmatch(gap) is not None, possessive,
                          name_end, gap, acronym_part, glued))
        prev_end = m.end()
    return out


def _is_first_name(tok: _Token, first: frozenset[str]) -> bool:
    """A listed first name; a double name when every part is one, or when the first part is one
    and the others are capitalised words ("Anne-Marie", "Jan-Willem", not "LEA-overleg")."""
    if tok.fold in first:
        return True
    parts = tok.fold.split("-")
    if len(parts) < 2 or parts[0] not in first or not all(parts):
        return False
    written = tok.text.split("-")
    return all(p in first for p in parts) or (
        len(written) == len(parts) and written[0][1:].islower()
        and all(w[:1].isupper() and w[1:].islower() for w in written[1:]))


def _unknown_cap(tok: _Token, lexicon: _Lexicon) -> bool:
    """A capitalised word that may be a name nobody listed: no ordinary word of the lists."""
    return tok.cap and len(tok.fold) > 1 and tok.fold not in lexicon.common \
        and tok.fold not in _PARTICLES and tok.fold not in _TITLES \
        and tok.fold not in _RELATIONS and not tok.acronym_part


def _plausible_name(tok: _Token, lexicon: _Lexicon) -> bool:
    """A capitalised word that no list knows but whose place says it is a person's: it must
    not look like an ordinary word, a role or a profession."""
    return _unknown_cap(tok, lexicon) and len(tok.fold) > 2 and tok.fold not in lexicon.words \
        and not _ROLE_ENDING.search(tok.fold) and not _WORD_ENDING.search(tok.fold)


def _surname_at(tokens: list[_Token], i: int, lexicon: _Lexicon,
                lenient: bool, words_ok: bool = True) -> int | None:
    """The index of the last token of a surname starting at token i ("de Vries", "van der
    Berg", "Jansen"), or None. `lenient` (after a first name or title) also takes an unknown
    capitalised word and a listed surname in lower case ("sanne de vries"); `words_ok` allows
    a lower-case surname that is an ordinary word ("anouk bos", but not "meester laat")."""
    j = i
    while j < len(tokens) and tokens[j].fold in _PARTICLES and j - i < 3 \
            and (j == i or tokens[j].joined) and not tokens[j].possessive:
        j += 1
    if j >= len(tokens) or (j > i and not tokens[j].joined):
        return None
    head = tokens[j]
    particles = tuple(t.fold for t in tokens[i:j])
    known = any(" ".join((*particles[k:], head.fold)) in lexicon.surnames
                for k in range(len(particles)))
    if particles == ("van",) and not known and head.fold in lexicon.first:
        return None  # "het gezin van Szymon": a preposition before a first name
    if head.cap and head.fold not in lexicon.common:
        if not particles:
            if head.fold in lexicon.surname_heads and head.fold not in lexicon.words:
                return j  # "Jansen", "Yilmaz": listed surnames that are no ordinary word
            if _ARABIC_SURNAME.fullmatch(head.fold):
                return j  # "Al-Hassan"
        elif known or particles in _STRONG_PARTICLES or particles[-2:] in _STRONG_PARTICLES:
            return j  # "de Groot", "van Dijk", "van der Zwaluw"
        elif particles[-1] in ("el", "al") and tokens[j - 1].cap:
            return j  # "El Amrani", "Al Khatib"
        if lenient and (not particles or particles[-1] not in ("op", "in", "uit", "te")):
            return j
        return None
    if lenient and head.lower and (known or (
            not particles and head.fold in lexicon.surname_heads
            and head.fold not in lexicon.common and head.fold not in _VERBISH
            and (words_ok or head.fold not in lexicon.words))):
        return j  # "sanne jansen", "anouk bos", "juf de vries"; not "meester laat kinderen"
    return None


def _name_end(tokens: list[_Token], i: int, lexicon: _Lexicon) -> int:
    """The last token of a full name whose first word is token i: surnames, second names and
    double surnames that follow ("Sanne de Vries", "Mohamed Ali Hassan", "Jansen-de Vries")."""
    end = i
    while end + 1 < len(tokens) and end - i < 5 and not tokens[end].possessive:
        nxt = tokens[end + 1]
        if not nxt.joined:
            break
        if nxt.cap and _is_first_name(nxt, lexicon.first) and nxt.fold not in lexicon.common:
            end += 1
            continue
        # after a surname, "van" before a capitalised word is a workplace: "Bassam Al-Hassan
        # van Bureau Halt"
        lenient = end == i or nxt.fold != "van"
        last = _surname_at(tokens, end + 1, lexicon, lenient=lenient)
        if last is None:
            break
        end = last
    return end


def _phrase(norm: str, tokens: list[_Token], a: int, b: int) -> str:
    return " ".join(re.split(r"[\s-]+", _fold(norm[tokens[a].start:tokens[b].name_end])))


def _excluded(norm: str, tokens: list[_Token], i: int, end: int, lexicon: _Lexicon) -> bool:
    """A name that is part of an organisation, a building, a saint or a public figure."""
    before = [t.fold.rstrip(".") for t in tokens[max(0, i - 2):i]]
    if tokens[i].joined and before and (
            before[-1] in _NOT_PERSON_BEFORE or before[-1].endswith(_SCHOOL_WORDS)
            or (len(before) == 2 and before[-1] in ("de", "het", "'t")
                and before[0].endswith(_SCHOOL_WORDS))):
        return True  # "Sint Maarten", "OBS Willem Alexander", "Voorbeeldschool De Linde"
    last = tokens[end]
    suffix = _ORGANISATION_SUFFIX.search(last.fold)
    if suffix and end > i and not last.possessive and last.fold not in lexicon.surname_heads \
            and len(last.fold) > len(suffix.group()) + 1:
        return True  # "Anne Frankschool", "Jan van Galenstraat"
    if end + 1 < len(tokens) and tokens[end + 1].joined and tokens[end + 1].cap \
            and _ORGANISATION_SUFFIX.search(tokens[end + 1].fold):
        return True  # "Jeroen Bosch Ziekenhuis", "Emma Kinderziekenhuis"
    phrase = _phrase(norm, tokens, i, end)
    if phrase in lexicon.not_names or any(phrase.startswith(n + " ") for n in (
            " ".join(phrase.split()[:k]) for k in (1, 2, 3)) if n in lexicon.not_names):
        return True  # "Harry Potter-serie"
    for k in range(i + 1, end + 1):  # "van Den Bosch": a particle before a listed place
        if tokens[k].cap and all(t.fold in _PARTICLES for t in tokens[i:k]) \
                and _phrase(norm, tokens, k, end) in lexicon.not_names:
            return True
    # a name inside a listed phrase: "Piet" in "Zwarte Piet", "Anne" in "Anne Frank Huis"
    for a in range(max(0, i - 2), i + 1):
        for b in range(end, min(len(tokens), end + 5)):
            if (a, b) != (i, end) and all(tokens[k].joined for k in range(a + 1, b + 1)) \
                    and _phrase(norm, tokens, a, b) in lexicon.not_names:
                return True
    return False


def _name_findings(norm: str) -> list[Finding]:
    lexicon = _lexicon()
    tokens = _tokens(norm, lexicon)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        span = _name_from(norm, tokens, i, lexicon)
        if span is None:
            i += 1
            continue
        if not tokens[span[0]].glued and not _excluded(norm, tokens, *span, lexicon):
            if spans and span[0] <= spans[-1][1]:  # reaching back into the previous name
                span = (spans.pop()[0], max(span[1], i))
            spans.append(span)
        i = max(span[1], i) + 1
    spans = _coordinated(norm, tokens, spans, lexicon)
    if spans:
        # A word once found as (part of) a name is a name elsewhere in the text too:
        # "Jurensley Maduro ... (Jurensley zit in groep 4)".
        seen = {tokens[k].fold for a, b in spans for k in range(a, b + 1)
                if tokens[k].cap and len(tokens[k].fold) > 2 and _unknown_cap(tokens[k], lexicon)
                and tokens[k].fold not in lexicon.words}
        taken = {k for a, b in spans for k in range(a, b + 1)}
        spans += [(k, k) for k, tok in enumerate(tokens)
                  if k not in taken and tok.cap and tok.fold in seen]
    return [Finding("naam", tokens[a].start, tokens[b].name_end) for a, b in spans]


def _coordinated(norm: str, tokens: list[_Token], spans: list[tuple[int, int]],
                 lexicon: _Lexicon) -> list[tuple[int, int]]:
    """Names joined by "en" to a name: "De kinderen Luuk en Maja", "Yonas en Selam Tesfay"."""
    taken = {k for a, b in spans for k in range(a, b + 1)}
    todo = list(spans)
    out = list(spans)
    while todo:
        a, b = todo.pop()
        for k, other in ((b + 2, b + 1), (a - 2, a - 1)):
            if 0 <= k < len(tokens) and k not in taken and tokens[other].fold == "en" \
                    and tokens[other].joined and tokens[max(k, other)].joined \
                    and _plausible_name(tokens[k], lexicon):
                span = (k, _name_end(tokens, k, lexicon) if k > b else k)
                if _excluded(norm, tokens, *span, lexicon):
                    continue
                out.append(span)
                todo.append(span)
                taken.update(range(span[0], span[1] + 1))
    return out


def _name_from(norm: str, tokens: list[_Token], i: int,
               lexicon: _Lexicon) -> tuple[int, int] | None:
    """The first and last token of a name that token i starts or introduces, or None."""
    tok = tokens[i]
    fold = tok.fold.rstrip(".")
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    # initials: "S. van Dijk", "J.P. de Vries", "W. Kok"
    if len(tok.text) == 1 and tok.text.isupper() and nxt is not None \
            and norm[tok.end:nxt.start].strip() == ".":
        j = i + 1
        while j + 1 < len(tokens) and len(tokens[j].text) == 1 and tokens[j].text.isupper() \
                and norm[tokens[j].end:tokens[j + 1].start].strip() == ".":
            j += 1
        last = _surname_at(tokens, j, lexicon, lenient=True) if tokens[j].joined \
            or tokens[j].gap.strip() == "." else None
        if last is not None and (tokens[last].cap or tokens[j].fold in _PARTICLES):
            return i, last
    # a title: "juf Bakker", "meneer de Vries", "mw. Jansen", "juf sanne", "familie Storm"
    if fold in _TITLES and nxt is not None and not tok.possessive \
            and (nxt.joined or (fold in _ABBREVIATED_TITLES
                                and norm[tok.end:nxt.start].strip() == ".")):
        if nxt.cap and nxt.fold in lexicon.common:
            return None
        if nxt.cap or _lower_name(nxt, lexicon, strict=False):
            last = _surname_at(tokens, i + 1, lexicon, lenient=True)
            return i + 1, max(_name_end(tokens, i + 1, lexicon),
                              last if last is not None else i + 1)
        last = _surname_at(tokens, i + 1, lexicon, lenient=True, words_ok=False)
        if last is not None and nxt.lower:
            return i + 1, last  # "meneer de vries", "juf jansen"
    # a relation word: "moeder Rosita Jagesar", "een meisje genaamd Sanne", "de moeder van X"
    if fold in _RELATIONS and nxt is not None and not tok.possessive \
            and not (tok.cap and not tok.sentence_start):  # "Child Focus", "Vader Jacob"
        j = i + 1
        while j < len(tokens) and tokens[j].fold in _BEFORE_NAME and j - i <= 3:
            j += 1
        if j < len(tokens) and (tokens[j].joined or _LIST_GAP.fullmatch(tokens[j].gap)):
            cand = tokens[j]
            named = any(t.fold in _NAME_INTRO for t in tokens[i + 1:j])
            via_van = any(t.fold == "van" for t in tokens[i + 1:j])
            if via_van and fold not in _FAMILY:
                return None  # "de directeur van Arcade": a school, not a person
            determined = i > 0 and tokens[i - 1].fold in _DETERMINERS
            if _unknown_cap(cand, lexicon) and (
                    not via_van or cand.fold in lexicon.first or determined
                    or _plausible_name(cand, lexicon)
                    or _surname_at(tokens, j, lexicon, False) is not None):
                return j, _name_end(tokens, j, lexicon)
            owned = i > 0 and cand.fold in _NOUN_NAMES \
                and tokens[i - 1].fold in ("mijn", "onze", "haar", "zijn", "jouw", "hun")
            if cand.lower and _lower_name(cand, lexicon, strict=not (named or owned)):
                return j, _name_end(tokens, j, lexicon)
    # introducing oneself: "ik ben Ghada van de peuteropvang", "mijn naam is ..."
    if nxt is not None and i > 0 and (tokens[i - 1].fold, fold) in _SELF_INTRO \
            and nxt.joined and (_plausible_name(nxt, lexicon)
                                or (nxt.cap and _is_first_name(nxt, lexicon.first))):
        return i + 1, _name_end(tokens, i + 1, lexicon)
    # headers, greetings and signatures: "Naam: gijs prins", "Van: Esther", "Beste Helen,",
    # "Groet, Samer"
    if nxt is not None and (
            (fold in _HEADERS and _HEADER_GAP.fullmatch(nxt.gap))
            or (fold in _GREETINGS and nxt.joined)
            or (fold in _SIGN_OFFS and _SIGN_OFF_GAP.fullmatch(nxt.gap))):
        if _plausible_name(nxt, lexicon) or (nxt.cap and _is_first_name(nxt, lexicon.first)):
            return i + 1, _name_end(tokens, i + 1, lexicon)
        if fold in ("naam", "name") and nxt.lower and (
                _lower_name(nxt, lexicon, strict=False) or nxt.fold in lexicon.surname_heads):
            end = i + 1  # "naam: gijs prins": everything on the line is the name
            while end + 1 < len(tokens) and end - i < 4 and tokens[end + 1].joined and (
                    tokens[end + 1].fold in _PARTICLES
                    or tokens[end + 1].fold not in lexicon.common):
                end += 1
            return i + 1, end
    # a signature: the last line holds only a name ("...\n\nEldrida")
    if _plausible_name(tok, lexicon) and "\n" in tok.gap and i >= len(tokens) - 2 \
            and (nxt is None or (nxt.joined and nxt.cap)) \
            and not norm[tokens[-1].end:].strip(" \t.!\n"):
        return i, len(tokens) - 1
    # whose: "het dossier van Emir", "de voogdij over Senait"
    if fold in ("van", "over") and i > 0 and tokens[i - 1].fold in _OF_PERSON and nxt is not None \
            and nxt.joined and tok.joined and (_plausible_name(nxt, lexicon)
                                               or _lower_name(nxt, lexicon, strict=True)):
        return i + 1, _name_end(tokens, i + 1, lexicon)
    # a person by what follows: "Baukje Sikkema is geboren", "Noor (7)", "Esther hier,"
    if _plausible_name(tok, lexicon) and not _AFTER_POSTCODE.search(
            norm, max(0, tok.start - 12), tok.start):
        end = _name_end(tokens, i, lexicon)
        if _PERSON_AFTER.match(norm, tokens[end].end):
            return i, end
        if tokens[end].possessive and end + 1 < len(tokens) \
                and tokens[end + 1].fold in _FAMILY:
            return i, end  # "Anjali's moeder"
    # a listed first name, capitalised: "Sanne", "Sanne de Vries", "Sanne's moeder"
    if tok.cap and _is_first_name(tok, lexicon.first) and fold not in lexicon.common:
        end = _name_end(tokens, i, lexicon)
        if fold in lexicon.words and end == i:
            if tok.sentence_start:
                return None  # "Ben ik verplicht ...", "Max 3 dagen"
            prev = tokens[i - 1]
            if tok.joined and prev.cap and not _is_first_name(prev, lexicon.first):
                return None  # a title in capitals: "the Dutch Golden Age"
            if tok.joined and prev.fold in ("een", "de", "het", "the", "a", "an", "die", "deze"):
                return None  # a noun after all: "een Piet die van het dak viel"
        return i, end
    # a listed first name typed in lower case: "sanne is vaak te laat", "sannes moeder"
    if tok.lower and _lower_name(tok, lexicon, strict=True):
        if fold in _MONTH_WORDS and i > 0 and tok.gap.strip() == "" \
                and norm[max(0, tok.start - 3):tok.start].strip().isdigit():
            return None
        return i, _name_end(tokens, i, lexicon)
    # a surname with its particle, or a listed surname: "de Groot", "van der Berg", "Yilmaz"
    if (fold in _PARTICLES and not (tok.lower and nxt is not None and nxt.cap
                                    and nxt.fold in _PARTICLES)) or tok.cap:
        # ("het portret van Van der Star": the name starts at "Van")
        last = _surname_at(tokens, i, lexicon, lenient=False)
        if last is not None:
            # an unknown capitalised word right before is the first name ("Xiomara de Vries")
            if i > 0 and tok.joined and _plausible_name(tokens[i - 1], lexicon) \
                    and not tokens[i - 1].possessive:
                return i - 1, last
            return i, last
    # a person and their work: "Khaled van leerplicht", "Edsel Rosaria van Jeugdbescherming"
    if _plausible_name(tok, lexicon):
        end = i + 1 if nxt is not None and nxt.joined and _unknown_cap(nxt, lexicon) else i
        rest = tokens[end + 1:end + 4]
        if rest and rest[0].fold == "van" and rest[0].joined:
            place = rest[2] if len(rest) > 2 and rest[1].fold in ("de", "het") else \
                rest[1] if len(rest) > 1 else None
            if place is not None and place.fold in _WORKPLACES:
                return i, end
    return None


def _lower_name(tok: _Token, lexicon: _Lexicon, strict: bool) -> bool:
    """A first name typed in lower case. `strict` (no context) also refuses names that are
    ordinary words and very short names."""
    fold = tok.fold
    if not _is_first_name(tok, lexicon.first) or fold in lexicon.common:
        return False
    if strict:
        return len(fold) >= 3 and fold not in lexicon.words \
            and fold.split("-")[0] not in lexicon.words
    return fold not in _NEVER_LOWER


# --- putting it together -------------------------------------------------------------------------

# When findings overlap, the longer wins; on equal length the first kind in this order.
_PRIORITY: dict[Kind, int] = {"e-mail": 0, "telefoon": 1, "bsn": 2, "adres": 3, "postcode": 4,
                              "datum": 5, "naam": 6}


def find_personal_data(text: str) -> list[Finding]:
    """Places in `text` that look like personal data, in order, without overlaps."""
    if not text:
        return []
    norm = _normalise(text)
    candidates = [Finding("e-mail", *m.span()) for m in _EMAIL.finditer(norm)] \
        if "@" in norm else []
    if _AT_WORD.search(norm):
        candidates += [Finding("e-mail", *m.span()) for m in _EMAIL_SPOKEN.finditer(norm)]
    if any(ch.isdigit() for ch in norm):
        candidates += _number_findings(norm)
        candidates += _date_findings(norm)
        candidates += _place_findings(norm)
    elif _BIRTH.search(norm):
        candidates += _date_findings(norm)
    candidates += _name_findings(norm)
    chosen: list[Finding] = []
    for f in sorted(candidates, key=lambda f: (f.start - f.end, _PRIORITY[f.kind], f.start)):
        if not any(c.start < f.end and f.start < c.end for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def personal_data_kinds(text: str) -> list[str]:
    """The Dutch names of the kinds of personal data in `text`, each once, in order of first
    appearance: for a message that refuses a text and says why ("naam, telefoonnummer")."""
    return list(dict.fromkeys(KIND_NAMES[f.kind] for f in find_personal_data(text)))


def redact(text: str) -> str:
    """`text` with every finding replaced by its kind in brackets, e.g. "[telefoon]".

    Repeated until nothing more is found: some rules look at what is near ("BSN" before a
    number, "geboren" before a date), and a redacted name can bring them closer. So the result
    is a fixed point: redacting it again changes nothing."""
    for _ in range(4):
        findings = find_personal_data(text)
        if not findings:
            break
        out, last = [], 0
        for finding in findings:
            out.append(text[last:finding.start])
            out.append(f"[{finding.kind}]")
            last = finding.end
        out.append(text[last:])
        text = "".join(out)
    return text


# --- measuring -----------------------------------------------------------------------------------

_KIND_ALIASES: dict[str, Kind] = {
    "telefoon": "telefoon", "telefoonnummer": "telefoon", "phone": "telefoon", "tel": "telefoon",
    "e-mail": "e-mail", "email": "e-mail", "e-mailadres": "e-mail", "mail": "e-mail",
    "bsn": "bsn", "burgerservicenummer": "bsn", "datum": "datum", "date": "datum",
    "geboortedatum": "datum", "postcode": "postcode", "zip": "postcode", "adres": "adres",
    "address": "adres", "naam": "naam", "name": "naam",
}


def _label_kind(kind: str) -> str:
    return _KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())


def _value_spans(text: str, value: str) -> list[tuple[int, int]]:
    """Every place of a labelled value in its text (exact first, then ignoring case)."""
    for haystack, needle in ((text, value), (text.casefold(), value.casefold())):
        spans, at = [], haystack.find(needle)
        while needle and at >= 0:
            spans.append((at, at + len(needle)))
            at = haystack.find(needle, at + 1)
        if spans and len(haystack) == len(text):
            return spans
    return []


def measure(items: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Recall per kind and false-positive rates on a labelled set.

    `items` are `{text, pii: [{kind, value}]}`. A labelled value counts as found when findings
    (of any kind: redaction removes it all the same) cover every character of it, at every place
    it occurs. Returns `recall_<kind>` and `n_<kind>` per kind, `recall` over all values,
    `fp_items` (share of items without personal data that get a finding) and `fp_words` (share
    of words outside labelled values that a finding covers)."""
    hits: dict[str, int] = {}
    totals: dict[str, int] = {}
    clean_items = clean_flagged = 0
    words = flagged_words = 0
    for item in items:
        text = str(item.get("text", ""))
        labels: Sequence[Mapping[str, Any]] = item.get("pii") or []
        findings = find_personal_data(text)
        covered = bytearray(len(text) + 1)
        for f in findings:
            covered[f.start:f.end] = b"\x01" * (f.end - f.start)
        labelled = bytearray(len(text) + 1)
        for label in labels:
            kind = _label_kind(str(label.get("kind", "")))
            spans = _value_spans(text, str(label.get("value", "")))
            totals[kind] = totals.get(kind, 0) + 1
            if spans and all(all(covered[s:e]) for s, e in spans):
                hits[kind] = hits.get(kind, 0) + 1
            for s, e in spans:
                labelled[s:e] = b"\x01" * (e - s)
        if not labels:
            clean_items += 1
            clean_flagged += bool(findings)
        for m in re.finditer(r"\S+", text):
            if not any(labelled[m.start():m.end()]):
                words += 1
                flagged_words += any(covered[m.start():m.end()])
    result: dict[str, float] = {}
    for kind in sorted(totals):
        result[f"recall_{kind}"] = hits.get(kind, 0) / totals[kind]
        result[f"n_{kind}"] = float(totals[kind])
    all_values = sum(totals.values())
    result["recall"] = sum(hits.values()) / all_values if all_values else 1.0
    result["fp_items"] = clean_flagged / clean_items if clean_items else 0.0
    result["n_clean_items"] = float(clean_items)
    result["fp_words"] = flagged_words / words if words else 0.0
    return result
