"""The one question-answering service: every channel asks here, so all channels agree.

ask(question) -> Reply: the safety check over the whole message first, then the matcher's
decision, composed into answers that read on their own.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz

from bot import safety, texts
from bot.areas import Areas
from bot.followup import is_followup, leans_back
from bot.knowledge import Entry, KnowledgeBase, load_knowledge
from bot.matcher import MAX_QUESTION_CHARS, Candidate, Decision, Index
from bot.model import Models
from bot.narrative import question_part
from bot.privacy import find_personal_data
from bot.ranker import Ranker
from bot.safety import SafetyNotice
from bot.smalltalk import is_small_talk

SHORT_STEPS = 3  # a situation's short card shows at most this many first steps
SHORT_WORDS = 100  # words before any button that a short card aims at, local route included
SHORT_WORDS_MAX = 120  # and never passes
MAX_INPUT_CHARS = 200_000  # anything longer is cut before any work is done
MAX_REACH = 3  # how many of a route's partners get their contact route in the answer
NAMED = 0.5  # share of an entry's title (or a name) a question must name to ask for it by name
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


Style = Literal["paragraph", "numbered", "bullets"]


@dataclass(frozen=True, slots=True)
class Section:
    label: str | None  # None for the main answer paragraph
    lines: tuple[str, ...]
    style: Style = "paragraph"


@dataclass(frozen=True, slots=True)
class Answer:
    id: str
    kind: str
    title: str
    sections: tuple[Section, ...]
    partners: tuple[str, ...]
    sources: tuple[str, ...]
    related: tuple[tuple[str, str], ...]  # (id, title) of follow-up entries
    score: float
    # The entries whose local contact routes belong under this answer: the entry itself and
    # the partners it sends the user to, in that order.
    route_ids: tuple[str, ...] = ()
    summary: str = ""  # what a reader sees first: 1-3 sentences
    first_steps: tuple[str, ...] = ()  # for a situation: the steps, in order

    @property
    def lead(self) -> str:
        """The summary, or the answer's first paragraph for an entry without one."""
        return self.summary or (self.sections[0].lines[0] if self.sections else "")

    def short_steps(self, extra_words: int = 0) -> tuple[str, ...]:
        """The first steps that fit on the short card, with `extra_words` (a local route)
        already on it: about one phone screen, never more than SHORT_WORDS_MAX words."""
        used = len(self.title.split()) + len(self.lead.split()) + extra_words
        steps: list[str] = []
        for step in self.first_steps[:SHORT_STEPS]:
            cost = len(step.split()) + 1
            if used + cost > (SHORT_WORDS if steps else SHORT_WORDS_MAX):
                break
            steps.append(step)
            used += cost
        return tuple(steps)

    @property
    def short_text(self) -> str:
        """The short card as plain text: the summary, and for a situation its first steps."""
        lines = [self.lead]
        lines += [f"{i}. {step}" for i, step in enumerate(self.short_steps(), 1)]
        return "\n".join(lines)

    @property
    def text(self) -> str:
        """The whole answer as plain text, as a person reads it."""
        return render_sections(self.sections)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "text": self.text,
                "summary": self.summary, "partners": list(self.partners),
                "score": round(self.score)}


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    title: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "score": round(self.score)}


@dataclass(frozen=True, slots=True)
class Reply:
    query: str
    answers: tuple[Answer, ...]
    clarify: bool
    suggestions: tuple[Suggestion, ...]
    safety: SafetyNotice | None
    message: str | None  # a friendly line when there is no (single) answer
    explain: dict[str, Any] | None = None
    personal_data: bool = False  # the question seems to name a person, a number or an address

    @property
    def answered(self) -> bool:
        return bool(self.answers)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "query": self.query,
            "answers": [a.as_dict() for a in self.answers],
            "clarify": self.clarify,
            "suggestions": [s.as_dict() for s in self.suggestions],
            "safety": self.safety.as_dict() if self.safety else None,
        }
        if self.message:
            data["message"] = self.message
        if self.personal_data:
            data["personal_data"] = True
        if self.explain is not None:
            data["explain"] = self.explain
        return data


def render_sections(sections: tuple[Section, ...]) -> str:
    blocks = []
    for section in sections:
        if section.style == "numbered":
            body = "\n".join(f"{i}. {line}" for i, line in enumerate(section.lines, 1))
        elif section.style == "bullets":
            body = "\n".join(f"- {line}" for line in section.lines)
        else:
            body = " ".join(section.lines)
        blocks.append(f"{section.label}:\n{body}" if section.label else body)
    return "\n\n".join(blocks)


