"""The curator's checks beyond loading, for `wijkwijzer kb check`, and `ask --explain` in words.

Loading (bot/knowledge.py) refuses what cannot be used. These rules judge what loads:

- conflicts, reported as errors: a word that is both off topic and a vocabulary key (its mapping
  never works), and the same question under two entries (the bot cannot learn which is meant);
- language, reported as warnings: a sentence of more than 25 words in text a user reads, an
  answer of more than 120 words, and a word from `knowledge.JARGON` used without an explanation
  where the entry first uses it;
- also warnings: an entry with fewer than three questions, a knowledge file whose first line
  does not point VS Code at its JSON Schema.

(`kb check` adds entries and sources due for review, and, from `cli.lint_warnings`, names shared
by two entries and off-topic words the entries use themselves.)

Every message is for a curator: Dutch, with the file, the line and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.knowledge import (
    ANSWER_MAX_WORDS,
    JARGON,
    SCHEMA_DIR,
    SENTENCE_MAX_WORDS,
    SPECIAL_FILES,
    TEXT_FIELDS,
    Entry,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    read_yaml,
    schema_line,
    sentences,
    summary_words,
)
from bot.normalize import fold, stem

if TYPE_CHECKING:  # the ranker pulls in numpy; kb check does not need it
    from bot.ranker import Ranker

# --- where things are ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    line: int  # the line of the entry's "- id:"
    key_lines: dict[str, int]  # field -> the line of its key


class Locations:
    """Lines of entries, fields and phrases in the knowledge files, for messages."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.directory = kb.directory
        self._texts: dict[str, list[str]] = {}
        self._places: dict[tuple[str, str], _Place] = {}
        for path in sorted(kb.directory.glob("*.yaml")):
            if path.name in SPECIAL_FILES - {"sources.yaml"}:
                continue
            try:
                data = read_yaml(path)
            except KnowledgeError:
                continue
            self._texts[path.name] = path.read_text(encoding="utf-8").splitlines()
            items = data.get("entries", data.get("sources", [])) if isinstance(data, dict) else []
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self._places[(path.name, item["id"])] = _Place(
                        getattr(item, "line", 0), dict(getattr(item, "key_lines", {})))

    def reviewed_line(self, file: str, item_id: str) -> int:
        """The line of the `reviewed` field of an entry or a source (for stale_warnings)."""
        place = self._places.get((file, item_id))
        return place.key_lines.get("reviewed", place.line) if place else 0

    def entry_line(self, entry: Entry) -> int:
        place = self._places.get((entry.file, entry.id))
        return place.line if place else 0

    def field_line(self, entry: Entry, name: str) -> int:
        place = self._places.get((entry.file, entry.id))
        if place is None:
            return 0
        return place.key_lines.get(name, place.line)

    def text_line(self, entry: Entry, name: str, text: str) -> int:
        """The line where `text` (a sentence, a step, a question) starts, inside field `name`."""
        start = self.field_line(entry, name)
        return find_line(self._texts.get(entry.file, []), start, text) or start

    def file_text(self, name: str) -> list[str]:
        if name not in self._texts:
            path = self.directory / name
            self._texts[name] = path.read_text(encoding="utf-8").splitlines() \
                if path.exists() else []
        return self._texts[name]


def find_line(lines: list[str], start: int, text: str) -> int:
    """The 1-based line at or after `start` where `text` begins, across YAML's line breaks and
    quoting (0 when not found)."""
    words = re.findall(r"\S+", text)[:4]
    if not words or start < 1:
        return 0
    # In YAML a quote inside single quotes is doubled, and a long text breaks over lines.
    pattern = r"\s+".join(re.escape(w).replace("'", "'{1,2}") for w in words)
    body = "\n".join(lines[start - 1:])
    match = re.search(pattern, body)
    if match is None:
        return 0
    return start + body.count("\n", 0, match.start())


# --- conflicts (errors) ----------------------------------------------------------------------


def conflict_errors(kb: KnowledgeBase, where: Locations | None = None) -> list[Problem]:
    """Rules whose breach makes the bot answer wrongly: off-topic words that are vocabulary
    keys. (Duplicate ids stop loading already. A question under two entries is a warning:
    the trained models learnt from it, so removing it means retraining.)"""
    where = where or Locations(kb)
    return offtopic_conflicts(kb, where)


