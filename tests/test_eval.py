"""Answer quality, measured on questions written the way staff type them.

heldout.yaml was written before any tuning and is never copied into the knowledge base;
dev.yaml and dev2-dev5.yaml (written independently, later) are what the knowledge base, the
matcher and the ranker are tuned against (knowledge/training/tuning/); sample.yaml is the shared
sample.
"""

from __future__ import annotations

import pytest

from bot.evaluation import evaluate, load_cases
from bot.service import Service
from tests.conftest import EVAL_DIR, TUNING_DIR

TARGETS = {"top1": 95.0, "top3": 99.0, "oos_rejected": 95.0, "safety": 100.0, "facts": 100.0,
           "calm": 100.0}


@pytest.mark.parametrize("name", ["heldout.yaml", "sample.yaml"])
def test_quality_targets_are_met(service: Service, name: str) -> None:
    result = evaluate(load_cases(EVAL_DIR / name), service.ask)
    summary = result.summary()
    below = {k: summary[k] for k, target in TARGETS.items() if summary[k] < target}
    assert not below, f"{name}: {below}\n" + "\n".join(result.failures)


# Floors for the development sets: a change that loses ground on them is a regression. Each
# floor is the figure of the shipped models less about two points, the spread between two
# trainings on the same data. dev6-dev26 are the seven blind rounds (first-run figures in their
# headers); their safety cases teach the safety model, so safety is checked at 100 % below.
DEV_FLOORS: dict[str, dict[str, float]] = {
    "dev.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98},
    "dev2.yaml": {"top1": 97, "top3": 97, "oos_rejected": 98, "facts": 98},
    "dev3.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98},
    "dev4.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98},
    "dev5.yaml": {"top1": 98, "top3": 98},
    "dev6.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev7.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev8.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev9.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev10.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev11.yaml": {"top1": 96, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev12.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev13.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev14.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev15.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev16.yaml": {"top1": 97, "top3": 97, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev17.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev18.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev19.yaml": {"top1": 97, "top3": 97, "oos_rejected": 98, "facts": 79, "calm": 98},
    "dev20.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev21.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev22.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev23.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev24.yaml": {"top1": 98, "top3": 98, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev25.yaml": {"top1": 95, "top3": 95, "oos_rejected": 98, "facts": 93, "calm": 98},
    "dev26.yaml": {"top1": 96, "top3": 96, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev27.yaml": {"top1": 96, "top3": 96, "oos_rejected": 98, "facts": 98, "calm": 98},
    "dev28.yaml": {"top1": 96, "top3": 96, "oos_rejected": 98, "facts": 98, "calm": 94},
    "dev29.yaml": {"top1": 97, "top3": 97, "oos_rejected": 98, "facts": 98, "calm": 98},
}


def test_follow_ups_are_read_in_the_light_of_the_previous_answer(service: Service) -> None:
    """110 follow-up pairs written blind: 89.1 % on the first run with one turn of context,
    47.3 % without it (87.3 % with the models retrained on dev15-dev20)."""
    cases = load_cases(EVAL_DIR / "followups.yaml")
    with_context = evaluate(cases, service.ask, lambda q, after: service.ask(q, after=after))
    alone = evaluate(cases, service.ask)
    assert with_context.summary()["followup"] >= 85.0, "\n".join(with_context.failures)
    assert with_context.summary()["followup"] >= alone.summary()["followup"] + 30


def test_every_development_set_has_a_floor() -> None:
    assert {p.name for p in TUNING_DIR.glob("*.yaml")} == set(DEV_FLOORS)


@pytest.mark.parametrize("name", sorted(DEV_FLOORS))
def test_development_sets_do_not_regress(service: Service, name: str) -> None:
    result = evaluate(load_cases(TUNING_DIR / name), service.ask)
    summary = result.summary()
    below = {k: summary[k] for k, floor in DEV_FLOORS[name].items() if summary[k] < floor}
    assert not below, f"{name}: {below}\n" + "\n".join(result.failures)


def test_the_heldout_set_is_large_enough() -> None:
    assert len(load_cases(EVAL_DIR / "heldout.yaml")) >= 150


def test_every_safety_case_in_every_set_gets_its_notice(service: Service) -> None:
    paths = [EVAL_DIR / "heldout.yaml", EVAL_DIR / "sample.yaml",
             *sorted(TUNING_DIR.glob("*.yaml"))]
    for path in paths:
        cases = [c for c in load_cases(path) if c.kind == "safety"]
        result = evaluate(cases, service.ask)
        assert result.summary()["safety"] == 100.0, result.failures