def clean_question(raw: str) -> str:
    """Drop control and invisible characters and surplus whitespace; keep every other script."""
    cut = raw[:MAX_INPUT_CHARS]
    return " ".join(_CONTROL_RE.sub(" ", cut).split())


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NAME_HEDGE = re.compile(r"\b(heet|naam|namen)\b.*\bverschil\w*\s+per\s+gemeente|"
                         r"\bverschil\w*\s+per\s+gemeente\b.*\b(heet|naam|namen)\b",
                         re.IGNORECASE)


def without_name_hedge(text: str) -> str:
    """The text without its sentences saying that the name differs per gemeente: said where
    the deployment's own name for it is known, they only send the reader searching."""
    return " ".join(s for s in _SENTENCE_END.split(text) if not _NAME_HEDGE.search(s))


_NUMBER = re.compile(r"\d+")


def _repeats(sentence: str, numbers: set[str], earlier: str, earlier_numbers: set[str]) -> bool:
    """`sentence` says nothing `earlier` did not: nearly the same words, or contained in it,
    and no number of its own."""
    if not numbers <= earlier_numbers:
        return False
    return fuzz.ratio(sentence, earlier) >= REPEAT_RATIO or (
        len(sentence) <= len(earlier) and fuzz.partial_ratio(sentence, earlier) >= 95)


REPEAT_RATIO = 80


def _units(line: str) -> list[str]:
    """The sentences of a line, a question joined to the sentence that answers it."""
    units: list[str] = []
    for sentence in _SENTENCE_END.split(line):
        if units and units[-1].endswith("?"):
            units[-1] += " " + sentence
        else:
            units.append(sentence)
    return units


