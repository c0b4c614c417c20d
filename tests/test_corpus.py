"""The training corpus: reviewed data with a schema, big enough for what it must teach."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.corpus import Corpus, Item, corpus_dir, dedupe, level_counts, load_corpus, near_duplicates
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.safety import LEVELS


@pytest.fixture(scope="module")
def corpus(kb: KnowledgeBase) -> Corpus:
    return load_corpus(kb.directory, {e.id for e in kb})


def _item(q: str, entry: str | None = "wijkteam") -> Item:
    return Item(q, entry, (), False, False, "t1")


def test_every_entry_has_at_least_thirty_phrasings_in_the_corpus(corpus, kb) -> None:
    counts = Counter(i.entry for i in corpus.items if i.entry and not i.safety)
    thin = {e.id: counts[e.id] for e in kb if counts[e.id] < 30}
    assert not thin


def test_every_safety_level_has_at_least_three_hundred_messages(corpus) -> None:
    counts = level_counts(corpus.items)
    assert all(counts[level] >= 300 for level in LEVELS), counts


def test_there_are_a_thousand_hard_negatives_and_five_hundred_out_of_scope(corpus) -> None:
    counts = level_counts(corpus.items)
    assert counts["calm"] >= 1000
    assert sum(1 for i in corpus.items if i.oos) >= 500


def test_near_identical_messages_are_kept_once() -> None:
    items = [_item("wie bel ik bij verzuim?"), _item("Wie bel ik bij verzuim"),
             _item("wie bel ik bij verzuim van een kleuter")]
    kept, dropped = dedupe(items)
    assert [i.q for i in kept] == ["wie bel ik bij verzuim?",
                                   "wie bel ik bij verzuim van een kleuter"]
    assert dropped == 1


def test_an_evaluation_question_that_repeats_the_corpus_is_found(corpus) -> None:
    first = corpus.items[0].q
    found = near_duplicates([first + "!", "qwertyuiop asdfghjkl zxcvbnm"], corpus)
    assert found[0] is not None and found[1] is None


def test_an_evaluation_question_that_repeats_a_development_set_is_found(corpus) -> None:
    found = near_duplicates(["Wat doet het CJG eigenlijk?", "qwertyuiop asdfghjkl zxcvbnm"],
                            corpus, also=["wat doet het cjg eigenlijk"])
    assert found == ["wat doet het cjg eigenlijk", None]


def _write_batch(tmp_path: Path, body: str, name: str = "t1") -> Path:
    directory = corpus_dir(tmp_path)
    directory.mkdir(parents=True)
    (directory / f"{name}.yaml").write_text(f"batch: {name}\nbrief: t1.md\nitems:\n{body}",
                                             encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("body", "message"), [
    ('  - {q: "x", calm: true, safety: [acute]}\n', "calm and carry a safety signal"),
    ('  - {q: "x", oos: true, entry: wijkteam}\n', "out of scope and have an entry"),
    ('  - {q: "x"}\n', "needs an entry, a safety level or oos"),
    ('  - {q: "x", safety: [danger]}\n', "safety"),
    ('  - {q: "x", entry: wijkteem}\n', "unknown entry 'wijkteem'"),
])
def test_a_wrong_item_is_reported_with_file_and_line(tmp_path: Path, body: str,
                                                     message: str) -> None:
    with pytest.raises(KnowledgeError) as err:
        load_corpus(_write_batch(tmp_path, body), {"wijkteam"})
    assert "t1.yaml, line" in str(err.value) and message in str(err.value)


def test_a_batch_named_unlike_its_file_is_reported(tmp_path: Path) -> None:
    root = _write_batch(tmp_path, '  - {q: "x", entry: wijkteam}\n')
    (corpus_dir(root) / "t1.yaml").rename(corpus_dir(root) / "t2.yaml")
    with pytest.raises(KnowledgeError, match="should be 't2'"):
        load_corpus(root, {"wijkteam"})


def test_broken_yaml_in_a_batch_stops_with_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as err:
        load_corpus(_write_batch(tmp_path, '  - {q: "x", entry: [\n'), {"wijkteam"})
    assert len(err.value.problems) == 1 and "invalid YAML" in err.value.problems[0]
