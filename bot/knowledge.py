"""Loading and checking the curated knowledge base.

The YAML is validated in full before anything is used: a broken file stops loading with a message
that names the file, the line and the field, and nothing is half-loaded.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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

NonEmpty = Annotated[str, Field(min_length=1)]


class KnowledgeError(Exception):
    """The knowledge base cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


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


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)


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


# --- Schema ----------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SourceRef(_Strict):
    source: NonEmpty
    section: NonEmpty


class EntryModel(_Strict):
    id: Annotated[str, Field(pattern=_ID_RE, max_length=48)]
    kind: Kind
    title: Annotated[str, Field(min_length=2, max_length=120)]
    summary: Annotated[str, Field(min_length=10)]
    answer: Annotated[str, Field(min_length=10)]
    names: list[NonEmpty] = []
    domain: Domain | None = None
    ages: list[Age] = []
    audience: list[Audience] = []
    when: str | None = None
    reach: str | None = None
    steps: list[NonEmpty] = []
    prepare: list[NonEmpty] = []
    agree: list[NonEmpty] = []
    partners: list[NonEmpty] = []
    questions: list[NonEmpty] = []
    keywords: list[NonEmpty] = []
    related: list[NonEmpty] = []
    local: bool = False
    signal: Signal | None = None
    sources: Annotated[list[SourceRef], Field(min_length=1)]
    reviewed: dt.date

    @field_validator("keywords", "questions", "names", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> Any:
        # YAML turns `- 112` or `- ja` into numbers and booleans; keep them as text.
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) else v for v in value]
        return value


class SourceModel(_Strict):
    id: Annotated[str, Field(pattern=_ID_RE)]
    title: NonEmpty
    publisher: str | None = None
    date: str | None = None
    file: str | None = None
    url: str | None = None
    reviewed: dt.date

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | dt.date) else value


_REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    "partner": ("domain", "ages", "when", "reach"),
    "situation": ("steps", "partners"),
}


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


def knowledge_dir() -> Path:
    override = os.environ.get("WIJKWIJZER_KNOWLEDGE", "").strip()
    return Path(override).expanduser() if override else shipped_knowledge_dir()


def _where(path: Path, node: Any, loc: tuple[int | str, ...]) -> str:
    """'file, line N, field x' for a pydantic error location inside `node`."""
    line = getattr(node, "line", 0)
    field = ""
    current = node
    for part in loc:
        if isinstance(current, _LineDict) and isinstance(part, str):
            line = current.key_lines.get(part, current.line)
            field = part
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            line = getattr(current, "line", line)
        else:
            break
    dotted = ".".join(str(p) for p in loc) or field
    return f"{path.name}, line {line}, field '{dotted}'"


def validation_problems(path: Path, node: Any, exc: ValidationError, label: str) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        problems.append(f"{_where(path, node, loc)} ({label}): {err['msg']}")
    return problems


def _load_sources(path: Path, problems: list[str]) -> dict[str, Source]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        problems.append(f"{path.name}, line 1: expected a top-level 'sources:' list")
        return {}
    sources: dict[str, Source] = {}
    for item in data["sources"]:
        try:
            model = SourceModel.model_validate(item)
        except ValidationError as exc:
            label = item.get("id", "?") if isinstance(item, dict) else "?"
            problems.extend(validation_problems(path, item, exc, f"source {label}"))
            continue
        if model.id in sources:
            problems.append(f"{path.name}, line {getattr(item, 'line', 0)}, field 'id': "
                            f"duplicate source id '{model.id}'")
            continue
        sources[model.id] = Source(model.id, model.title, model.publisher, model.date,
                                   model.url, model.reviewed)
    return sources


def _load_vocabulary(path: Path, problems: list[str]) -> Vocabulary:
    if not path.exists():
        return Vocabulary({})
    from bot.normalize import fold

    data = read_yaml(path)
    if data is None:
        return Vocabulary({})
    if not isinstance(data, dict):
        problems.append(f"{path.name}, line 1: expected sections {', '.join(VOCABULARY_SECTIONS)}")
        return Vocabulary({})
    expansions: dict[str, tuple[str, ...]] = {}
    exact_only: set[str] = set()
    offtopic: set[str] = set()
    seen_in: dict[str, str] = {}
    for section, mapping in sorted(data.items()):
        line = data.key_lines.get(section, 1) if isinstance(data, _LineDict) else 1
        if section not in VOCABULARY_SECTIONS:
            problems.append(f"{path.name}, line {line}, field '{section}': unknown section "
                            f"(allowed: {', '.join(VOCABULARY_SECTIONS)})")
            continue
        if mapping is None:
            continue
        if section == "offtopic":
            if not isinstance(mapping, list) or not all(isinstance(w, str) for w in mapping):
                problems.append(f"{path.name}, line {line}, field 'offtopic': expected a list "
                                "of words")
                continue
            offtopic.update(fold(w) for w in mapping if fold(w))
            continue
        if not isinstance(mapping, dict):
            problems.append(f"{path.name}, line {line}, field '{section}': expected term: words")
            continue
        for key, value in sorted(mapping.items()):
            kline = mapping.key_lines.get(key, line) if isinstance(mapping, _LineDict) else line
            term, words = fold(str(key)), fold(str(value)) if value is not None else ""
            if not term or not words:
                problems.append(f"{path.name}, line {kline}, field '{section}.{key}': "
                                "term and expansion must both hold words")
                continue
            if term in seen_in:
                problems.append(f"{path.name}, line {kline}, field '{section}.{key}': "
                                f"'{key}' is also defined in '{seen_in[term]}'")
                continue
            seen_in[term] = section
            expansions[term] = tuple(words.split())
            if section == "english":
                exact_only.add(term)
    return Vocabulary(expansions, frozenset(exact_only), frozenset(offtopic))


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