def offtopic_conflicts(kb: KnowledgeBase, where: Locations) -> list[Problem]:
    """An off-topic word is checked before the vocabulary: as a key it would never work."""
    vocabulary = kb.vocabulary
    by_stem: dict[str, list[str]] = {}
    for key in vocabulary.expansions:
        if " " not in key and key not in vocabulary.exact_only:
            by_stem.setdefault(stem(key), []).append(key)
    lines = where.file_text("vocabulary.yaml")
    problems = []
    for word in sorted(vocabulary.offtopic):
        if word in vocabulary.expansions:
            keys = [word]
        elif " " not in word:
            keys = sorted(by_stem.get(stem(word), []))
        else:
            keys = []
        for key in keys:
            same = "staat" if key == word else f"heeft dezelfde stam als '{key}', dat"
            line = find_line(lines, vocabulary.offtopic_line, word) or vocabulary.offtopic_line
            problems.append(Problem(
                "vocabulary.yaml",
                f"'{word}' {same} ook onder '{vocabulary.sections.get(key, '?')}' (regel "
                f"{vocabulary.lines.get(key, 0)}): een woord uit de lijst offtopic wordt nooit "
                "vertaald, dus die regel werkt niet. Haal het uit een van de twee weg",
                line, "'offtopic'"))
    return problems


def duplicate_questions(kb: KnowledgeBase, where: Locations) -> list[Problem]:
    """The same question (after folding) under two entries: the bot cannot learn which."""
    first: dict[str, tuple[Entry, str]] = {}
    problems = []
    for entry in sorted(kb, key=lambda e: (e.file, where.entry_line(e))):
        for question in dict.fromkeys(entry.questions):
            other, asked = first.setdefault(fold(question), (entry, question))
            if other.id == entry.id:
                continue
            problems.append(Problem(
                entry.file,
                f"de vraag '{question}' staat ook bij item '{other.id}' ({other.file}, regel "
                f"{where.text_line(other, 'questions', asked)}): haal hem bij één van beide "
                "weg, anders weet de bot niet welk antwoord hoort (en train daarna opnieuw: "
                "'wijkwijzer train')",
                where.text_line(entry, "questions", question), "'questions'", entry.id))
    return problems


# --- language (warnings) ---------------------------------------------------------------------


def entry_texts(entry: Entry) -> Iterator[tuple[str, str]]:
    """(field, text) of everything a user reads, in the order an answer shows it."""
    for name in TEXT_FIELDS:
        value = getattr(entry, name)
        for text in ([value] if isinstance(value, str) else list(value or ())):
            if text:
                yield name, text


def long_sentences(kb: KnowledgeBase, where: Locations) -> list[Problem]:
    problems = []
    for entry in kb:
        for name, text in entry_texts(entry):
            for sentence in sentences(text):
                count = summary_words(sentence)
                if count > SENTENCE_MAX_WORDS:
                    start = " ".join(sentence.split()[:6])
                    problems.append(Problem(
                        entry.file,
                        f"een zin van {count} woorden (B1: hoogstens {SENTENCE_MAX_WORDS}), "
                        f"begint met '{start} …': maak er twee zinnen van",
                        where.text_line(entry, name, sentence), f"'{name}'", entry.id))
    return problems


def long_answers(kb: KnowledgeBase, where: Locations) -> list[Problem]:
    return [Problem(entry.file, f"het antwoord telt {summary_words(entry.answer)} woorden; houd "
                    f"het onder {ANSWER_MAX_WORDS}: wie op 'Meer' tikt, leest het op een "
                    "telefoon. Zet een opsomming liever in 'steps'",
                    where.field_line(entry, "answer"), "'answer'", entry.id)
            for entry in kb if summary_words(entry.answer) > ANSWER_MAX_WORDS]


