"""Loading and checking the curated knowledge base.

The YAML is validated in full before anything is used: a broken file stops loading with a message
that names the file, the line and the field, and nothing is half-loaded. The messages are meant
for the curators (IB'ers and gemeente staff, not programmers), so they are in Dutch and say what
to do; `bot/kbcheck.py` adds the language and conflict rules of `wijkwijzer kb check`.

`python -m bot.knowledge` writes the JSON Schema of the knowledge files, generated from the
models below, to knowledge/schema/ (`--check`: only report whether it is up to date); the first
line of every knowledge file points an editor such as VS Code at it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA

Kind = Literal["partner", "situation", "tip", "example", "fact"]
Domain = Literal["centrum", "school_kinderopvang", "wijk", "gemeente", "regio"]
Age = Literal["0-4", "po", "vo"]
Audience = Literal["leerkracht", "ib", "schoolleider", "wijkteam"]
# Whether the questions an entry answers are themselves safety signals, for the safety model:
# a level when they are ("vermoeden van kindermishandeling"), `mixed` when they may or may not
# be ("wat doet de aandachtsfunctionaris"), absent when they are not.
Signal = Literal["acute", "suicide", "staff", "meldcode", "mixed"]

KINDS: tuple[str, ...] = ("partner", "situation", "tip", "example", "fact")
DOMAINS: tuple[str, ...] = ("centrum", "school_kinderopvang", "wijk", "gemeente", "regio")
AGES: tuple[str, ...] = ("0-4", "po", "vo")

DOMAIN_LABELS: dict[str, str] = {
    "centrum": "Kind en ouders",
    "school_kinderopvang": "School en kinderopvang",
    "wijk": "Wijk",
    "gemeente": "Gemeente",
    "regio": "Regio en landelijk",
}
AGE_LABELS: dict[str, str] = {"0-4": "0-4 jaar", "po": "basisschool (PO)", "vo": "voortgezet (VO)"}
KIND_LABELS: dict[str, str] = {
    "partner": "Partner",
    "situation": "Situatie",
    "tip": "Tip",
    "example": "Praktijkvoorbeeld",
    "fact": "Feit",
}

STALE_AFTER = dt.timedelta(days=365)
_ID_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"

# An entry's `summary` is what a teacher reads first on a phone: short enough to take in at once.
SUMMARY_MAX_WORDS = 40
SUMMARY_MAX_SENTENCES = 3
_WORD_RE = re.compile(r"\S*\w\S*")  # non-space holding a letter or digit: '0800-2000' is one word
_SENTENCE_END_RE = re.compile(r"[.!?]+(?=\s|$)")  # '113.nl' and '2,5' do not end a sentence

# The fields a user reads, in the order an answer shows them (title, names, questions and
# keywords are for matching; they feed the trained models).
TEXT_FIELDS: tuple[str, ...] = ("summary", "answer", "when", "reach", "steps", "prepare", "agree")
SENTENCE_MAX_WORDS = 25  # B1: no sentence in user-facing text over this many words
ANSWER_MAX_WORDS = 120  # the whole `answer`, read on a phone after tapping "Meer"

# Words a teacher may not know. `kb check` warns when an entry uses one without explaining it
# where it first appears, unless vocabulary.yaml spells it out under `abbreviations`. Written as
# the text writes them: abbreviations in capitals (matched exactly, also with 's), other words in
# lower case (matched at the start of a word, in any case: 'intermediair' also finds
# 'intermediairs'). Explaining means: the word followed or preceded by its meaning in brackets
# ("toelaatbaarheidsverklaring (TLV)", "OPP (ontwikkelingsperspectief)"), or followed by ':',
# a dash, ', dat is', ', ofwel', 'is een', 'betekent' or 'wil zeggen'.
JARGON: tuple[str, ...] = (
    "afwegingskader", "kwalificatieplicht", "startkwalificatie", "handelingsverlegen",
    "intermediair", "boundary crossing", "in natura", "penvoerder", "datagedreven",
    "verwerkersovereenkomst", "gecertificeerde instelling", "achterstandsscore",
    "arrangement", "zorgplicht", "proces-verbaal", "dataminimalisatie", "complementair",
    "interprofessioneel", "multidisciplinair", "secundaire bron",
    "OPP", "TLV", "LEA", "MDO", "SOP", "OM", "LAS", "NT2", "ISK", "OKR", "OTS", "GI", "LRV",
    "IBP", "AVG", "RMC", "VSV", "SWV", "OKO",
)

NonEmpty = Annotated[str, Field(min_length=1)]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a knowledge file, said to a curator: where it is and what to do."""

    file: str
    message: str
    line: int = 0
    field: str = ""  # already quoted for reading: "'summary'" or "'sources' (punt 1, 'section')"
    entry: str = ""  # the entry's id, or "bron <id>" for a source

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", regel {self.line}"
        if self.field:
            where += f", veld {self.field}"
        if self.entry:
            where += f" ({self.entry})" if self.entry.startswith("bron ") \
                else f" (item {self.entry})"
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """"; bedoel je 'wijkteam'?" for the closest choice, or "" when none is close: a typo or
    two (letters swapped, missing or extra, as in 'cgj' or 'wijkteem'), or the start of a longer
    id ('jeugdfonds' for 'jeugdfonds-sport-cultuur')."""
    options = list(choices)
    limit = max(1, len(word) // 4)
    close = process.extractOne(word, options, scorer=OSA.distance,
                               processor=utils.default_process, score_cutoff=limit)
    like = close or process.extractOne(word, options, scorer=fuzz.WRatio,
                                       processor=utils.default_process, score_cutoff=85)
    return f"; bedoel je '{like[0]}'?" if like is not None and like[0] != word else ""


def field_label(loc: Sequence[int | str]) -> str:
    """A pydantic location as a curator reads it: "'steps' (punt 2)", not "steps.1"."""
    if not loc:
        return ""
    head, rest = loc[0], loc[1:]
    parts = [f"punt {p + 1}" if isinstance(p, int) else f"'{p}'" for p in rest]
    return f"'{head}'" + (f" ({', '.join(parts)})" if parts else "")


# --- YAML with line numbers ------------------------------------------------------------------


class _LineDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys stood in the file."""

    line: int = 0
    key_lines: dict[str, int]


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _LineDict:
        mapping = _LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool | dt.date):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark
                )
            key_text = str(key)
            if key_text in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key_text}'", key_node.start_mark
                )
            mapping[key_text] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key_text] = key_node.start_mark.line + 1
        return mapping

    def construct_date(self, node: yaml.ScalarNode) -> Any:
        # '2026-13-01' looks like a date to YAML but is none: a clear error with its line,
        # not a crash.
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid date '{node.value}' ({exc})", node.start_mark
            ) from exc


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_date)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError([f"{path.name}: not UTF-8 text ({exc.reason})"]) from exc
    except OSError as exc:
        raise KnowledgeError([f"{path.name}: cannot be read ({exc.strerror})"]) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else "unknown line"
        raise KnowledgeError([f"{path.name}, {where}: invalid YAML: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError([f"{path.name}: invalid YAML: {exc}"]) from exc


# What a YAML parser's complaint means for someone who edits the file by hand.
_YAML_HINTS: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "er staat een tab: spring in met spaties, nooit met tabs"),
    ("mapping values are not allowed",
     "een ': ' midden in een tekst: zet de tekst tussen aanhalingstekens, of schrijf hem op de "
     "regels onder 'veld: >-'"),
    ("did not find expected ',' or ']'",
     "een lijst tussen [ ] is niet goed gesloten: kijk of er een ']' of een komma ontbreekt (een "
     "punt met een komma of ': ' erin zet je tussen aanhalingstekens)"),
    ("did not find expected ',' or '}'",
     "iets tussen { } is niet goed gesloten: kijk of er een '}' of een komma ontbreekt"),
    ("could not find expected ':'",
     "er ontbreekt een ':' achter een veldnaam, of een regel tekst springt niet ver genoeg in"),
    ("did not find expected key",
     "de inspringing klopt niet: deze regel springt verder of minder ver in dan de velden "
     "eromheen"),
    ("did not find expected '-' indicator",
     "de inspringing van een lijst klopt niet: elk punt begint met '- ', allemaal even ver "
     "ingesprongen"),
    ("found unexpected end of stream",
     "het bestand houdt op terwijl een tekst tussen aanhalingstekens nog openstaat"),
    ("found unknown escape character",
     "een '\\' in een tekst tussen dubbele aanhalingstekens: gebruik enkele aanhalingstekens"),
    ("cannot start any token",
     "een tekst begint met een teken dat YAML niet toestaat (zoals @ of `): zet de tekst tussen "
     "aanhalingstekens"),
    ("a key must be plain text", "een veldnaam moet gewone tekst zijn"),
)


_FIELD_LINE_RE = re.compile(r"\s*(?:-\s+)?[A-Za-z_]+:(?=\s|$)")  # "  title:" or "- id:"
_NO_SPACE_DASH_RE = re.compile(r"\s*-[^\s-]")  # "-id: x" for "- id: x"


def _line_hint(lines: list[str], line: int, column: int) -> str:
    """What the offending line (or the one above) shows: a tab, a dash without a space, a
    second ': ' in a text, a field indented differently from its neighbours."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    above = lines[line - 2] if 1 < line <= len(lines) + 1 else ""
    if "\t" in text:
        return "er staat een tab op deze regel: spring in met spaties, nooit met tabs"
    for number, candidate in ((line, text), (line - 1, above)):
        if _NO_SPACE_DASH_RE.match(candidate):
            return f"na de '-' op regel {number} hoort een spatie: '- id: ...', '- tekst'"
    field = _FIELD_LINE_RE.match(text)
    if field is not None and column > field.end():
        return ("een tweede ': ' in deze regel: zet de tekst achter de veldnaam tussen "
                "aanhalingstekens, of schrijf hem op de regels onder 'veld: >-'")
    if field is not None:
        return ("de inspringing klopt niet: dit veld staat verder of minder ver ingesprongen dan "
                "de velden eromheen (tel de spaties)")
    return ""


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError, lines: list[str]) -> str:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 0
    problem = exc.problem or ""
    duplicate = re.fullmatch(r"duplicate key '(.*)'", problem)
    invalid_date = re.match(r"invalid date '(.*?)'", problem)
    by_line = _line_hint(lines, line, mark.column if mark else 0) \
        if "mapping values" in problem or "token" in problem else ""
    if duplicate:
        hint = f"het veld '{duplicate.group(1)}' staat twee keer in hetzelfde item"
    elif invalid_date:
        hint = (f"'{invalid_date.group(1)}' is geen bestaande datum: schrijf jjjj-mm-dd, "
                "bijvoorbeeld 2026-11-22")
    else:
        hint = by_line or next((text for key, text in _YAML_HINTS if key in problem),
                               "dit is geen geldige YAML")
        hint += f" (YAML zegt: {problem})" if problem else ""
    context = exc.context_mark
    if context is not None and mark is not None and context.line < mark.line:
        hint += f"; het stuk dat hier misgaat begint op regel {context.line + 1}"
    return str(Problem(path.name, hint + ". De rest van dit bestand is niet gecontroleerd",
                       line))