def summary_problems(text: str) -> list[str]:
    """Why a summary is too long to read at a glance (empty: it is fine)."""
    problems = []
    words = summary_words(text)
    if words > SUMMARY_MAX_WORDS:
        problems.append(f"{words} words, at most {SUMMARY_MAX_WORDS} allowed")
    sentences = summary_sentences(text)
    if sentences > SUMMARY_MAX_SENTENCES:
        problems.append(f"{sentences} sentences, at most {SUMMARY_MAX_SENTENCES} allowed")
    return problems


def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load and validate every YAML file in `directory`; KnowledgeError lists all problems."""
    base = directory if directory is not None else knowledge_dir()
    if not base.is_dir():
        raise KnowledgeError([f"knowledge directory not found: {base}"])
    problems: list[str] = []
    sources_path = base / "sources.yaml"
    sources = _load_sources(sources_path, problems) if sources_path.exists() else {}
    if not sources_path.exists():
        problems.append("sources.yaml: missing (every entry must cite a source)")
    vocabulary = _load_vocabulary(base / "vocabulary.yaml", problems)

    models: list[tuple[EntryModel, Path, Any]] = []
    files = sorted(p for p in base.glob("*.yaml") if p.name not in SPECIAL_FILES)
    if not files:
        problems.append(f"no knowledge files (*.yaml) in {base}")
    for path in files:
        try:
            data = read_yaml(path)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            problems.append(f"{path.name}, line 1: expected a top-level 'entries:' list")
            continue
        for item in data["entries"]:
            try:
                model = EntryModel.model_validate(item)
            except ValidationError as exc:
                label = item.get("id", "?") if isinstance(item, dict) else "?"
                problems.extend(validation_problems(path, item, exc, f"entry {label}"))
                continue
            for name in _REQUIRED_BY_KIND.get(model.kind, ()):
                if not getattr(model, name):
                    problems.append(f"{path.name}, line {getattr(item, 'line', 0)}, field "
                                    f"'{name}' (entry {model.id}): required for a {model.kind}")
            line = getattr(item, "key_lines", {}).get("summary", getattr(item, "line", 0))
            problems.extend(f"{path.name}, line {line}, field 'summary' (entry {model.id}): "
                            f"{reason}" for reason in summary_problems(model.summary))
            models.append((model, path, item))

    seen: dict[str, str] = {}
    for model, path, item in models:
        line = getattr(item, "line", 0)
        if model.id in seen:
            problems.append(f"{path.name}, line {line}, field 'id': duplicate id '{model.id}' "
                            f"(also in {seen[model.id]})")
        seen.setdefault(model.id, path.name)
    kinds = {model.id: model.kind for model, _, _ in models}
    for model, path, item in models:
        lines = getattr(item, "key_lines", {})
        for name in ("partners", "related"):
            for ref in getattr(model, name):
                if ref not in kinds:
                    problems.append(f"{path.name}, line {lines.get(name, 0)}, field '{name}' "
                                    f"(entry {model.id}): unknown id '{ref}'")
                elif name == "partners" and kinds[ref] != "partner":
                    problems.append(f"{path.name}, line {lines.get(name, 0)}, field '{name}' "
                                    f"(entry {model.id}): '{ref}' is a {kinds[ref]}, "
                                    "not a partner")
        for ref in model.sources:
            if ref.source not in sources:
                problems.append(f"{path.name}, line {lines.get('sources', 0)}, field 'sources' "
                                f"(entry {model.id}): unknown source '{ref.source}'")
    if problems:
        raise KnowledgeError(problems)
    entries = tuple(sorted((_entry(m, sources, p.name) for m, p, _ in models), key=lambda e: e.id))
    return KnowledgeBase(entries=entries, sources=sources, vocabulary=vocabulary, directory=base)


def stale_warnings(kb: KnowledgeBase, today: dt.date | None = None) -> list[str]:
    """Entries and sources not reviewed for a year: still usable, but due for a check."""
    now = today or dt.date.today()
    warnings = [f"{e.file}: entry '{e.id}' last reviewed {e.reviewed.isoformat()}"
                for e in kb.entries if now - e.reviewed > STALE_AFTER]
    warnings += [f"sources.yaml: source '{s.id}' last reviewed {s.reviewed.isoformat()}"
                 for s in kb.sources.values() if now - s.reviewed > STALE_AFTER]
    return warnings