def _jargon_pattern(term: str) -> re.Pattern[str]:
    if term.isupper() or any(ch.isdigit() for ch in term):  # an abbreviation: exactly, or + 's
        return re.compile(rf"(?<![\w-]){re.escape(term)}(?:'s|s)?(?![\w-])")
    return re.compile(rf"(?<![\w-]){re.escape(term)}[\w-]*", re.IGNORECASE)


_JARGON_PATTERNS = tuple((term, _jargon_pattern(term)) for term in JARGON)
# The meaning right after the word: "TLV (toelaatbaarheidsverklaring)", "afwegingskader: een
# hulpmiddel", "kwalificatieplicht – tot 18 jaar", "afwegingskader, een lijst vragen", "OM is …",
# "interprofessioneel werken betekent …".
_EXPLAINED_AFTER = re.compile(
    r"\s*[(:–—]|\s+-\s|,\s+een\b|(?:\s+\w+)?,?\s+(?:dat is|dat zijn|dat wil zeggen|ofwel|oftewel"
    r"|is een|is de|is het|zijn|betekent|wil zeggen)\b", re.IGNORECASE)
# ... or later in the same sentence, after a colon: "een intermediair kan het fonds aanvragen:
# iemand die namens het gezin aanvraagt".
_EXPLAINED_LATER = re.compile(r"[^.!?]*?:\s+(?:iemand|een|de|het|dat|die|dit|wie)\b",
                              re.IGNORECASE)
# ... or just before it: "toelaatbaarheidsverklaring (TLV)", "dat heet handelingsverlegen".
_EXPLAINED_BEFORE = re.compile(
    r"\([^()]{0,40}$|\b(?:heet|heten|noem je|noemen we|noemt men|heet dat|heet dit)\s+"
    r"(?:de |het |een )?$", re.IGNORECASE)


