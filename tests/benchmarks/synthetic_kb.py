"""A synthetic knowledge base of any size, made from the real entries' words.

Used by the benchmark to show that matching stays fast when a region's knowledge base grows far
beyond the shipped one. Deterministic: the same size and seed give the same entries.
"""

from __future__ import annotations

import dataclasses
import random

from bot.knowledge import Entry, KnowledgeBase


def _words(entries: tuple[Entry, ...]) -> list[str]:
    seen: dict[str, None] = {}
    for e in entries:
        for text in (e.title, e.answer, *e.questions, *e.keywords):
            for w in text.split():
                w = w.strip(".,:;()?!\"'")
                if len(w) > 3:
                    seen.setdefault(w.lower(), None)
    return list(seen)


def _mix(rng: random.Random, base: str, pool: list[str], extra: int) -> str:
    words = base.split()
    for _ in range(extra):
        words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
    return " ".join(words)


def synthetic_kb(real: KnowledgeBase, size: int, seed: int = 42) -> KnowledgeBase:
    """`size` entries, each a real entry's shape with its words recombined with others."""
    rng = random.Random(seed)
    pool = _words(real.entries)
    templates = list(real.entries)
    entries = []
    for i in range(size):
        t = rng.choice(templates)
        entries.append(dataclasses.replace(
            t,
            id=f"syn-{i:05d}",
            title=_mix(rng, t.title, pool, 2),
            answer=_mix(rng, t.answer, pool, 6),
            questions=tuple(_mix(rng, q, pool, 2) for q in t.questions),
            keywords=tuple(rng.sample(pool, 6)),
            names=(),
            related=(),
            partners=(),
        ))
    return KnowledgeBase(entries=tuple(sorted(entries, key=lambda e: e.id)),
                         sources=real.sources, vocabulary=real.vocabulary,
                         directory=real.directory)
