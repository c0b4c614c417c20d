"""The learned models: features, the plain-data file format, what the service does with them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.features import MAX_WORD_CHARS, Vectorizer, extract
from bot.model import MAGIC, Layer, ModelError, Models, TextModel, intent_model_path
from bot.service import Service
from tests.conftest import ROOT


def _tiny_model() -> TextModel:
    vectorizer = Vectorizer.fit(["wijkteam bellen", "leerplicht bellen", "wijkteam gezin"],
                                min_df=1)
    rng = np.random.default_rng(7)
    hidden = Layer(rng.normal(size=(len(vectorizer.columns), 4)).astype(np.float32),
                   rng.normal(size=4).astype(np.float32))
    out = Layer(rng.normal(size=(4, 2)).astype(np.float32), np.array([0.1, -0.1], np.float32))
    return TextModel("intent", ("wijkteam", "leerplicht"), vectorizer, (hidden, out),
                     "softmax", {"inputs": "x", "thresholds": {"a": 0.5}})


def test_features_hold_word_stems_pairs_and_letter_ngrams() -> None:
    features = extract("Wijkteam bellen")
    assert "w:wijkteam" in features
    assert "b:wijkteam_bel" in features
    assert "c:<wi" in features and "c:am>" in features


def test_abbreviations_with_dots_give_the_same_features_as_without() -> None:
    assert extract("G.G.D. bellen") == extract("ggd bellen")


def test_a_monstrous_word_costs_no_more_than_a_long_one() -> None:
    assert extract("a" * 10_000) == extract("a" * MAX_WORD_CHARS)


@given(st.text(max_size=300))
def test_feature_extraction_never_fails(text: str) -> None:
    for name, count in extract(text).items():
        assert name[:2] in ("w:", "b:", "c:") and count >= 1


@given(st.text(max_size=200))
def test_every_transformed_group_has_unit_length_or_is_empty(text: str) -> None:
    vectorizer = Vectorizer.fit(["wijkteam bellen gezin", "leerplicht verzuim melden"], 1)
    idx, values = vectorizer.transform(text)
    for g in range(3):
        part = values[vectorizer.group[idx] == g]
        norm = float(np.sqrt(np.dot(part, part)))
        assert norm == 0.0 or abs(norm - 1.0) < 1e-5


def test_a_model_survives_the_trip_through_its_file_format() -> None:
    model = _tiny_model()
    again = TextModel.from_bytes(model.to_bytes())
    assert again.labels == model.labels and again.meta == model.meta
    assert again.vectorizer.columns == model.vectorizer.columns
    probs, probs_again = model.probabilities("wijkteam"), again.probabilities("wijkteam")
    assert probs.keys() == probs_again.keys()
    assert all(abs(probs[k] - probs_again[k]) < 1e-2 for k in probs)  # float16 weights


def test_the_same_model_always_gives_the_same_bytes() -> None:
    assert _tiny_model().to_bytes() == _tiny_model().to_bytes()


def test_softmax_probabilities_sum_to_one() -> None:
    assert abs(sum(_tiny_model().probabilities("wat doet leerplicht").values()) - 1.0) < 1e-6


@pytest.mark.parametrize("data", [
    b"",
    b"\x80\x04pickle",
    MAGIC,
    MAGIC + (10).to_bytes(8, "little") + b"{not json}",
    MAGIC + (2).to_bytes(8, "little") + b"{}",
])
def test_a_damaged_or_foreign_model_file_is_refused(data: bytes) -> None:
    with pytest.raises(ModelError):
        TextModel.from_bytes(data)


def test_a_truncated_model_file_is_refused() -> None:
    data = _tiny_model().to_bytes()
    with pytest.raises(ModelError):
        TextModel.from_bytes(data[:-40])


def test_the_shipped_models_load(service: Service) -> None:
    assert service.models.intent is not None and service.models.safety is not None
    assert service.models.problems == ()


def test_without_models_the_rules_still_answer_and_warn(kb_copy: Path) -> None:
    intent_model_path(kb_copy).unlink()
    from bot.knowledge import load_knowledge

    models = Models.load(kb_copy)
    assert models.intent is None and any("intent" in p for p in models.problems)
    reply = Service(load_knowledge(kb_copy), models=models).ask("wat doet de leerplichtambtenaar")
    assert reply.answers and "Leerplicht" in reply.answers[0].title


def test_answering_never_imports_the_training_library() -> None:
    code = ("import sys; from bot.service import Service; s = Service.load(); "
            "s.ask('wie bel ik bij verzuim'); "
            "print(any(m.split('.')[0] in ('sklearn', 'scipy') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
