"""One calibrated confidence from two kinds of evidence, and the decision it drives.

The lexical matcher (bot/matcher.py) knows the knowledge base's words, its vocabulary and
typos; the intent model (bot/model.py) learned from thousands of messages how staff actually
ask. For every candidate entry the ranker reads both (scores, ranks, margins, the model's
belief that the question is out of scope) and a logistic model fitted on out-of-fold
predictions turns them into the probability that this entry is the right answer: the 0-100
confidence the decision compares with one threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.knowledge import KnowledgeBase
from bot.matcher import Candidate, Decision, Query, choose

if TYPE_CHECKING:
    from bot.model import TextModel

OOS = "oos"  # the intent model's label for out-of-scope messages
DEFAULT_ANSWER = 50.0  # the answer threshold when a model file does not name one
LEXICAL_CANDIDATES = 10
MODEL_CANDIDATES = 5
FEATURE_NAMES = (
    "lexical", "lexical_best", "lexical_margin", "cover", "title",
    "model", "model_logit", "model_best", "model_margin", "out_of_scope", "agree",
    "off_topic",
)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p)) / 10.0


def _log_odds(confidence: float) -> float:
    p = min(max(confidence / 100.0, 0.001), 0.999)
    return math.log(p / (1.0 - p))


def _is_best(entry_id: str, ranked: Sequence[tuple[float, str]]) -> bool:
    return bool(ranked) and ranked[0][1] == entry_id


def _best_other(entry_id: str, ranked: Sequence[tuple[float, str]]) -> float:
    """The best score among the other candidates (`ranked` holds the top two, best first)."""
    return next((score for score, other in ranked if other != entry_id), 0.0)


def candidate_rows(query: Query, lexical: Sequence[Candidate], probs: dict[str, float]
                   ) -> list[tuple[str, list[float]]]:
    """The evidence for every candidate: the lexical top ten and the model's top five, and
    whether the question names another subject (an off-topic word). (The question's length
    and the model's entropy were tried as well; on questions written blind they cost 3 points
    of top-1, so they are left out.)"""
    lex = {c.entry.id: c for c in lexical[:LEXICAL_CANDIDATES]}
    by_model = sorted(((p, e) for e, p in probs.items() if e != OOS), reverse=True)
    ids = list(dict.fromkeys([*lex, *(e for _, e in by_model[:MODEL_CANDIDATES])]))
    lex_top = [(c.score / 100.0, c.entry.id) for c in lexical[:2]]
    oos = probs.get(OOS, 0.0)
    off_topic = float(any(s.off_topic for s in query.slots if not s.hint))
    rows = []
    for entry_id in ids:
        cand = lex.get(entry_id)
        score = cand.score / 100.0 if cand else 0.0
        p = probs.get(entry_id, 0.0)
        rows.append((entry_id, [
            score,
            float(_is_best(entry_id, lex_top)),
            score - _best_other(entry_id, lex_top),
            cand.cover if cand else 0.0,
            cand.title if cand else 0.0,
            p,
            _logit(p),
            float(_is_best(entry_id, by_model)),
            p - _best_other(entry_id, by_model[:2]),
            oos,
            float(_is_best(entry_id, lex_top) and _is_best(entry_id, by_model)),
            off_topic,
        ]))
    return rows


@dataclass(frozen=True, slots=True)
class Ranker:
    weights: Sequence[float]  # one per feature, then the intercept
    answer: float = DEFAULT_ANSWER  # confidence at or above which a candidate is an answer
    margin: float = 2.0  # answers whose odds are within e^2 (7.4x) of the best: ask which
    band: float = 60.0  # further answers within this distance of the best are listed too
    further: float = 30.0  # ... when they are at least this likely to be right
    suggest: float = 10.0  # weaker candidates above this are suggestions

    @classmethod
    def from_model(cls, model: TextModel) -> Ranker | None:
        spec: dict[str, Any] = model.meta.get("ranker", {})
        weights = spec.get("weights")
        if not isinstance(weights, list) or len(weights) != len(FEATURE_NAMES) + 1:
            return None
        return cls(tuple(float(w) for w in weights), float(spec.get("answer", DEFAULT_ANSWER)))

    def confidence(self, features: Sequence[float]) -> float:
        z = self.weights[-1] + sum(w * f for w, f in zip(self.weights, features, strict=False))
        return 100.0 / (1.0 + math.exp(-z))

    def decide(self, kb: KnowledgeBase, query: Query, lexical: Sequence[Candidate],
               probs: dict[str, float], top: int,
               withheld: frozenset[str] = frozenset()) -> Decision:
        """Answers, "Bedoel je…?" or suggestions; entries in `withheld` are never offered."""
        by_id = {c.entry.id: c for c in lexical}
        ranked: list[Candidate] = []
        for entry_id, features in candidate_rows(query, lexical, probs):
            entry = kb.get(entry_id)
            if entry is None or entry_id in withheld:  # withheld, or from another KB
                continue
            base = by_id.get(entry_id)
            score = round(self.confidence(features), 1)
            ranked.append(Candidate(entry, score, base.cover if base else 0.0,
                                    base.phrase if base else 0.0, base.title if base else 0.0,
                                    base.evidence if base else 0.0))
        ranked.sort(key=lambda c: (-c.score, c.entry.id))
        return choose(query, ranked, max(1, top), self.answer, self.too_close, self.band,
                      self.suggest, min(self.further, self.answer))

    def too_close(self, best: float, other: float) -> bool:
        """Confidences are probabilities: 60 % and 50 % are hard to tell apart, 99.8 % and
        95 % are not (their odds differ twelvefold). Compare them as log-odds."""
        return _log_odds(best) - _log_odds(other) <= self.margin