def _read_knowledge_yaml(path: Path) -> Any:
    """read_yaml for a knowledge file: one Dutch line for the first error, then stop."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError([str(Problem(
            path.name, "geen UTF-8-tekst: sla het bestand op met codering UTF-8 (VS Code: "
            "rechtsonder op de codering klikken, 'Save with Encoding', UTF-8)"))]) from exc
    except OSError as exc:
        raise KnowledgeError([str(Problem(path.name, f"kan niet gelezen worden "
                                          f"({exc.strerror})"))]) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        raise KnowledgeError([_yaml_problem(path, exc, text.splitlines())]) from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError([str(Problem(path.name, f"dit is geen geldige YAML ({exc})"))]
                             ) from exc


# --- Schema ----------------------------------------------------------------------------------

# What a partner and a situation must have besides the fields every entry has.
_REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    "partner": ("domain", "ages", "when", "reach"),
    "situation": ("steps", "partners"),
}
KIND_NAMES_NL: dict[str, str] = {"partner": "partner", "situation": "situatie", "tip": "tip",
                                 "example": "praktijkvoorbeeld", "fact": "feit"}


def _kind_rules(schema: dict[str, Any]) -> None:
    """In the JSON Schema: the fields a partner or a situation needs (`kb check` says so too)."""
    schema["allOf"] = [
        {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
         "then": {"required": list(fields)}}
        for kind, fields in _REQUIRED_BY_KIND.items()
    ]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _doc(text: str, **extra: Any) -> Any:
    """A field's explanation for the editor (VS Code shows it on hover); no effect on loading."""
    return Field(description=text, **extra)


