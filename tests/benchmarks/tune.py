"""Grid search for the matcher's weights on the development questions (never on heldout.yaml).

    .venv/bin/python tests/benchmarks/tune.py [knowledge/training/tuning/dev.yaml]

Tunes the lexical signals alone (the answer path without trained models). Prints the best
settings by top-1 accuracy with out-of-scope rejection as a constraint; a curator copies them
into `bot.matcher.Weights`, runs `wijkwijzer train` (the ranker learns how far to trust the
lexical score) and checks the held-out figures once afterwards.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from pathlib import Path

from bot.evaluation import Case, _hit, load_cases
from bot.knowledge import load_knowledge
from bot.matcher import Index, Weights
from bot.model import Models
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


def _evaluate(job: tuple[list[Case], Weights]) -> list[tuple[bool, float, float, float, float,
                                                                   Weights]]:
    cases, weights = job
    kb = load_knowledge()
    service = Service(kb, models=Models())  # the lexical signals alone
    service.index = Index(kb, weights)
    out = []
    for threshold in (40.0, 45.0, 50.0):
        top1, top3, oos = score(service, cases, threshold)
        out.append((oos >= 95.0, top1, top3, oos, threshold, weights))
    return out


def main() -> None:
    paths = [Path(a) for a in sys.argv[1:]] or [ROOT / "knowledge/training/tuning/dev.yaml",
                                                ROOT / "knowledge/training/tuning/dev2.yaml"]
    cases = [case for path in paths for case in load_cases(path)]
    results: list[tuple[bool, float, float, float, float, Weights]] = []
    grid = list(itertools.product([0.3, 0.4, 0.5], [0.15, 0.25, 0.35], [0.15, 0.25],
                                  [0.15, 0.25], [0.4, 0.6], [2.0, 3.0], [0.0, 0.5, 1.0]))
    jobs = [(cases, Weights(cover, evidence, phrase, title, 1.0, unknown, cap, 1.5, gate))
            for cover, evidence, phrase, title, unknown, cap, gate in grid]
    with multiprocessing.Pool(os.cpu_count()) as pool:
        for chunk in pool.imap_unordered(_evaluate, jobs, chunksize=4):
            results.extend(chunk)
    results.sort(key=lambda r: (r[0], r[1], r[2], r[3]), reverse=True)
    for _ok, top1, top3, oos, threshold, weights in results[:15]:
        print(f"top1={top1:5.1f} top3={top3:5.1f} oos={oos:5.1f} threshold={threshold} {weights}")


if __name__ == "__main__":
    main()
