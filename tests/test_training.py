"""`wijkwijzer train`: reproducible models, checked against what they were trained on."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot import training
from bot.corpus import load_corpus
from bot.evaluation import Case
from bot.knowledge import KnowledgeBase, load_knowledge, shipped_knowledge_dir
from bot.model import Models, intent_model_path
from bot.ranker import OOS
from bot.service import Service

TINY = Path(__file__).resolve().parent / "data" / "tinykb"


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture()
def trained(tiny: Path) -> training.Trained:
    return training.train(load_knowledge(tiny))


def test_the_same_corpus_gives_the_same_bytes(tiny: Path, trained: training.Trained) -> None:
    again = training.train(load_knowledge(tiny))
    assert again.intent.to_bytes() == trained.intent.to_bytes()
    assert again.safety.to_bytes() == trained.safety.to_bytes()


def test_trained_models_answer_through_the_service(tiny: Path,
                                                   trained: training.Trained) -> None:
    kb = load_knowledge(tiny)
    service = Service(kb, models=Models(trained.intent, trained.safety))
    reply = service.ask("wie helpt een gezin dat het thuis zwaar heeft")
    assert reply.answers and reply.answers[0].id == "wijkteam"


def test_a_tuning_question_is_labelled_with_the_matching_entry_the_model_believes_most(
        tiny: Path) -> None:
    kb = load_knowledge(tiny)
    case = Case("in", "kind spijbelt en het gezin heeft het zwaar", ("leerplicht", "buurtteam"))
    example = training.Example(case.q, None, (), True, 0, case=case)
    classes = [*sorted(e.id for e in kb), OOS]
    probs = np.zeros((1, len(classes)))
    probs[0, classes.index("wijkteam")] = 0.2  # "buurtteam" is not one of its names
    probs[0, classes.index("leerplicht")] = 0.3
    probs[0, classes.index("vermoeden-mishandeling")] = 0.5  # believed most, but not expected
    [labelled] = training.label_tuning(kb, [example], probs, classes)
    assert labelled.label == "leerplicht"


def test_a_tuning_question_matching_no_entry_teaches_the_intent_model_nothing(
        tiny: Path) -> None:
    kb = load_knowledge(tiny)
    case = Case("in", "wie regelt de schoolreis", ("reisbureau",))
    example = training.Example(case.q, None, (), True, 0, case=case)
    classes = [*sorted(e.id for e in kb), OOS]
    [labelled] = training.label_tuning(kb, [example], np.ones((1, len(classes))), classes)
    assert labelled.label is None


def test_the_tuning_sets_teach_the_intent_model_in_their_own_fold(tiny: Path) -> None:
    kb = load_knowledge(tiny)
    tuning = [e for e in training.examples(kb, load_corpus(tiny, {e.id for e in kb}))
              if e.case is not None]
    assert tuning and all(e.fold >= 0 for e in tuning)
    assert {e.label for e in tuning if e.case is not None and e.case.kind == "oos"} == \
        {OOS}


def test_the_report_compares_the_intent_model_with_and_without_the_tuning_sets(
        trained: training.Trained) -> None:
    assert set(trained.report["tuning_model_top1"]) == {"corpus only", "other tuning sets too"}


def test_every_threshold_is_recorded_in_the_safety_model(trained: training.Trained) -> None:
    thresholds = trained.safety.meta["thresholds"]
    assert set(thresholds) == {"acute", "suicide", "staff", "meldcode"}
    for limits in thresholds.values():
        assert limits["topic"] <= limits["possible"] <= limits["clear"]


def test_the_models_remember_what_they_were_trained_on(tiny: Path,
                                                       trained: training.Trained) -> None:
    kb = load_knowledge(tiny)
    assert trained.intent.meta["inputs"] == training.inputs_digest(kb)


def test_a_changed_corpus_makes_the_models_stale(tiny: Path,
                                                 trained: training.Trained) -> None:
    kb = load_knowledge(tiny)
    intent_model_path(tiny).parent.mkdir()
    trained.intent.save(intent_model_path(tiny))
    assert training.model_problems(kb, shipped=False) == []
    batch = tiny / "training" / "t2.yaml"
    batch.write_text(batch.read_text(encoding="utf-8")
                     + '  - {q: "nog een vraag over spijbelen", entry: leerplicht}\n',
                     encoding="utf-8")
    problems = training.model_problems(load_knowledge(tiny), shipped=False)
    assert any("stale" in p for p in problems)


def test_a_changed_phrasing_in_the_knowledge_base_changes_the_digest(tiny: Path) -> None:
    before = training.inputs_digest(load_knowledge(tiny))
    entries = tiny / "entries.yaml"
    entries.write_text(entries.read_text(encoding="utf-8").replace(
        "wijkteam bellen", "wijkteam opbellen"), encoding="utf-8")
    assert training.inputs_digest(load_knowledge(tiny)) != before


def test_the_shipped_models_are_fresh(kb: KnowledgeBase) -> None:
    assert kb.directory.resolve() == shipped_knowledge_dir().resolve()
    assert training.model_problems(kb, shipped=True) == []


@pytest.mark.parametrize(("expect", "levels"), [
    (("112",), ("acute",)),
    (("113",), ("suicide",)),
    (("veilig thuis",), ("meldcode",)),
    (("vertrouwensinspecteur", "bevoegd gezag"), ("staff",)),
    (("112", "113"), ("acute", "suicide")),
])
def test_an_evaluation_expectation_names_its_safety_level(expect: tuple[str, ...],
                                                          levels: tuple[str, ...]) -> None:
    assert training.expected_levels(expect) == levels


def test_training_a_copy_never_replaces_the_shipped_safety_model(
        trained: training.Trained, tmp_path: Path) -> None:
    from bot.model import SAFETY_MODEL_PATH

    before = SAFETY_MODEL_PATH.read_bytes()
    written = training.write(trained, tmp_path / "kopie")
    assert written == [tmp_path / "kopie" / "model" / "intent-model.bin"]
    assert SAFETY_MODEL_PATH.read_bytes() == before