class SourceRef(_Strict):
    source: NonEmpty = _doc("Het id van de bron in sources.yaml.")
    section: NonEmpty = _doc("Het kopje of de passage in de bron die deze tekst steunt.")


class EntryModel(_Strict):
    model_config = ConfigDict(json_schema_extra=_kind_rules)

    id: Annotated[str, Field(pattern=_ID_RE, max_length=48)] = _doc(
        "Vast kenmerk: kleine letters, cijfers en '-', uniek in alle bestanden. Verander het "
        "niet meer: knoppen en links gebruiken het.")
    kind: Kind = _doc("partner (wie), situation (wat speelt er), tip, example "
                      "(praktijkvoorbeeld) of fact (feit).")
    title: Annotated[str, Field(min_length=2, max_length=120)] = _doc(
        "Hoe medewerkers het noemen: kort, Nederlands, zonder punt aan het eind.")
    summary: Annotated[str, Field(min_length=10)] = _doc(
        "Wat een leerkracht als eerste leest: 1 tot 3 zinnen, samen hoogstens 40 woorden, geen "
        "zin langer dan 25 woorden. Alleen wat de rest van het item ook zegt.")
    answer: Annotated[str, Field(min_length=10)] = _doc(
        "Het hele antwoord (onder 'Meer'): korte zinnen in B1-Nederlands met 'je', hoogstens 120 "
        "woorden.")
    names: list[NonEmpty] = _doc("Andere namen (bij een partner ook getoond als 'misschien "
                                 "heet het bij jou …').", default=[])
    domain: Domain | None = _doc("Alleen partner (verplicht): waar de partner op de "
                                 "praatplaat staat.", default=None)
    ages: list[Age] = _doc("Leeftijdsgroepen: 0-4, po, vo (verplicht voor een partner).",
                           default=[])
    audience: list[Audience] = _doc("Voor wie: leerkracht, ib, schoolleider, wijkteam.",
                                    default=[])
    when: str | None = _doc("Alleen partner (verplicht): wanneer een school hen inschakelt.",
                            default=None)
    reach: str | None = _doc("Alleen partner (verplicht): hoe je hen in het algemeen bereikt.",
                             default=None)
    steps: list[NonEmpty] = _doc("Alleen situatie (verplicht): de route op volgorde, elke stap "
                                 "begint met wie ('IB'er: ...').", default=[])
    prepare: list[NonEmpty] = _doc("Situatie: wat je voorbereidt voor het gesprek.", default=[])
    agree: list[NonEmpty] = _doc("Situatie: wat je afspreekt met de partners.", default=[])
    partners: list[NonEmpty] = _doc("Ids van de partners waar dit antwoord naartoe stuurt "
                                    "(verplicht voor een situatie).", default=[])
    questions: list[NonEmpty] = _doc("4 tot 10 manieren waarop medewerkers dit vragen, zoals "
                                     "ze het typen.", default=[])
    keywords: list[NonEmpty] = _doc("Woorden en korte zinnen die hierheen wijzen.", default=[])
    related: list[NonEmpty] = _doc("Ids van items om daarna te lezen ('Zie ook').", default=[])
    local: bool = _doc("true als naam of aanpak per gemeente verschilt.", default=False)
    signal: Signal | None = _doc("Voor het veiligheidsmodel; laat weg als je twijfelt.",
                                 default=None)
    sources: Annotated[list[SourceRef], Field(min_length=1)] = _doc(
        "Minstens één bron: {source: id-uit-sources.yaml, section: \"kopje in de bron\"}.")
    reviewed: dt.date = _doc("Datum van de laatste controle door een beheerder: jjjj-mm-dd.")

    @field_validator("keywords", "questions", "names", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> Any:
        # YAML turns `- 112` or `- ja` into numbers and booleans; keep them as text.
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) else v for v in value]
        return value