def explained(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] is explained where it stands."""
    return bool(_EXPLAINED_AFTER.match(text, end) or _EXPLAINED_LATER.match(text, end)
                or _EXPLAINED_BEFORE.search(text[:start]))


def unexplained_jargon(kb: KnowledgeBase, where: Locations) -> list[Problem]:
    """A jargon word whose first use in an entry is not explained, and that the vocabulary does
    not spell out under `abbreviations`."""
    vocabulary = kb.vocabulary
    problems = []
    for entry in kb:
        for term, pattern in _JARGON_PATTERNS:
            if vocabulary.sections.get(fold(term)) == "abbreviations":
                continue
            for name, text in entry_texts(entry):
                # The first paragraph (or step) that uses the word must explain it somewhere:
                # "… een startkwalificatie hebt. Een startkwalificatie is een diploma …".
                uses = list(pattern.finditer(text))
                if not uses:
                    continue
                match = uses[0]
                if not any(explained(text, m.start(), m.end()) for m in uses):
                    problems.append(Problem(
                        entry.file,
                        f"'{match.group(0)}' is vakjargon: leg het uit waar het item het voor "
                        f"het eerst gebruikt, bijvoorbeeld '{match.group(0)} (…)', of schrijf "
                        "het in gewone woorden",
                        where.text_line(entry, name, text[match.start():]), f"'{name}'",
                        entry.id))
                break  # only the first use counts
    return problems


# --- the whole check -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Report:
    errors: list[Problem]
    warnings: list[str]


MIN_QUESTIONS = 3  # fewer phrasings and the bot hardly learns to recognise an entry


def thin_questions(kb: KnowledgeBase, where: Locations) -> list[Problem]:
    return [Problem(entry.file, f"{len(entry.questions)} vraag/vragen: schrijf er 4 tot 10, "
                    "zoals medewerkers het typen, anders herkent de bot dit item slecht",
                    where.field_line(entry, "questions"), "'questions'", entry.id)
            for entry in kb if len(entry.questions) < MIN_QUESTIONS]


def schema_warnings(kb: KnowledgeBase) -> list[Problem]:
    """A knowledge file whose first line does not point the editor at its JSON Schema (only
    when the folder has the schema files)."""
    if not (kb.directory / SCHEMA_DIR).is_dir():
        return []
    problems = []
    for path in sorted(kb.directory.glob("*.yaml")):
        wanted = schema_line(path.name)
        with path.open(encoding="utf-8", errors="replace") as handle:
            first = handle.readline().rstrip("\r\n")
        if first != wanted:
            problems.append(Problem(path.name, f"zet als eerste regel '{wanted}', dan vult en "
                                    "controleert VS Code de velden terwijl je typt", 1))
    return problems


def check(kb: KnowledgeBase, where: Locations | None = None) -> Report:
    """The conflict, language and editor rules for a knowledge base that loads."""
    where = where or Locations(kb)
    warnings = [str(p) for p in duplicate_questions(kb, where)
                + long_sentences(kb, where) + long_answers(kb, where)
                + unexplained_jargon(kb, where) + thin_questions(kb, where)
                + schema_warnings(kb)]
    return Report(conflict_errors(kb, where), warnings)


# --- `ask --explain` in words ----------------------------------------------------------------


DEFAULT_TOP = 3  # answers shown at most, unless `ask --top` says otherwise


@dataclass(frozen=True, slots=True)
class DecisionRules:
    """The thresholds the answer decision uses (bot/ranker.py with a trained model, otherwise
    bot/matcher.py)."""

    learned: bool  # the ranker of a trained model decides (confidence 0-100)
    answer: float  # at or above: an answer
    margin: float  # learned: log-odds; otherwise points; closer than this to the best: ask
    band: float  # further answers within this distance of the best are listed too
    further: float  # ... when at least this sure
    suggest: float  # weaker candidates from here on are suggestions
    veto_words: int = 0  # without a model: a question this short with an off-topic word


@lru_cache(maxsize=4)
def decision_rules(directory: Path) -> DecisionRules:
    """The thresholds of the intent model in `directory` (or the matcher's without one)."""
    from bot.model import ModelError, TextModel, intent_model_path
    from bot.ranker import Ranker

    path = intent_model_path(directory)
    ranker = None
    if path.exists():
        try:
            model = TextModel.load(path)
            ranker = Ranker.from_model(model) if model.name == "intent" else None
        except ModelError:
            ranker = None
    return rules_for(ranker)


def rules_for(ranker: Ranker | None) -> DecisionRules:
    """The thresholds the service decides with: its ranker's, or the matcher's."""
    from bot import matcher

    if ranker is None:
        return DecisionRules(False, matcher.CONFIDENT, matcher.CLARIFY_MARGIN,
                             matcher.ANSWER_BAND, matcher.CONFIDENT, matcher.SUGGEST_MIN,
                             matcher.OFFTOPIC_VETO_WORDS)
    return DecisionRules(True, ranker.answer, ranker.margin, ranker.band,
                         min(ranker.further, ranker.answer), ranker.suggest)


def number(value: float) -> str:
    """61 or 43,5: a score as a Dutch reader writes it."""
    rounded = round(value, 1)
    text = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"
    return text.replace(".", ",")


def _too_close(rules: DecisionRules, best: float, other: float) -> tuple[bool, str]:
    """Whether two confident candidates cannot be told apart, and why in words."""
    if rules.learned:  # confidences are probabilities: compare their odds (bot/ranker.py)
        import math

        from bot.ranker import _log_odds

        gap = _log_odds(best) - _log_odds(other)
        return gap <= rules.margin, (f"kansverhouding {number(math.exp(gap))}× ≤ "
                                     f"{number(math.exp(rules.margin))}×")
    gap = best - other
    return gap <= rules.margin, f"verschil {number(gap)} ≤ {number(rules.margin)}"


def decision_lines(explain: dict[str, Any], rules: DecisionRules) -> list[str]:
    """The decision against its thresholds, in words: why an answer, a choice or suggestions."""
    words = [w for w in explain.get("words", []) if isinstance(w, dict)]
    candidates = [c for c in explain.get("candidates", []) if isinstance(c, dict)]
    source = ("het lerende model (drempels uit knowledge/model/intent-model.bin)" if rules.learned
              else "de woordvergelijking (geen getraind model; drempels uit bot/matcher.py)")
    lines = [f"Besluit door {source}:"]
    if not candidates:
        return [*lines, "  geen kandidaten: de vraag is leeg, small talk of alleen een "
                        "veiligheidssignaal; de bot antwoordt met een vaste zin"]
    typed = [w for w in words if "hint" not in w.get("notes", [])]
    off = [str(w["word"]) for w in typed if "off topic" in w.get("notes", [])]
    vetoed = False
    if off:
        listed = ", ".join(f"'{w}'" for w in off)
        if rules.learned:
            lines.append(f"  buiten het onderwerp: {listed} staat in de lijst offtopic van "
                         "vocabulary.yaml; het model telt dat mee en is daardoor minder zeker")
        elif len(typed) <= rules.veto_words:
            vetoed = True
            lines.append(f"  buiten het onderwerp: {listed} staat in de lijst offtopic en de "
                         f"vraag is kort ({len(typed)} ≤ {rules.veto_words} woorden): alleen "
                         "suggesties, geen antwoord")
        else:
            lines.append(f"  buiten het onderwerp: {listed} weegt zwaar mee, maar de vraag is "
                         f"lang genoeg ({len(typed)} > {rules.veto_words} woorden) om toch te "
                         "antwoorden")
    best = candidates[0]
    top = float(best["score"])
    if vetoed or top < rules.answer:
        if not vetoed:
            lines.append(f"  niet zeker genoeg: {number(top)} < {number(rules.answer)} voor "
                         f"'{best['id']}': geen antwoord")
        hints = [c for c in candidates[:3] if float(c["score"]) >= rules.suggest]
        lines += [f"  suggestie: '{c['id']}' {number(float(c['score']))} ≥ "
                  f"{number(rules.suggest)}" for c in hints]
        if not hints:
            lines.append(f"  geen suggesties: niets haalt {number(rules.suggest)}")
        return lines
    lines.append(f"  zeker genoeg: {number(top)} ≥ {number(rules.answer)} voor '{best['id']}'")
    close = []
    for c in candidates[1:]:
        score = float(c["score"])
        near, why = _too_close(rules, top, score)
        if score >= rules.further and near:
            close.append((c, why))
    if close:
        names = ", ".join(f"'{c['id']}' {number(float(c['score']))} ({why})" for c, why in close)
        lines.append(f"  te dicht bij elkaar: kies. '{best['id']}' {number(top)} en {names}: "
                     "de bot vraagt 'Bedoel je …?'")
        return lines
    suggested, answers = 0, 1
    for c in candidates[1:]:
        score = float(c["score"])
        if score >= rules.further and top - score <= rules.band:
            answers += 1
            extra = f" (alleen met --top {answers} of meer)" if answers > DEFAULT_TOP else ""
            lines.append(f"  ook een antwoord{extra}: '{c['id']}' {number(score)} ≥ "
                         f"{number(rules.further)} en binnen {number(rules.band)} van de beste")
        elif score >= rules.suggest and suggested < 3:
            suggested += 1
            lines.append(f"  suggestie: '{c['id']}' {number(score)} ≥ {number(rules.suggest)}")
    return lines


def explain_text(explain: dict[str, Any], rules: DecisionRules) -> str:
    """`ask --explain` for a curator: the words, the candidates and the decision."""
    notes_nl = {"off topic": "ander onderwerp (lijst offtopic)",
                "hint": "hint van de veiligheidscheck, telt voor een kwart"}
    lines = ["", "Waarom dit antwoord (voor beheerders):"]
    for w in explain.get("words", []):
        stems = ", ".join(f"{s} {number(float(f))}" for s, f in w["stems"].items()) or "-"
        notes = [notes_nl.get(n, n.replace("->", "→")) for n in w["notes"]]
        lines.append(f"  woord '{w['word']}' weegt {number(float(w['weight']))}: {stems}"
                     + (f"  [{'; '.join(notes)}]" if notes else ""))
    label = "zekerheid" if rules.learned else "score"
    for c in explain.get("candidates", []):
        shares = (f"dekking {float(c['cover']):.0%}, lijkt op een vraag {float(c['phrase']):.0%}, "
                  f"titel {float(c['title_cover']):.0%}")
        lines.append(f"  {label} {number(float(c['score'])):>5}  {c['id']}  {shares}  gevonden: "
                     f"{', '.join(c['matched'])}")
    lines += decision_lines(explain, rules)
    return "\n".join(lines)
