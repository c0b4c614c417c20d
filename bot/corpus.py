"""The labelled training corpus (knowledge/training/*.yaml): loading, checking, de-duplicating.

The corpus is reviewed data like the knowledge base: messages written by people who never saw
the knowledge base, labelled with an entry id, safety levels, `oos` (out of scope) or `calm`
(harmless although it looks alarming). The models learn from it (bot/training.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz, process

from bot.knowledge import KnowledgeError, read_yaml, validation_problems
from bot.normalize import fold
from bot.safety import LEVELS, Level

DUPLICATE_RATIO = 90.0  # rapidfuzz ratio of folded texts at or above which two items are one
MAX_ITEM_CHARS = 2000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ItemModel(_Strict):
    q: Annotated[str, Field(min_length=1, max_length=MAX_ITEM_CHARS)]
    entry: str | None = None
    safety: list[Level] = []
    calm: bool = False
    oos: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> ItemModel:
        if self.calm and self.safety:
            raise ValueError("an item cannot be calm and carry a safety signal")
        if self.oos and self.entry:
            raise ValueError("an item cannot be out of scope and have an entry")
        if not (self.entry or self.safety or self.oos):
            raise ValueError("an item needs an entry, a safety level or oos")
        return self


class BatchModel(_Strict):
    batch: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    brief: str
    items: list[Any]


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled message."""

    q: str
    entry: str | None
    safety: tuple[Level, ...]
    calm: bool
    oos: bool
    batch: str


@dataclass(frozen=True, slots=True)
class Corpus:
    items: tuple[Item, ...]
    files: tuple[Path, ...]
    duplicates: int  # items dropped as near-duplicates of an earlier one

    def of_batch(self, batch: str) -> list[Item]:
        return [i for i in self.items if i.batch == batch]


def corpus_dir(knowledge: Path) -> Path:
    return knowledge / "training"


def corpus_files(knowledge: Path) -> list[Path]:
    return sorted(corpus_dir(knowledge).glob("*.yaml"))


def read_items(path: Path, entry_ids: set[str] | None, problems: list[str]) -> list[Item]:
    """The items of one batch file; every problem is added to `problems`."""
    try:
        data = read_yaml(path)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return []
    try:
        batch = BatchModel.model_validate(data)
    except ValidationError as exc:
        problems.extend(validation_problems(path, data, exc, "batch"))
        return []
    if batch.batch != path.stem:
        problems.append(f"{path.name}, line 1, field 'batch': '{batch.batch}' should be "
                        f"'{path.stem}', the file's name")
    items = []
    for n, raw in enumerate(batch.items):
        try:
            model = ItemModel.model_validate(raw)
        except ValidationError as exc:
            problems.extend(validation_problems(path, raw, exc, f"item {n + 1}"))
            continue
        if entry_ids is not None and model.entry and model.entry not in entry_ids:
            line = getattr(raw, "line", 0)
            problems.append(f"{path.name}, line {line}, field 'entry' (item {n + 1}): "
                            f"unknown entry '{model.entry}'")
            continue
        items.append(Item(model.q, model.entry, tuple(dict.fromkeys(model.safety)),
                          model.calm, model.oos, batch.batch))
    return items


def dedupe(items: list[Item]) -> tuple[list[Item], int]:
    """Keep the first of every group of near-identical messages (rapidfuzz ratio >= 90)."""
    folded = [fold(i.q) for i in items]
    keep: list[int] = []
    kept_texts: list[str] = []
    by_length: dict[int, list[int]] = {}  # length -> positions in kept_texts
    for i, text in enumerate(folded):
        n = len(text)
        # ratio >= 90 needs lengths within about a fifth of each other
        window = range(max(0, int(n * 0.8) - 1), int(n * 1.25) + 2)
        near = [kept_texts[k] for length in window for k in by_length.get(length, ())]
        if near and process.extractOne(text, near, scorer=fuzz.ratio,
                                       score_cutoff=DUPLICATE_RATIO) is not None:
            continue
        by_length.setdefault(n, []).append(len(kept_texts))
        kept_texts.append(text)
        keep.append(i)
    return [items[i] for i in keep], len(items) - len(keep)


def load_corpus(knowledge: Path, entry_ids: set[str] | None = None) -> Corpus:
    """Every batch under knowledge/training, checked and de-duplicated; KnowledgeError lists
    all problems."""
    problems: list[str] = []
    files = corpus_files(knowledge)
    items: list[Item] = []
    for path in files:
        items.extend(read_items(path, entry_ids, problems))
    if problems:
        raise KnowledgeError(problems)
    unique, dropped = dedupe(items)
    return Corpus(tuple(unique), tuple(files), dropped)


def level_counts(items: list[Item] | tuple[Item, ...]) -> dict[str, int]:
    counts = dict.fromkeys((*LEVELS, "calm", "oos", "in"), 0)
    for item in items:
        for level in item.safety:
            counts[level] += 1
        if item.calm:
            counts["calm"] += 1
        if item.oos:
            counts["oos"] += 1
        if item.entry and not item.safety and not item.calm:
            counts["in"] += 1
    return counts


BLIND_OVERLAP_RATIO = 85.0  # an evaluation question this close to a corpus item is no test


def near_duplicates(texts: list[str], corpus: Corpus, also: Sequence[str] = (),
                    ratio: float = BLIND_OVERLAP_RATIO) -> list[str | None]:
    """For each text, the corpus message (or text in `also`: other training questions, such as
    the development sets') it nearly repeats (rapidfuzz ratio >= `ratio`), or None.

    A question set written blind must not test what the models were trained on."""
    originals = [*(i.q for i in corpus.items), *also]
    choices = [fold(q) for q in originals]
    found: list[str | None] = []
    for text in texts:
        match = process.extractOne(fold(text), choices, scorer=fuzz.ratio, score_cutoff=ratio)
        found.append(originals[match[2]] if match is not None else None)
    return found