class SourceModel(_Strict):
    id: Annotated[str, Field(pattern=_ID_RE)] = _doc(
        "Vast kenmerk van de bron: kleine letters, cijfers en '-'. Items noemen de bron zo.")
    title: NonEmpty = _doc("De echte titel van het document of de pagina.")
    publisher: str | None = _doc("Wie het uitgaf.", default=None)
    date: str | None = _doc("Wanneer het verscheen, zoals het er staat: '2025' of "
                            "'maart 2024'.", default=None)
    file: str | None = _doc("Alleen voor de bronbestanden van het project.", default=None)
    url: str | None = _doc("Het webadres van precies de pagina die de tekst steunt.",
                           default=None)
    reviewed: dt.date = _doc("Datum van de laatste controle: jjjj-mm-dd.")

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | dt.date) else value


class EntriesFile(_Strict):
    """A knowledge file: partners.yaml, situations.yaml, guidance.yaml and the like."""

    entries: list[EntryModel] = _doc("De items van dit bestand.")


class SourcesFile(_Strict):
    """sources.yaml: the documents the entries cite."""

    sources: list[SourceModel] = _doc("De bronnen; items noemen ze bij hun id.")


_VocabularyMap = dict[str, str] | None


class VocabularyFile(_Strict):
    """vocabulary.yaml: what users type -> the words the entries use."""

    abbreviations: _VocabularyMap = _doc("Afkorting: voluit ('smw: schoolmaatschappelijk "
                                         "werk').", default=None)
    synonyms: _VocabularyMap = _doc("Ander woord of signaal: de woorden van de kennisbank.",
                                    default=None)
    misspellings: _VocabularyMap = _doc("Veelgemaakte spelfout: de goede spelling.",
                                        default=None)
    english: _VocabularyMap = _doc("Engels woord of zinnetje: de Nederlandse woorden.",
                                   default=None)
    offtopic: list[str] | None = _doc("Woorden die een ander onderwerp aangeven (salaris, "
                                      "recept). Nooit ook een sleutel hierboven.", default=None)


# --- Domain objects --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    reviewed: dt.date

    @property
    def citation(self) -> str:
        extra = ", ".join(p for p in (self.publisher, self.date) if p)
        return f"{self.title} ({extra})" if extra else self.title


@dataclass(frozen=True, slots=True)
class Citation:
    source: Source
    section: str


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str
    title: str
    summary: str  # the short answer shown first: 1-3 sentences, at most 40 words
    answer: str
    names: tuple[str, ...]
    domain: str | None
    ages: tuple[str, ...]
    audience: tuple[str, ...]
    when: str | None
    reach: str | None
    steps: tuple[str, ...]
    prepare: tuple[str, ...]
    agree: tuple[str, ...]
    partners: tuple[str, ...]
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    local: bool
    signal: str | None
    citations: tuple[Citation, ...]
    reviewed: dt.date
    file: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Folded term -> folded expansion words. Keys may be phrases of several words."""

    expansions: dict[str, tuple[str, ...]]
    exact_only: frozenset[str] = frozenset()  # English keys: never matched by Dutch stem
    offtopic: frozenset[str] = frozenset()  # words that mark another subject (salary, recipes)
    sections: dict[str, str] = field(default_factory=dict)  # term -> its section, for kb check
    lines: dict[str, int] = field(default_factory=dict)  # term -> its line in vocabulary.yaml
    offtopic_line: int = 0  # where the off-topic list starts

    def __len__(self) -> int:
        return len(self.expansions)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]  # sorted by id: the YAML order never matters
    sources: dict[str, Source]
    vocabulary: Vocabulary
    directory: Path
    by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})

    def get(self, entry_id: str) -> Entry | None:
        return self.by_id.get(entry_id)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def partner_names(self, entry: Entry) -> list[str]:
        """Display names of the partners an answer sends the user to, the entry's own first."""
        ids = ([entry.id] if entry.kind == "partner" else []) + list(entry.partners)
        names: list[str] = []
        for pid in ids:
            partner = self.get(pid)
            if partner is not None and partner.title not in names:
                names.append(partner.title)
        return names

    @property
    def last_reviewed(self) -> dt.date:
        return max(e.reviewed for e in self.entries)


