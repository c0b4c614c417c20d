"""Normalisation: the index and the questions both go through it; it must be total and stable."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.normalize import PLACE_WORDS, content_stems, fold, stem, without_place_numbers, words


def test_fold_lowercases_and_strips_accents() -> None:
    assert fold("Suïcide bij Één LEERLING") == "suicide bij een leerling"


def test_fold_drops_apostrophes_inside_words() -> None:
    assert fold("IB'er en ’s nachts") == "iber en s nachts"


def test_fold_turns_punctuation_into_single_spaces() -> None:
    assert fold("wat doet het CJG?!  (echt)") == "wat doet het cjg echt"


def test_stem_brings_plural_and_singular_together() -> None:
    assert stem("bibliotheken") == stem("bibliotheek")
    assert stem("gezinnen") == stem("gezin")
    assert stem("kinderen") == stem("kind")


def test_content_stems_skip_question_words() -> None:
    assert content_stems("Wie moet ik bellen over de leerplicht?") == [stem("leerplicht")]


@given(st.text())
def test_fold_only_yields_plain_lowercase_words(text: str) -> None:
    folded = fold(text)
    assert re.fullmatch(r"([0-9a-z]+( [0-9a-z]+)*)?", folded)


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_words_and_stems_never_fail(text: str) -> None:
    for word in words(text):
        assert stem(word)
    assert all(content_stems(text))


def test_a_number_naming_a_room_or_a_bus_is_dropped() -> None:
    assert without_place_numbers(fold("De beamer in lokaal 112 doet het niet")) == \
        "de beamer in lokaal doet het niet"
    assert without_place_numbers(fold("bus 113 is te laat")) == "bus is te laat"


def test_a_hotline_number_on_its_own_stays() -> None:
    assert without_place_numbers(fold("bel 112, of nr 113, of 0800-2000")) == \
        "bel 112 of nr 113 of 0800 2000"


@given(st.lists(st.sampled_from([*PLACE_WORDS, "112", "113", "2b", "bel", "de", "0800"]),
                max_size=8))
def test_dropping_place_numbers_is_idempotent_and_keeps_the_words(parts: list[str]) -> None:
    folded = fold(" ".join(parts))
    once = without_place_numbers(folded)
    assert without_place_numbers(once) == once
    assert [w for w in once.split() if not w[0].isdigit()] == \
        [w for w in folded.split() if not w[0].isdigit()]
