"""Redaction figures on labelled data: recall per kind and false alarms, with floors.

tests/data/pii-dev.yaml was written by someone else than the rules (synthetic questions with
names, numbers, addresses and dates, and questions without any). The floors sit just under what
the rules reach, so that a change that loses recall or adds false alarms fails here. The
evaluation and tuning questions of the knowledge base are ordinary questions: almost none may
trigger the reminder about personal data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.privacy import find_personal_data, measure

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

# Recall floors per kind and set. pii-dev: the rules were built on it (320 of 320 names).
# pii-dev2: written blind by the same writer with other names and streets; its first run gave
# names 97.8 %, addresses 93.0 %, BSN 96.6 %, every other kind 100 %, no false alarm; the
# house-number suffix ("134-hs") and a BSN anywhere in the message were added after it.
RECALL_FLOORS = {
    "pii-dev.yaml": {"telefoon": 1.0, "bsn": 1.0, "postcode": 1.0, "datum": 1.0, "adres": 1.0,
                     "e-mail": 1.0, "naam": 0.99},
    "pii-dev2.yaml": {"telefoon": 1.0, "bsn": 1.0, "postcode": 1.0, "datum": 1.0,
                      "adres": 1.0, "e-mail": 1.0, "naam": 0.975},
}


@pytest.fixture(scope="module", params=sorted(RECALL_FLOORS))
def figures(request: pytest.FixtureRequest) -> tuple[str, dict[str, float]]:
    name = str(request.param)
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["items"]
    return name, measure(items)


def test_recall_per_kind_on_the_labelled_sets(figures: tuple[str, dict[str, float]]) -> None:
    name, found = figures
    below = {kind: round(found[f"recall_{kind}"], 3)
             for kind, floor in RECALL_FLOORS[name].items()
             if found[f"n_{kind}"] == 0 or found[f"recall_{kind}"] < floor}
    assert not below, f"{name}: {below}"


def test_questions_without_personal_data_raise_no_alarm(
        figures: tuple[str, dict[str, float]]) -> None:
    _, found = figures
    assert found["n_clean_items"] > 100
    assert found["fp_items"] <= 0.01
    assert found["fp_words"] <= 0.002


def _ordinary_questions() -> list[str]:
    files = sorted((ROOT / "tests" / "eval").glob("*.yaml")) \
        + sorted((ROOT / "knowledge" / "training" / "tuning").glob("*.yaml"))
    questions: list[str] = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        questions += [str(case["q"]) for case in data.get("cases", []) if "q" in case]
    return questions


def test_almost_no_evaluation_question_triggers_the_reminder() -> None:
    """The eval and tuning questions hold (almost) no personal data: each finding there is a
    false alarm that would tell a user off for an ordinary question. Reached: 0 of 2,884."""
    questions = _ordinary_questions()
    assert len(questions) > 1000
    flagged = [q for q in questions if find_personal_data(q)]
    assert len(flagged) / len(questions) <= 0.0035, flagged[:10]