# --- Loading ---------------------------------------------------------------------------------

VOCABULARY_SECTIONS = ("abbreviations", "synonyms", "misspellings", "english", "offtopic")
SPECIAL_FILES = {"sources.yaml", "vocabulary.yaml", "wijken.yaml"}


def shipped_knowledge_dir() -> Path:
    """The knowledge shipped with the package (wheel) or, in a checkout, the repository folder."""
    packaged = Path(__file__).resolve().parent / "knowledge"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "knowledge"


def _locate(node: Any, loc: tuple[int | str, ...]) -> int:
    """The line of a pydantic error location inside `node` (0: unknown)."""
    line = getattr(node, "line", 0)
    current = node
    for part in loc:
        if isinstance(current, _LineDict) and isinstance(part, str):
            line = current.key_lines.get(part, current.line)
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            line = getattr(current, "line", line)
        else:
            break
    return line


def _where(path: Path, node: Any, loc: tuple[int | str, ...]) -> str:
    """'file, line N, field x' for a pydantic error location inside `node`."""
    dotted = ".".join(str(p) for p in loc)
    return f"{path.name}, line {_locate(node, loc)}, field '{dotted}'"


def validation_problems(path: Path, node: Any, exc: ValidationError, label: str) -> list[str]:
    """Pydantic's errors, one line each with file, line and field (for the operator's files)."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        problems.append(f"{_where(path, node, loc)} ({label}): {err['msg']}")
    return problems


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside `list[SourceRef]`, `SourceRef | None` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel]:
    for part in loc:
        if isinstance(part, str):
            info = model.model_fields.get(part)
            inner = _inner_model(info.annotation) if info is not None else None
            if inner is None:
                break
            model = inner
    return model


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "ja/nee-waarde"
    if isinstance(value, int | float):
        return "getal"
    if isinstance(value, list):
        return "lijst"
    if isinstance(value, dict):
        return "groep velden"
    if isinstance(value, dt.date):
        return "datum"
    return "tekst"


def _dutch_message(err: Any, model: type[BaseModel]) -> str:
    """Pydantic's complaint as a curator needs it: what is wrong and how to write it."""
    kind: str = err["type"]
    loc = tuple(err["loc"])
    value = err.get("input")
    ctx = err.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return "ontbreekt: dit veld is verplicht"
    if kind == "extra_forbidden":
        allowed = list(_model_at(model, loc[:-1]).model_fields)
        hint = did_you_mean(name, allowed)
        return f"onbekend veld '{name}'" + (hint or " (de velden staan in knowledge/README.md)")
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return (f"'{value}' mag hier niet; kies uit: {', '.join(allowed)}"
                + did_you_mean(str(value), allowed))
    if kind == "string_pattern_mismatch" and name == "id":
        from bot.normalize import fold

        slug = re.sub(r"[^a-z0-9]+", "-", fold(str(value))).strip("-")
        return (f"'{value}' is geen geldig id: alleen kleine letters, cijfers en streepjes, "
                "zonder spaties of accenten" + (f"; bedoel je '{slug}'?" if slug else ""))
    if kind in ("string_too_short", "too_short"):
        if value in ("", None, []):
            return "is leeg" + ("; noem minstens één bron: - {source: id-van-de-bron, section: "
                                "\"kopje in de bron\"}" if name == "sources" else "")
        unit = "tekens" if kind == "string_too_short" else "punten"
        return f"te kort: minstens {ctx.get('min_length')} {unit}"
    if kind in ("string_too_long", "too_long"):
        unit = "tekens" if kind == "string_too_long" else "punten"
        return f"te lang: hoogstens {ctx.get('max_length')} {unit}"
    if kind == "string_type":
        if value is None:
            return "is leeg: vul een tekst in of laat het veld weg"
        if isinstance(value, bool):
            return ("hier hoort tekst, maar YAML las ja/nee (woorden als yes, no, on, off): zet "
                    "de tekst tussen aanhalingstekens")
        if isinstance(value, dict):
            return ("hier hoort tekst, maar YAML las velden: staat er een ': ' in de tekst? Zet "
                    "de tekst dan tussen aanhalingstekens")
        return (f"hier hoort tekst, geen {_type_name(value)}"
                + (": zet het tussen aanhalingstekens" if isinstance(value, int | float) else ""))
    if kind == "list_type":
        if value is None:
            return "is leeg: schrijf een lijst, zoals [a, b], of laat het veld weg"
        return ("hier hoort een lijst: [a, b] op één regel, of elk punt op een eigen regel "
                "met '- '")
    if kind.startswith("date") or kind.startswith("datetime"):
        return (f"'{value}' is geen geldige datum: schrijf jjjj-mm-dd, bijvoorbeeld "
                "2026-11-22")
    if kind.startswith("bool"):
        return f"'{value}' is geen ja/nee-waarde: schrijf true of false"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if "sources" in loc:
            return ("schrijf een bron als {source: id-van-de-bron, section: \"kopje in de "
                    "bron\"}")
        return (f"hier horen velden (veld: waarde), geen {_type_name(value)}: klopt de "
                "inspringing?")
    return str(err["msg"])


