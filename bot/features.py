"""Text features for the learned models: the same function at training and at answering time.

A question becomes three groups of counts: word stems, pairs of neighbouring stems, and letter
n-grams of each word (3 to 5 letters with the word's edges marked). Stems generalise over word
forms, pairs keep a little order ("slaat mij" is not "mij slaat"), and letter n-grams survive the
typos staff make in a hurry ("leerplciht" still shares most of its n-grams with "leerplicht").

A fourth group, concepts, is optional: the stems that the knowledge base's vocabulary and the
matcher's typo correction add to a question ("truancy" -> verzuim, "bieb" -> bibliotheek). The
intent model uses it, so that curated synonyms reach the model too; the safety model does not,
because it must not depend on a knowledge directory that an operator can replace.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from bot.normalize import fold, stem, without_place_numbers

MAX_FEATURE_CHARS = 2000  # a model reads a bounded prefix; safety patterns read everything
MAX_WORD_CHARS = 30  # a longer "word" is noise (a URL, a key mash): only its start counts
CHAR_NGRAMS = (3, 4, 5)
GROUPS = ("w", "b", "c", "x")  # word stems, stem pairs, letter n-grams, concepts


def tokens(text: str) -> list[str]:
    """The folded words of a text, each cut to a bounded length."""
    folded = without_place_numbers(fold(text[:MAX_FEATURE_CHARS]))
    return [w[:MAX_WORD_CHARS] for w in folded.split()]


def extract(text: str, concepts: Iterable[str] = ()) -> Counter[str]:
    """Feature counts of `text`, keyed "group:value"; linear in the length of the text."""
    counts = Counter(_text_features(text))
    counts.update(f"x:{c}" for c in concepts)
    return counts


@lru_cache(maxsize=256)
def _text_features(text: str) -> dict[str, int]:
    """The features of the words themselves; both models read the same question, so the
    second one finds them here. (Callers copy: the cached mapping is never changed.)"""
    words = tokens(text)
    counts: Counter[str] = Counter()
    stems = [stem(w) for w in words]
    counts.update(f"w:{s}" for s in stems)
    counts.update(f"b:{a}_{b}" for a, b in pairwise(stems))
    for word in words:
        padded = f"<{word}>"
        for n in CHAR_NGRAMS:
            counts.update(f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1))
    return dict(counts)


@dataclass(frozen=True, slots=True)
class Vectorizer:
    """Feature counts -> one weighted, normalised row: sublinear tf x idf, each group scaled to
    unit length, so that many letter n-grams do not drown the few word features."""

    columns: dict[str, int]
    idf: np.ndarray  # (features,) float32
    group: np.ndarray  # (features,) int8: index into GROUPS

    @classmethod
    def fit(cls, texts: list[str], min_df: int = 2,
            concepts: Sequence[Sequence[str]] | None = None) -> Vectorizer:
        """Columns for every feature seen in at least `min_df` texts, in sorted order."""
        df: Counter[str] = Counter()
        for i, text in enumerate(texts):
            df.update(extract(text, concepts[i] if concepts else ()).keys())
        names = sorted(f for f, n in df.items() if n >= min_df)
        n_docs = len(texts)
        idf = np.array([math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in names],
                       dtype=np.float32)
        group = np.array([GROUPS.index(f[0]) for f in names], dtype=np.int8)
        return cls({f: i for i, f in enumerate(names)}, idf, group)

    def transform(self, text: str, concepts: Iterable[str] = ()
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one text (known features only)."""
        column = self.columns.get  # one look-up per feature: this runs on every question
        known = [(c, n) for f, n in extract(text, concepts).items()
                 if (c := column(f)) is not None]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.array([c for c, _ in known], dtype=np.int64)
        tf = np.array([n for _, n in known], dtype=np.float32)
        values = (1.0 + np.log(tf)) * self.idf[idx]
        groups = self.group[idx].astype(np.int64)
        norms = np.sqrt(np.bincount(groups, weights=values * values, minlength=len(GROUPS)))
        values /= np.where(norms > 0.0, norms, 1.0)[groups]
        return idx, values
