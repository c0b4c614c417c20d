"""Finding the entries that answer a question.

normalise -> expand with the vocabulary -> correct typos -> score -> rank -> decide.

Scoring is in two stages so that it stays fast on large knowledge bases: an inverted index over
stems selects and scores candidates by how much of the question they cover (weighted by how rare
each word is and where in the entry it stands), then rapidfuzz compares the best candidates'
phrasings with the question. Four signals (coverage, evidence, phrase, title) combine into one
0-100 confidence, which the decision compares with fixed thresholds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge import Entry, KnowledgeBase
from bot.normalize import STOPWORDS, fold, stem, strip_stop_phrases, without_place_numbers

# Where a word stands in an entry says how much it means for matching.
FIELD_WEIGHTS: dict[str, float] = {
    "title": 1.0,
    "names": 1.0,
    "questions": 0.9,
    "keywords": 0.9,
    "answer": 0.5,
    "body": 0.4,
}
EXPANSION_FACTOR = 0.9  # a vocabulary expansion counts almost as the word itself
COMPOUND_FACTOR = 0.8  # a part of an unknown compound
MAX_QUESTION_CHARS = 600  # match on a bounded prefix; safety reads the whole message
MAX_PHRASE_WORDS = 4
MAX_WORD_CHARS = 40
CANDIDATES = 25  # how many index hits get the (slower) phrase comparison


@dataclass(frozen=True, slots=True)
class Weights:
    """How the signals combine into one 0-100 confidence.

    Tuned by grid search on tests/eval/dev.yaml and dev2.yaml (tests/benchmarks/tune.py).
    """

    cover: float = 0.26  # share of the question's meaning found in the entry
    evidence: float = 0.30  # how much distinctive meaning was found, in absolute terms
    phrase: float = 0.22  # closeness to one of the entry's phrasings (rapidfuzz)
    title: float = 0.22  # share of the entry's title (or a name) the question names
    evidence_scale: float = 1.0  # evidence of this many rare, strong words gives ~63 %
    unknown: float = 0.4  # weight of a word the index does not know, as share of the rarest
    cover_cap: float = 3.0  # a long description counts as at most this many rare words
    offtopic: float = 1.5  # weight of a word from the vocabulary's `offtopic` list
    gate: float = 0.5  # phrase and title count as far as the question is covered (cover**gate)


DEFAULT_WEIGHTS = Weights()
CONFIDENT = 43.5  # at or above: an answer
CLARIFY_MARGIN = 3.5  # confident candidates this close to the best: ask which one is meant
ANSWER_BAND = 20.0  # further confident answers within this distance of the best are listed too
SUGGEST_MIN = 22.0  # weaker candidates above this are offered as suggestions
# A short question with an off-topic word ("hoeveel verdient een IB'er") is about that other
# subject: it gets suggestions at most. In a longer description such a word only weighs in.
OFFTOPIC_VETO_WORDS = 5
HINT_WEIGHT = 0.25  # a hint word weighs a quarter of a typed one
OFFTOPIC_TOKEN = "zzofftopiczz"  # stands in for an off-topic phrase; no entry contains it


@dataclass(frozen=True, slots=True)
class Slot:
    """One meaningful word of the question and the stems that may stand for it."""

    word: str
    alternatives: dict[str, float]  # stem -> factor (1.0 for the word itself)
    weight: float  # how much this word counts in the question
    notes: tuple[str, ...] = ()  # how alternatives were found, for --explain
    off_topic: bool = False  # a word from the vocabulary's off-topic list
    hint: bool = False  # added by the service (the safety topic), not typed by the user


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    slots: tuple[Slot, ...]

    @property
    def total_weight(self) -> float:
        return sum(s.weight for s in self.slots)


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: Entry
    score: float  # 0-100
    cover: float  # 0-1
    phrase: float  # 0-1
    title: float  # 0-1
    evidence: float  # 0-1


@dataclass(frozen=True, slots=True)
class Decision:
    answers: tuple[Candidate, ...]
    clarify: bool
    suggestions: tuple[Candidate, ...]
    ranked: tuple[Candidate, ...]  # the best candidates, for --explain
    query: Query


def _entry_fields(entry: Entry) -> dict[str, list[str]]:
    body = [entry.when or "", entry.reach or "", *entry.steps, *entry.prepare, *entry.agree]
    return {
        "title": [entry.title],
        "names": list(entry.names),
        "questions": list(entry.questions),
        "keywords": list(entry.keywords),
        "answer": [entry.answer],
        "body": body,
    }


def title_variants(title: str) -> list[str]:
    """A title and its handles: the part before a colon, and what is inside or before brackets.

    "Meldcode huiselijk geweld en kindermishandeling: de vijf stappen" is asked for as
    "meldcode huiselijk geweld"; "Centrum voor Jeugd en Gezin (CJG)" as "cjg".
    """
    variants = [title]
    head = title.split(":", 1)[0].strip()
    if head != title:
        variants.append(head)
    if "(" in head and head.endswith(")"):
        before, _, inside = head[:-1].partition("(")
        variants += [before.strip(), inside.strip()]
    return [v for v in dict.fromkeys(variants) if v]


def _stems_of(text: str) -> list[str]:
    return [stem(w) for w in fold(text).split() if len(w) > 1 and w not in STOPWORDS]


class Index:
    """The searchable form of a knowledge base; built once, read by every question."""

    def __init__(self, kb: KnowledgeBase, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.kb = kb
        self.weights = weights
        self.entries: tuple[Entry, ...] = kb.entries
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        surface: dict[str, str] = {}
        self.title_stems: list[tuple[frozenset[str], ...]] = []
        self.title_union: list[frozenset[str]] = []  # every stem of any title or name
        self.phrasings: list[tuple[str, ...]] = []
        for idx, entry in enumerate(self.entries):
            for field_name, texts in _entry_fields(entry).items():
                weight = FIELD_WEIGHTS[field_name]
                for text in texts:
                    for word in fold(text).split():
                        if len(word) <= 1 or word in STOPWORDS:
                            continue
                        s = stem(word)
                        surface.setdefault(word, s)
                        if postings[s].get(idx, 0.0) < weight:
                            postings[s][idx] = weight
            titles = [*title_variants(entry.title), *entry.names]
            self.title_stems.append(tuple(frozenset(_stems_of(t)) for t in titles))
            self.title_union.append(frozenset().union(*self.title_stems[-1]))
            phr = {" ".join(sorted(_stems_of(t))) for t in (*titles, *entry.questions)}
            self.phrasings.append(tuple(sorted(p for p in phr if p)))
        n = max(len(self.entries), 1)
        self.postings: dict[str, tuple[tuple[int, float], ...]] = {
            s: tuple(sorted(p.items())) for s, p in postings.items()
        }
        # A word's weight: rare words mean more (idf), and a word that only ever occurs in
        # running text ("lijkt", "daarover") means less than one that names or tags an entry.
        self.idf: dict[str, float] = {
            s: math.log(1.0 + n / len(p)) * max(fw for _, fw in p)
            for s, p in self.postings.items()
        }
        self.max_idf = math.log(1.0 + n)
        # Unknown words dilute the match (the question is partly about something else).
        self.unknown_weight = weights.unknown * self.max_idf
        self.vocabulary = kb.vocabulary.expansions
        self.vocab_stems: dict[str, tuple[str, ...]] = {}
        for key, words in sorted(self.vocabulary.items()):
            if " " not in key and key not in kb.vocabulary.exact_only:
                self.vocab_stems.setdefault(stem(key), words)
        # Words that mark another subject ("salaris", "recept") weigh heavily and match nothing,
        # so that "hoeveel verdient een IB'er" is not taken for a question about the IB'er.
        offtopic = {stem(w): w for w in kb.vocabulary.offtopic if " " not in w}
        self.offtopic_phrases = tuple(sorted(w for w in kb.vocabulary.offtopic if " " in w))
        # A word the knowledge base itself uses is never off topic; `kb check` reports it.
        self.offtopic_conflicts = tuple(sorted(w for s, w in offtopic.items()
                                               if s in self.postings))
        self.offtopic: frozenset[str] = frozenset(s for s in offtopic if s not in self.postings)
        self.offtopic_weight = weights.offtopic * self.max_idf
        self.max_phrase = max((k.count(" ") + 1 for k in self.vocabulary), default=1)
        self.max_phrase = min(self.max_phrase, MAX_PHRASE_WORDS)
        self.surface_words: list[str] = sorted(set(surface) | set(self.vocabulary))
        self.surface_stem = surface
        # Typo candidates by length: a spelling at least 82 % similar (rapidfuzz ratio) differs
        # in length by at most a fifth, so each length needs only its neighbours.
        self._typo_candidates: dict[int, list[str]] = {}
        for length in range(1, max((len(w) for w in self.surface_words), default=0) + 4):
            window = max(2, length // 5 + 1)
            self._typo_candidates[length] = [w for w in self.surface_words
                                             if abs(len(w) - length) <= window]

    def knows(self, word: str) -> bool:
        return (word in STOPWORDS or word in self.surface_stem or word in self.vocabulary
                or stem(word) in self.postings)

    # --- question analysis -------------------------------------------------------------------

    def _expansion_stems(self, words: tuple[str, ...], factor: float) -> dict[str, float]:
        out: dict[str, float] = {}
        for w in words:
            if len(w) > 1 and w not in STOPWORDS:
                s = stem(w)
                out[s] = max(out.get(s, 0.0), factor)
        return out

    def _correct(self, word: str) -> tuple[dict[str, float], str | None]:
        """Stems for a word the index does not know: a typo correction or a compound split.

        A close spelling wins over a split ("leerlicht" is "leerplicht", not "leer" + "licht");
        a split wins over a loose spelling match.
        """
        if len(word) < 4 or word.isdigit():
            return {}, None
        candidates = self._typo_candidates.get(len(word), self.surface_words)
        match = process.extractOne(word, candidates, scorer=fuzz.ratio,
                                   score_cutoff=82.0 if len(word) > 5 else 88.0)
        if match is None or match[1] < 90.0:
            split = self._split_compound(word)
            if split is not None:
                return split
        if match is None:
            return {}, None
        found, similarity = match[0], match[1] / 100.0
        factor = similarity * similarity
        if found in self.vocabulary:
            alts = self._expansion_stems(self.vocabulary[found], factor * EXPANSION_FACTOR)
            s = stem(found)
            if s in self.postings:
                alts[s] = max(alts.get(s, 0.0), factor)
            return alts, f"{word} ~ {found} ({match[1]:.0f})"
        return {self.surface_stem[found]: factor}, f"{word} ~ {found} ({match[1]:.0f})"

    def _split_compound(self, word: str) -> tuple[dict[str, float], str] | None:
        """Two known words that make up an unknown one ("jeugdverpleegkundige")."""
        if len(word) < 8:
            return None
        for cut in range(len(word) - 4, 3, -1):
            head, tail = word[:cut], word[cut:]
            if tail in STOPWORDS:
                continue
            for h in dict.fromkeys((head, head[:-1] if head.endswith("s") else head)):
                if len(h) < 4 or h in STOPWORDS:
                    continue
                hs, ts = stem(h), stem(tail)
                if hs in self.postings and ts in self.postings:
                    return {hs: COMPOUND_FACTOR, ts: COMPOUND_FACTOR}, f"{word} = {h} + {tail}"
        return None

    def analyse(self, question: str) -> Query:
        text = question[:MAX_QUESTION_CHARS]
        folded = without_place_numbers(fold(text))
        # An off-topic phrase ("het weer") becomes one heavy word that matches nothing.
        for phrase in self.offtopic_phrases:
            if f" {phrase} " in f" {folded} ":
                folded = f" {folded} ".replace(f" {phrase} ", f" {OFFTOPIC_TOKEN} ").strip()
        # A "word" longer than any real one (a URL, a key mash) is cut: typo correction and
        # compound splitting cost grows with a word's length.
        words = [w[:MAX_WORD_CHARS] for w in strip_stop_phrases(folded).split()]
        # Vocabulary phrases (longest first) attach their expansions to the words they cover.
        extra: list[dict[str, float]] = [{} for _ in words]
        notes: list[list[str]] = [[] for _ in words]
        for size in range(self.max_phrase, 0, -1):
            for start in range(len(words) - size + 1):
                key = " ".join(words[start:start + size])
                expansion = self.vocabulary.get(key)
                if expansion is None and size == 1:
                    expansion = self.vocab_stems.get(stem(key))
                if expansion is None:
                    continue
                expanded = self._expansion_stems(expansion, EXPANSION_FACTOR)
                span = range(start, start + size)
                targets = [i for i in span if words[i] not in STOPWORDS] or [start + size - 1]
                for i in targets:
                    for s, f in expanded.items():
                        extra[i][s] = max(extra[i].get(s, 0.0), f)
                    notes[i].append(f"{key} -> {' '.join(expansion)}")
        slots: list[Slot] = []
        seen: set[str] = set()
        for i, word in enumerate(words):
            is_content = len(word) > 1 and word not in STOPWORDS
            if not is_content and not extra[i]:
                continue
            own = stem(word)
            if is_content and (own in self.offtopic or word == OFFTOPIC_TOKEN):
                if own not in seen:
                    seen.add(own)
                    slots.append(Slot(word, {}, self.offtopic_weight, ("off topic",), True))
                continue
            alts: dict[str, float] = {}
            if is_content:
                alts[own] = 1.0
            for s, f in extra[i].items():
                alts[s] = max(alts.get(s, 0.0), f)
            slot_notes = list(notes[i])
            corrected = False
            if is_content and own not in self.postings and not extra[i]:
                fixed, note = self._correct(word)
                for s, f in fixed.items():
                    alts[s] = max(alts.get(s, 0.0), f)
                if note:
                    slot_notes.append(note)
                corrected = bool(fixed)
            key = own if is_content else f"{word}:{i}"
            if key in seen:
                continue
            seen.add(key)
            known = [self.idf[s] * (f if corrected else 1.0)
                     for s, f in alts.items() if s in self.idf]
            weight = max(known) if known else self.unknown_weight
            if corrected:
                # A guessed spelling may be wrong ("leert" is not "levert"): weigh the word as
                # an unknown one, except for the confidence the guess earns.
                weight = max(self.unknown_weight, (weight + self.unknown_weight) / 2)
            if not is_content:
                weight *= 0.5  # an expanded stopword ("who") should not dominate
            slots.append(Slot(word, alts, weight, tuple(slot_notes)))
        return Query(text, tuple(slots))

    # --- scoring -------------------------------------------------------------------------------

    def _cover(self, query: Query) -> dict[int, float]:
        """Matched weight per entry, in absolute terms (divide by the total for the share)."""
        total: dict[int, float] = defaultdict(float)
        for slot in query.slots:
            best: dict[int, float] = {}
            for alt, factor in slot.alternatives.items():
                posting = self.postings.get(alt)
                if posting is None:
                    continue
                weight = factor * self.idf[alt]
                for idx, fw in posting:
                    contribution = weight * fw
                    if contribution > best.get(idx, 0.0):
                        best[idx] = contribution
            for idx, contribution in best.items():
                total[idx] += min(contribution, slot.weight)
        return total

    def _query_phrase(self, query: Query) -> str:
        picked = []
        for slot in query.slots:
            if slot.hint:
                continue
            known = [(self.idf[s] * f, s) for s, f in slot.alternatives.items() if s in self.idf]
            if known:
                picked.append(max(known)[1])
            elif slot.alternatives:
                picked.append(min(slot.alternatives))
        return " ".join(sorted(picked))

    def _title_cover(self, idx: int, slot_stems: list[frozenset[str]]) -> float:
        """Share of the entry's title (or one of its names) that the question names.

        Each word of the question counts once, so that one word whose vocabulary expansion
        repeats a title word ("laat" -> "verzuim te laat") cannot cover two of them.
        """
        best = 0.0
        if all(self.title_union[idx].isdisjoint(stems) for stems in slot_stems):
            return best
        for title in self.title_stems[idx]:
            if title:
                hits = sum(1 for stems in slot_stems if not title.isdisjoint(stems))
                best = max(best, min(hits, len(title)) / len(title))
        return best

    def rank(self, query: Query, limit: int = CANDIDATES) -> list[Candidate]:
        if not query.slots:
            return []
        matched = self._cover(query)
        shortlist = sorted(matched.items(), key=lambda kv: (-kv[1], self.entries[kv[0]].id))
        shortlist = shortlist[:limit]
        w = self.weights
        # A teacher describing a situation uses many words beside the signals that matter, so
        # the share of the question covered is taken over a bounded amount of meaning.
        total = min(query.total_weight, w.cover_cap * self.max_idf) or 1.0
        scale = w.evidence_scale * self.max_idf
        phrase_text = self._query_phrase(query)
        slot_stems = [frozenset(s.alternatives) for s in query.slots
                      if s.alternatives and not s.hint]
        ranked: list[Candidate] = []
        for idx, value in shortlist:
            cover = value / total
            evidence = 1.0 - math.exp(-value / scale)
            best = process.extractOne(phrase_text, self.phrasings[idx],
                                      scorer=fuzz.token_sort_ratio)
            phrase = (best[1] / 100.0) if best else 0.0
            title = self._title_cover(idx, slot_stems)
            # A question that names an entry's title but is mostly about something else
            # ("hoeveel verdient een IB'er") gets little credit for the title.
            gate = cover ** w.gate if w.gate else 1.0
            score = 100.0 * (w.cover * cover + w.evidence * evidence
                             + gate * (w.phrase * phrase + w.title * title))
            ranked.append(Candidate(self.entries[idx], round(min(score, 100.0), 1),
                                    cover, phrase, title, evidence))
        ranked.sort(key=lambda c: (-c.score, c.entry.id))
        return ranked

    def matched_terms(self, query: Query, entry: Entry) -> tuple[str, ...]:
        """The question's stems found in `entry`, with the field they were found in."""
        idx = self.entries.index(entry)
        names = {1.0: "title", 0.9: "questions/keywords", 0.5: "answer", 0.4: "text"}
        found = []
        for slot in query.slots:
            for alt in sorted(slot.alternatives):
                for i, fw in self.postings.get(alt, ()):
                    if i == idx:
                        found.append(f"{alt} ({names.get(fw, 'text')})")
        return tuple(found)

    def _with_hint(self, query: Query, hint: str) -> Query:
        """Add the words of `hint` as light slots: they tip the balance, never decide alone."""
        typed = {s for slot in query.slots for s in slot.alternatives}
        extra = []
        for word in dict.fromkeys(fold(hint).split()):
            s = stem(word)
            if word in STOPWORDS or s in typed or s not in self.idf:
                continue
            extra.append(Slot(word, {s: 1.0}, self.idf[s] * HINT_WEIGHT, ("hint",), hint=True))
        return Query(query.text, (*query.slots, *extra)) if extra else query

    @staticmethod
    def concepts(query: Query) -> list[str]:
        """The stems the vocabulary and typo correction added to what the user typed: what the
        question means in the knowledge base's words (features for the intent model)."""
        out: list[str] = []
        for slot in query.slots:
            if slot.hint or slot.off_topic:
                continue
            own = stem(slot.word)
            out += sorted(s for s in slot.alternatives if s != own)
        return out

    def query_for(self, question: str, hint: str = "") -> Query:
        """The analysed question, with the safety topic as a light hint when there is one."""
        query = self.analyse(question)
        return self._with_hint(query, hint) if hint and query.slots else query

    def decide(self, question: str, top: int = 3, hint: str = "") -> Decision:
        """The lexical decision alone: for a knowledge base that has no trained model."""
        query = self.query_for(question, hint)
        ranked = self.rank(query)
        top = max(1, top)
        typed = [s for s in query.slots if not s.hint]
        vetoed = len(typed) <= OFFTOPIC_VETO_WORDS and any(s.off_topic for s in typed)
        if not ranked or ranked[0].score < CONFIDENT or vetoed:
            suggestions = tuple(c for c in ranked[:3] if c.score >= SUGGEST_MIN)
            return Decision((), False, suggestions, tuple(ranked[:10]), query)
        return choose(query, ranked, top, CONFIDENT, lambda best, s: best - s <= CLARIFY_MARGIN,
                      ANSWER_BAND, SUGGEST_MIN, CONFIDENT)


def choose(query: Query, ranked: list[Candidate], top: int, confident: float,
           too_close: Callable[[float, float], bool], band: float,
           suggest_min: float, further: float) -> Decision:
    """Answers, "Bedoel je…?" or suggestions from candidates ranked by a 0-100 confidence;
    `too_close(best, other)` says when two confident candidates cannot be told apart, and once
    the best is confident, candidates from `further` up within `band` of it are answers too."""
    if not ranked or ranked[0].score < confident:
        suggestions = tuple(c for c in ranked[:3] if c.score >= suggest_min)
        return Decision((), False, suggestions, tuple(ranked[:10]), query)
    best = ranked[0].score
    close = [c for c in ranked if c.score >= further and too_close(best, c.score)]
    clarify = len(close) >= 2
    if clarify:
        answers = close[:top]
    else:
        answers = [c for c in ranked if c.score >= further and best - c.score <= band]
        answers = answers[:top]
    chosen = {c.entry.id for c in answers}
    suggestions = tuple(c for c in ranked if c.entry.id not in chosen
                        and c.score >= suggest_min)[:3]
    return Decision(tuple(answers), clarify, suggestions, tuple(ranked[:10]), query)