def _dutch_problems(path: Path, node: Any, exc: ValidationError, model: type[BaseModel],
                    entry: str) -> list[str]:
    return [str(Problem(path.name, _dutch_message(err, model), _locate(node, tuple(err["loc"])),
                        field_label(tuple(err["loc"])), entry))
            for err in exc.errors()]


def _load_sources(path: Path, problems: list[str], known: set[str]) -> dict[str, Source] | None:
    """The sources; None when the file cannot be read (then citations go unchecked)."""
    try:
        data = _read_knowledge_yaml(path)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        problems.append(str(Problem(path.name, "het bestand moet beginnen met 'sources:' en "
                                    "daaronder een lijst bronnen ('- id: ...')", 1)))
        return None
    sources: dict[str, Source] = {}
    first: dict[str, int] = {}
    for item in data["sources"]:
        label = item.get("id", "?") if isinstance(item, dict) else "?"
        try:
            model = SourceModel.model_validate(item)
        except ValidationError as exc:
            known.add(str(label))
            problems.extend(_dutch_problems(path, item, exc, SourceModel, f"bron {label}"))
            continue
        line = getattr(item, "line", 0)
        if model.id in sources:
            problems.append(str(Problem(
                path.name, f"de bron '{model.id}' staat er al (regel {first[model.id]}); elk id "
                "mag maar één keer voorkomen", line, "'id'")))
            continue
        first[model.id] = line
        sources[model.id] = Source(model.id, model.title, model.publisher, model.date,
                                   model.url, model.reviewed)
    return sources


def _load_vocabulary(path: Path, problems: list[str]) -> Vocabulary:
    if not path.exists():
        return Vocabulary({})
    from bot.normalize import fold

    try:
        data = _read_knowledge_yaml(path)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return Vocabulary({})
    if data is None:
        return Vocabulary({})
    if not isinstance(data, dict):
        problems.append(str(Problem(path.name, "verwacht de onderdelen "
                                    + ", ".join(VOCABULARY_SECTIONS), 1)))
        return Vocabulary({})
    expansions: dict[str, tuple[str, ...]] = {}
    exact_only: set[str] = set()
    offtopic: set[str] = set()
    sections: dict[str, str] = {}
    lines: dict[str, int] = {}
    offtopic_line = 0
    for section, mapping in sorted(data.items()):
        line = data.key_lines.get(section, 1) if isinstance(data, _LineDict) else 1
        if section not in VOCABULARY_SECTIONS:
            problems.append(str(Problem(
                path.name, f"onbekend onderdeel '{section}'"
                + (did_you_mean(section, VOCABULARY_SECTIONS)
                   or f" (toegestaan: {', '.join(VOCABULARY_SECTIONS)})"), line)))
            continue
        if mapping is None:
            continue
        if section == "offtopic":
            if not isinstance(mapping, list) or not all(isinstance(w, str) for w in mapping):
                problems.append(str(Problem(path.name, "hier hoort een lijst woorden: [salaris, "
                                            "recept, ...]", line, "'offtopic'")))
                continue
            offtopic.update(fold(w) for w in mapping if fold(w))
            offtopic_line = line
            continue
        if not isinstance(mapping, dict):
            problems.append(str(Problem(path.name, "hier horen regels 'wat gebruikers typen: "
                                        "woorden van de kennisbank'", line, f"'{section}'")))
            continue
        for key, value in sorted(mapping.items()):
            kline = mapping.key_lines.get(key, line) if isinstance(mapping, _LineDict) else line
            term, words = fold(str(key)), fold(str(value)) if value is not None else ""
            if not term or not words:
                problems.append(str(Problem(
                    path.name, "links en rechts van de ':' moeten woorden staan", kline,
                    f"'{section}' ('{key}')")))
                continue
            if term in sections:
                problems.append(str(Problem(
                    path.name, f"'{key}' staat ook al onder '{sections[term]}' (regel "
                    f"{lines[term]}); een woord mag maar één keer in de woordenlijst", kline,
                    f"'{section}' ('{key}')")))
                continue
            sections[term] = section
            lines[term] = kline
            expansions[term] = tuple(words.split())
            if section == "english":
                exact_only.add(term)
    return Vocabulary(expansions, frozenset(exact_only), frozenset(offtopic), sections, lines,
                      offtopic_line)