@lru_cache(maxsize=1024)
def without_repeats(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """The sections without sentences that repeat another one of the same answer: the
    knowledge base writes each field to stand on its own (the text, the steps, how to reach
    a partner), so put together, a fact such as "meld binnen 5 werkdagen bij DUO" can come
    twice. The steps keep theirs (a step without its action would be no step); elsewhere the
    first one stays. Short sentences (under four words) always stay; a line left empty goes."""
    seen: list[tuple[str, set[str]]] = []

    def keep(sentence: str, always: bool) -> bool:
        key = sentence.casefold().strip(" .!?;:")
        numbers = set(_NUMBER.findall(sentence))
        if not always and len(key.split()) >= 4 and \
                any(_repeats(key, numbers, k, n) for k, n in seen):
            return False
        seen.append((key, numbers))
        return True

    for section in sections:
        if section.style == "numbered":
            for line in section.lines:
                for sentence in _SENTENCE_END.split(line):
                    keep(sentence, always=True)
    kept_sections = []
    for section in sections:
        if section.style == "numbered":
            kept_sections.append(section)
            continue
        lines = [" ".join(kept) for line in section.lines
                 if (kept := [x for x in _units(line) if keep(x, always=False)])]
        if lines:
            kept_sections.append(Section(section.label, tuple(lines), section.style))
    return tuple(kept_sections)


def compose(kb: KnowledgeBase, entry: Entry, score: float,
            local_names: dict[str, str] | None = None, gemeente: str = "") -> Answer:
    named_here = entry.id in (local_names or {})
    hedged: Callable[[str], str] = without_name_hedge if named_here else str
    sections: list[Section] = [Section(None, (hedged(entry.answer),))]
    if entry.when:
        sections.append(Section(texts.LABEL_WHEN, (hedged(entry.when),)))
    if entry.reach:
        sections.append(Section(texts.LABEL_REACH, (hedged(entry.reach),)))
    if entry.steps:
        label = texts.LABEL_STEPS if entry.kind == "situation" else None
        sections.append(Section(label, entry.steps, "numbered"))
    if entry.prepare:
        sections.append(Section(texts.LABEL_PREPARE, entry.prepare, "bullets"))
    if entry.agree:
        sections.append(Section(texts.LABEL_AGREE, entry.agree, "bullets"))
    here = local_names or {}
    partners = tuple(kb.partner_names(entry))
    if here:  # the deployment's own names, e.g. "Sociaal wijkteam Hoofddorp"
        ids = ([entry.id] if entry.kind == "partner" else []) + list(entry.partners)
        title_of = {p.title: p.id for p in (kb.get(i) for i in ids) if p}
        partners = tuple(f"{t} ({here[title_of[t]]})" if title_of.get(t) in here else t
                         for t in partners)
        if entry.id in here:
            sections.append(Section(None, (texts.LOCAL_NAME_HERE.format(
                gemeente=gemeente, name=here[entry.id]),)))
    if entry.kind != "partner" and partners:
        sections.append(Section(texts.LABEL_PARTNERS, (", ".join(partners),)))
        first = [p for p in (kb.get(pid) for pid in entry.partners[:MAX_REACH]) if p]
        reach = tuple(f"{p.title}: {p.reach}" for p in first if p.reach)
        if reach:
            sections.append(Section(texts.LABEL_REACH_PARTNERS, reach, "bullets"))
    if entry.local and entry.id not in here:
        if entry.kind == "partner" and entry.names:
            names = ", ".join(entry.names)
            sections.append(Section(None, (texts.LOCAL_NAMES.format(names=names),)))
        else:
            sections.append(Section(None, (texts.LOCAL_ROUTE,)))
    # the same entry composes to the same sections: pairwise comparison once, not per answer
    kept = without_repeats(tuple(sections))
    sources = tuple(dict.fromkeys(f"{c.source.citation}, {c.section}" for c in entry.citations))
    related = tuple((r.id, r.title) for r in (kb.get(rid) for rid in entry.related) if r)
    route_ids = tuple(dict.fromkeys([entry.id, *(p for p in entry.partners if kb.get(p))]))
    steps = entry.steps if entry.kind == "situation" else ()
    return Answer(entry.id, entry.kind, entry.title, kept, partners, sources,
                  related, score, route_ids, hedged(entry.summary), tuple(steps))


def _is_safety_route(entry: Entry) -> bool:
    """An entry whose questions are themselves safety signals: offered as a guess only after a
    notice, so that "tips tegen werkdruk" is never asked "bedoel je: misbruik door personeel?"."""
    return entry.signal is not None and entry.signal != "mixed"


class Service:
    """Answers questions from one knowledge base; cheap to call, built once."""

    def __init__(self, kb: KnowledgeBase, areas: Areas | None = None,
                 models: Models | None = None) -> None:
        self.kb = kb
        self.index = Index(kb)
        self.models = models if models is not None else Models.load(kb.directory)
        intent = self.models.intent
        self.ranker = Ranker.from_model(intent) if intent is not None else None
        # An operator's real area file brings local names; the shipped example does not.
        self._areas = areas if areas is not None and not areas.example else None
        self._gemeente = areas.gemeente if areas is not None else ""

    def known_word(self, word: str) -> bool:
        """A folded word the knowledge base or its vocabulary uses (never personal data)."""
        return self.index.knows(word)

    def _compose(self, entry: Entry, score: float, wijk: str | None = None) -> Answer:
        """The answer, with the local names of the user's wijk (its gemeente in a region)."""
        if self._areas is None:
            return compose(self.kb, entry, score, {}, self._gemeente)
        gemeente, names = self._areas.names_for(wijk)
        return compose(self.kb, entry, score, names, gemeente)

    @classmethod
    def load(cls, directory: Path | None = None) -> Service:
        return cls(load_knowledge(directory))

    def answer_for(self, entry_id: str, wijk: str | None = None) -> Answer | None:
        """An entry by id, for buttons and deep links."""
        entry = self.kb.get(entry_id)
        return self._compose(entry, 100.0, wijk) if entry else None

    def safety_notice(self, text: str) -> SafetyNotice | None:
        """The notice a message needs on its own, without an answer: for messages the bot does
        not answer (a group message not meant for it, a flooding user, a reply to its question
        what was missing), which still always get their notice."""
        return safety.check(clean_question(text), self.models.safety)

    def partners(self, domain: str | None = None, age: str | None = None) -> list[Entry]:
        """Partners in a praatplaat domain and/or age group, by title (for browsing)."""
        return sorted((e for e in self.kb if e.kind == "partner"
                       and (domain is None or e.domain == domain)
                       and (age is None or age in e.ages)), key=lambda e: e.title.casefold())

    def entries_of(self, kind: str) -> list[Entry]:
        return sorted((e for e in self.kb if e.kind == kind), key=lambda e: e.title.casefold())

    def random_tip(self, rng: random.Random) -> Answer:
        tips = self.entries_of("tip") or list(self.kb)
        entry = rng.choice(tips)
        return self._compose(entry, 100.0)

    def ask(self, question: str, top: int = 3, explain: bool = False,
            after: str | None = None, wijk: str | None = None) -> Reply:
        """The reply to one message; `after` is the id of the answer just given, so that a
        follow-up ("en in het VO?") is read in its light (one turn of context)."""
        text = clean_question(question)
        notice = safety.check(text, self.models.safety)
        if not text or not any(ch.isalnum() for ch in text):
            hint = texts.SAFETY_ONLY if notice else texts.EMPTY_QUESTION
            return Reply(text, (), False, (), notice, hint,
                         {"candidates": []} if explain else None)
        if notice is None and is_small_talk(text):
            return Reply(text, (), False, (), None, texts.SMALL_TALK,
                         {"candidates": []} if explain else None)
        # The safety check says what the message is about; the matcher hears it as a hint.
        # A possible signal is too unsure to steer the answer.
        hint = safety.TOPICS[notice.level] if notice is not None and notice.tier == "clear" \
            else ""
        levels = notice.levels if notice is not None else ()
        decision = self.decide(text, top, hint, levels)
        previous = self.kb.get(after) if after else None
        if previous is not None and is_followup(text) and \
                (leans_back(text) or not decision.answers):
            combined = self.decide(f"{text} {previous.title}", top, hint, levels)
            if combined.answers or not decision.answers:
                decision = combined
        if not decision.answers:  # a long story: try the sentences that ask something
            asking = question_part(text)
            focused = self.decide(asking, top, hint, levels) if asking else None
            if focused is not None and focused.answers:
                decision = focused
        answers = tuple(self._compose(c.entry, c.score, wijk) for c in decision.answers)
        suggestions = tuple(Suggestion(c.entry.id, c.entry.title, c.score)
                            for c in decision.suggestions
                            if notice is not None or not _is_safety_route(c.entry))
        if notice is not None:
            # After a safety notice: its own route, or nothing; never unrelated guesses.
            suggestions = ()
            route = self.kb.get(safety.ROUTE_ENTRIES[notice.level]) \
                if notice.tier == "clear" and not answers else None
            if route is not None:
                answers = (self._compose(route, 100.0, wijk),)
        if decision.clarify:
            message: str | None = texts.CLARIFY
        elif answers:
            message = None
        elif notice is not None:
            message = texts.SAFETY_ONLY
        elif suggestions:
            message = texts.NO_ANSWER_WITH_SUGGESTIONS
        else:
            message = texts.NO_ANSWER
        return Reply(text[:1000], answers, decision.clarify, suggestions, notice, message,
                     self._explain(decision) if explain else None,
                     personal_data=bool(find_personal_data(text[:MAX_QUESTION_CHARS])))

    def decide(self, text: str, top: int = 3, hint: str = "",
               levels: tuple[safety.Level, ...] = ()) -> Decision:
        """The matcher's lexical evidence and the intent model's, combined by the ranker; the
        lexical decision alone when the knowledge base has no trained model.

        The routes for suspected abuse, abuse by staff and suicide are offered only for a
        message with that signal (`levels`) or one that names them: "tips tegen werkdruk als
        leraar" never gets the route for abuse by staff, nor does abuse by an uncle."""
        if self.ranker is None or self.models.intent is None:
            return self.index.decide(text, top=top, hint=hint)
        query = self.index.query_for(text, hint)
        lexical = self.index.rank(query)
        named = {c.entry.id for c in lexical if c.title >= NAMED}
        withheld = frozenset(safety.ROUTE_ENTRIES[level] for level in ("suicide", "staff",
                                                                        "meldcode")
                             if level not in levels) - named
        probs = self.models.intent.probabilities(text[:MAX_QUESTION_CHARS],
                                                 self.index.concepts(query))
        return self.ranker.decide(self.kb, query, lexical, probs, top, withheld)

    def _explain(self, decision: Decision) -> dict[str, Any]:
        query = decision.query

        def describe(c: Candidate) -> dict[str, Any]:
            return {"id": c.entry.id, "title": c.entry.title, "score": c.score,
                    "cover": round(c.cover, 3), "phrase": round(c.phrase, 3),
                    "title_cover": round(c.title, 3),
                    "matched": list(self.index.matched_terms(query, c.entry))}

        return {
            "words": [{"word": s.word, "weight": round(s.weight, 2),
                       "stems": {k: round(v, 2) for k, v in sorted(s.alternatives.items())},
                       "notes": list(s.notes)} for s in query.slots],
            "candidates": [describe(c) for c in decision.ranked[:5]],
        }
