"""Grid search for the matcher's weights on the development questions (never on heldout.yaml).

    .venv/bin/python tests/benchmarks/tune.py [tests/eval/dev.yaml]

Prints the best settings by top-1 accuracy with out-of-scope rejection as a constraint; a curator
copies them into `bot.matcher.Weights` and checks the held-out figures once afterwards.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from bot.evaluation import Case, _hit, load_cases
from bot.knowledge import load_knowledge
from bot.matcher import Index, Weights
from bot.service import Service

ROOT = Path(__file__).resolve().parents[2]


def score(service: Service, cases: list[Case], threshold: float) -> tuple[float, float, float]:
    import bot.matcher as matcher

    matcher.CONFIDENT = threshold
    n_in = hit1 = hit3 = n_oos = rejected = 0
    for case in cases:
        if case.kind not in ("in", "oos"):
            continue
        reply = service.ask(case.q)
        if case.kind == "in":
            n_in += 1
            hit1 += _hit(reply, 0, case.expect)
            hit3 += any(_hit(reply, i, case.expect) for i in range(3))
        else:
            n_oos += 1
            rejected += not reply.answers
    return 100 * hit1 / n_in, 100 * hit3 / n_in, 100 * rejected / max(n_oos, 1)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests/eval/dev.yaml"
    cases = load_cases(path)
    kb = load_knowledge()
    results = []
    grid = itertools.product([0.35, 0.45, 0.55], [0.1, 0.2, 0.3], [0.1, 0.15, 0.25],
                             [0.1, 0.2], [0.7, 1.0, 1.5], [0.4, 0.6, 0.8])
    for cover, evidence, phrase, title, scale, unknown in grid:
        weights = Weights(cover, evidence, phrase, title, scale, unknown)
        service = Service(kb)
        service.index = Index(kb, weights)
        for threshold in (35.0, 40.0, 45.0, 50.0):
            top1, top3, oos = score(service, cases, threshold)
            results.append((oos >= 95.0, top1, top3, oos, threshold, weights))
    results.sort(key=lambda r: (r[0], r[1], r[2], r[3]), reverse=True)
    for _ok, top1, top3, oos, threshold, weights in results[:15]:
        print(f"top1={top1:5.1f} top3={top3:5.1f} oos={oos:5.1f} threshold={threshold} {weights}")


if __name__ == "__main__":
    main()