def _entry(model: EntryModel, sources: dict[str, Source], file: str) -> Entry:
    return Entry(
        id=model.id, kind=model.kind, title=model.title, summary=model.summary,
        answer=model.answer,
        names=tuple(model.names), domain=model.domain, ages=tuple(model.ages),
        audience=tuple(model.audience), when=model.when, reach=model.reach,
        steps=tuple(model.steps), prepare=tuple(model.prepare), agree=tuple(model.agree),
        partners=tuple(model.partners), questions=tuple(model.questions),
        keywords=tuple(model.keywords), related=tuple(model.related), local=model.local,
        signal=model.signal,
        citations=tuple(Citation(sources[r.source], r.section)
                        for r in model.sources if r.source in sources),
        reviewed=model.reviewed, file=file,
    )


def summary_words(text: str) -> int:
    """Words in a summary: runs of non-space that hold a letter or digit ('0800-2000' is one)."""
    return len(_WORD_RE.findall(text))


def summary_sentences(text: str) -> int:
    """Sentences in a summary: text ending in '.', '!' or '?' before a space or the end."""
    parts = _SENTENCE_END_RE.split(text.strip())
    return sum(1 for part in parts if _WORD_RE.search(part))


def sentences(text: str) -> list[str]:
    """The sentences of a text, split where summary_sentences counts an end."""
    out, start = [], 0
    for match in _SENTENCE_END_RE.finditer(text):
        out.append(text[start:match.end()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if _WORD_RE.search(s)]


def summary_problems(text: str) -> list[str]:
    """Why a summary is too long to read at a glance (empty: it is fine)."""
    problems = []
    words = summary_words(text)
    if words > SUMMARY_MAX_WORDS:
        problems.append(f"{words} woorden, hoogstens {SUMMARY_MAX_WORDS} toegestaan: maak de "
                        "samenvatting korter")
    count = summary_sentences(text)
    if count > SUMMARY_MAX_SENTENCES:
        problems.append(f"{count} zinnen, hoogstens {SUMMARY_MAX_SENTENCES} toegestaan (een "
                        "punt met een spatie erna telt als einde van een zin, ook in 'bijv. ')")
    return problems


def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load and validate every YAML file in `directory`; KnowledgeError lists all problems.

    A file that is not valid YAML gives one line and is skipped; so that one broken file does
    not bury that line under hundreds of knock-on errors, references to entries are then not
    checked (and citations not, when sources.yaml is the broken file)."""
    base = directory if directory is not None else shipped_knowledge_dir()
    if not base.is_dir():
        raise KnowledgeError([f"map met kennisbestanden niet gevonden: {base}"])
    problems: list[str] = []
    sources_path = base / "sources.yaml"
    broken_ids: set[str] = set()  # entries and sources that exist but did not validate
    sources = _load_sources(sources_path, problems, broken_ids) if sources_path.exists() \
        else {}
    if not sources_path.exists():
        problems.append("sources.yaml: ontbreekt (elk item moet een bron noemen)")
    vocabulary = _load_vocabulary(base / "vocabulary.yaml", problems)

    models: list[tuple[EntryModel, Path, Any]] = []
    unreadable: list[str] = []
    files = sorted(p for p in base.glob("*.yaml") if p.name not in SPECIAL_FILES)
    if not files:
        problems.append(f"geen kennisbestanden (*.yaml) in {base}")
    for path in files:
        try:
            data = _read_knowledge_yaml(path)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            unreadable.append(path.name)
            continue
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            problems.append(str(Problem(path.name, "het bestand moet beginnen met 'entries:' en "
                                        "daaronder een lijst items ('- id: ...')", 1)))
            unreadable.append(path.name)
            continue
        for item in data["entries"]:
            label = str(item.get("id", "?")) if isinstance(item, dict) else "?"
            try:
                model = EntryModel.model_validate(item)
            except ValidationError as exc:
                broken_ids.add(label)
                problems.extend(_dutch_problems(path, item, exc, EntryModel, label))
                continue
            for name in _REQUIRED_BY_KIND.get(model.kind, ()):
                if not getattr(model, name):
                    problems.append(str(Problem(
                        path.name, f"verplicht voor een {KIND_NAMES_NL[model.kind]}",
                        getattr(item, "line", 0), f"'{name}'", model.id)))
            line = getattr(item, "key_lines", {}).get("summary", getattr(item, "line", 0))
            problems.extend(str(Problem(path.name, reason, line, "'summary'", model.id))
                            for reason in summary_problems(model.summary))
            models.append((model, path, item))

    seen: dict[str, tuple[str, int]] = {}
    for model, path, item in models:
        line = getattr(item, "line", 0)
        if model.id in seen:
            other_file, other_line = seen[model.id]
            problems.append(str(Problem(
                path.name, f"het id '{model.id}' bestaat al (in {other_file}, regel "
                f"{other_line}); elk id mag maar één keer voorkomen", line, "'id'")))
        seen.setdefault(model.id, (path.name, line))
    kinds = {model.id: model.kind for model, _, _ in models}
    partner_ids = sorted(i for i, k in kinds.items() if k == "partner")
    for model, path, item in models:
        lines = getattr(item, "key_lines", {})
        for name in ("partners", "related"):
            for ref in getattr(model, name):
                if ref in broken_ids or (ref not in kinds and unreadable):
                    continue  # reported where it is broken
                where = Problem(path.name, "", lines.get(name, 0), f"'{name}'", model.id)
                if ref not in kinds:
                    choices = partner_ids if name == "partners" else sorted(kinds)
                    problems.append(str(_with(where, f"onbekend id '{ref}'"
                                              + did_you_mean(ref, choices))))
                elif name == "partners" and kinds[ref] != "partner":
                    problems.append(str(_with(
                        where, f"'{ref}' is een {KIND_NAMES_NL[kinds[ref]]}, geen partner: "
                        "zet het onder 'related'")))
        if sources is None:
            continue
        for ref in model.sources:
            if ref.source not in sources and ref.source not in broken_ids:
                problems.append(str(Problem(
                    path.name, f"onbekende bron '{ref.source}'"
                    + (did_you_mean(ref.source, sorted(sources))
                       or " (bronnen staan in sources.yaml)"),
                    lines.get("sources", 0), "'sources'", model.id)))
    if problems:
        raise KnowledgeError(problems)
    entries = tuple(sorted((_entry(m, sources or {}, p.name) for m, p, _ in models),
                           key=lambda e: e.id))
    return KnowledgeBase(entries=entries, sources=sources or {}, vocabulary=vocabulary,
                         directory=base)


def _with(problem: Problem, message: str) -> Problem:
    return Problem(problem.file, message, problem.line, problem.field, problem.entry)


def stale_warnings(kb: KnowledgeBase, today: dt.date | None = None,
                   line_of: Callable[[str, str], int] | None = None) -> list[str]:
    """Entries and sources not reviewed for a year: still usable, but due for a check.
    `line_of(file, id)` gives the line of their `reviewed` field, when known."""
    now = today or dt.date.today()
    where = line_of or (lambda file, item: 0)
    warnings = [str(Problem(e.file, f"sinds {e.reviewed.isoformat()} niet nagekeken; controleer "
                            "het en zet 'reviewed' op de datum van vandaag",
                            where(e.file, e.id), "'reviewed'", e.id))
                for e in kb.entries if now - e.reviewed > STALE_AFTER]
    warnings += [str(Problem("sources.yaml", f"sinds {s.reviewed.isoformat()} niet nagekeken; "
                             "controleer of de pagina nog klopt en zet 'reviewed' op vandaag",
                             where("sources.yaml", s.id), "'reviewed'", f"bron {s.id}"))
                 for s in kb.sources.values() if now - s.reviewed > STALE_AFTER]
    return warnings


# --- JSON Schema for editors -----------------------------------------------------------------

SCHEMA_DIR = "schema"


def schema_name(file_name: str) -> str:
    """The schema file a knowledge file is checked against, relative to the knowledge folder."""
    special = {"sources.yaml": "sources.json", "vocabulary.yaml": "vocabulary.json",
               "wijken.yaml": "wijken.json"}
    return f"{SCHEMA_DIR}/{special.get(file_name, 'entries.json')}"


def schema_line(file_name: str) -> str:
    """The first line of a knowledge file: tells VS Code (YAML extension) which schema to use."""
    return f"# yaml-language-server: $schema={schema_name(file_name)}"


def json_schemas() -> dict[str, dict[str, Any]]:
    """schema file name -> JSON Schema, generated from the models that load the files."""
    from bot.areas import _AreasModel  # the operator's area file has its own model

    titles: dict[str, tuple[type[BaseModel], str]] = {
        "entries.json": (EntriesFile, "Wijkwijzer: kennisbestand met items"),
        "sources.json": (SourcesFile, "Wijkwijzer: bronnen (sources.yaml)"),
        "vocabulary.json": (VocabularyFile, "Wijkwijzer: woordenlijst (vocabulary.yaml)"),
        "wijken.json": (_AreasModel, "Wijkwijzer: wijken en lokale namen (wijken.yaml)"),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, (model, title) in titles.items():
        schema = model.model_json_schema()
        schema["title"] = title
        out[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return out


def schema_texts() -> dict[str, str]:
    """The schema files as written: stable key order, UTF-8, a newline at the end."""
    return {name: json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
            for name, schema in json_schemas().items()}


def write_schemas(directory: Path) -> list[Path]:
    target = directory / SCHEMA_DIR
    target.mkdir(exist_ok=True)
    paths = []
    for name, text in schema_texts().items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def outdated_schemas(directory: Path) -> list[str]:
    """Schema files in `directory` that differ from the models (or are missing)."""
    target = directory / SCHEMA_DIR
    return [name for name, text in schema_texts().items()
            if not (target / name).exists()
            or (target / name).read_text(encoding="utf-8") != text]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.knowledge [--check] [DIR]`: write (or check) the JSON Schema files."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    rest = [a for a in args if a != "--check"]
    directory = Path(rest[0]) if rest else shipped_knowledge_dir()
    if check:
        stale = outdated_schemas(directory)
        for name in stale:
            print(f"{directory / SCHEMA_DIR / name}: verouderd; draai 'python -m bot.knowledge'",
                  file=sys.stderr)
        return 1 if stale else 0
    for path in write_schemas(directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
