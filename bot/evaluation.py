"""Scoring the service against evaluation questions (the format of the shared sample.yaml)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.service import Reply

KINDS = ("in", "oos", "safety", "fact", "calm", "followup")


class EvalFileError(Exception):
    """The evaluation file cannot be read or is not in the expected format."""


def normalise_expect(text: str) -> str:
    """Lowercase without accents: how `expect` strings meet titles and partner names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@dataclass(frozen=True, slots=True)
class Case:
    kind: str
    q: str
    expect: tuple[str, ...] = ()
    must: tuple[tuple[str, ...], ...] = ()
    first: str = ""  # for a follow-up: the question asked just before


@dataclass(slots=True)
class Result:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    passed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("top1", "top3", "oos", "safety", "fact", "calm", "calm_top1", "followup"), 0))
    calm_expected: int = 0  # calm cases with an `expect`, scored like `in` as well
    failures: list[str] = field(default_factory=list)

    def _pct(self, key: str, kind: str) -> float:
        n = self.counts[kind]
        return round(100.0 * self.passed[key] / n, 1) if n else 100.0

    def summary(self) -> dict[str, Any]:
        return {
            "top1": self._pct("top1", "in"), "top3": self._pct("top3", "in"),
            "oos_rejected": self._pct("oos", "oos"), "safety": self._pct("safety", "safety"),
            "facts": self._pct("fact", "fact"), "calm": self._pct("calm", "calm"),
            "n_in": self.counts["in"], "n_oos": self.counts["oos"],
            "n_safety": self.counts["safety"], "n_fact": self.counts["fact"],
            "n_calm": self.counts["calm"],
            "followup": self._pct("followup", "followup"), "n_followup": self.counts["followup"],
            "calm_top1": (round(100.0 * self.passed["calm_top1"] / self.calm_expected, 1)
                          if self.calm_expected else 100.0),
        }


def load_cases(path: Path) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvalFileError(f"cannot read {path}: {exc.strerror}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"{path}: not valid YAML ({exc.__class__.__name__})") from exc
    raw = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise EvalFileError(f"{path}: expected a top-level 'cases:' list")
    cases = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict) or item.get("kind") not in KINDS or "q" not in item:
            raise EvalFileError(f"{path}: case {i} needs 'kind' ({'/'.join(KINDS)}) and 'q'")
        must = tuple(tuple(str(a) for a in (g if isinstance(g, list) else [g]))
                     for g in item.get("must", []) or [])
        if item["kind"] == "followup" and not item.get("first"):
            raise EvalFileError(f"{path}: case {i} (followup) needs 'first'")
        cases.append(Case(item["kind"], str(item["q"]),
                          tuple(str(e) for e in item.get("expect", []) or []), must,
                          str(item.get("first", ""))))
    return cases


def _names(reply: Reply, i: int) -> str:
    answer = reply.answers[i]
    return normalise_expect(" | ".join((answer.title, *answer.partners)))


def _hit(reply: Reply, i: int, expect: tuple[str, ...]) -> bool:
    return i < len(reply.answers) and any(normalise_expect(e) in _names(reply, i) for e in expect)


def score_case(case: Case, reply: Reply, result: Result) -> None:
    result.counts[case.kind] += 1
    label = f"[{case.kind}] {case.q!r}"
    got = reply.answers[0].title if reply.answers else "(no answer)"
    if case.kind == "in":
        top1 = _hit(reply, 0, case.expect)
        top3 = any(_hit(reply, i, case.expect) for i in range(3))
        result.passed["top1"] += top1
        result.passed["top3"] += top3
        if not top1:
            result.failures.append(f"{label}: expected {list(case.expect)}, got {got!r}"
                                   + (" (in top 3)" if top3 else ""))
    elif case.kind == "followup":
        if _hit(reply, 0, case.expect):
            result.passed["followup"] += 1
        else:
            result.failures.append(f"[followup] {case.first!r} → {case.q!r}: expected "
                                   f"{list(case.expect)}, got {got!r}")
    elif case.kind == "oos":
        if reply.answers:
            result.failures.append(f"{label}: should get no answer, got {got!r}")
        else:
            result.passed["oos"] += 1
    elif case.kind == "safety":
        notice = normalise_expect(reply.safety.text) if reply.safety else ""
        if notice and any(normalise_expect(e) in notice for e in case.expect):
            result.passed["safety"] += 1
        else:
            result.failures.append(f"{label}: safety notice with {list(case.expect)} missing")
    elif case.kind == "calm":
        if reply.safety is None:
            result.passed["calm"] += 1
        else:
            result.failures.append(f"{label}: should carry no safety notice, got "
                                   f"{reply.safety.level} ({reply.safety.tier})")
        if case.expect:
            result.calm_expected += 1
            if _hit(reply, 0, case.expect):
                result.passed["calm_top1"] += 1
            else:
                result.failures.append(f"{label}: expected {list(case.expect)}, got {got!r}")
    else:
        parts = [reply.answers[0].title, reply.answers[0].text] if reply.answers else []
        if reply.safety:
            parts.append(reply.safety.text)
        haystack = normalise_expect("\n".join(parts))
        missing = [list(g) for g in case.must
                   if not any(normalise_expect(a) in haystack for a in g)]
        if missing:
            result.failures.append(f"{label}: answer {got!r} lacks {missing}")
        else:
            result.passed["fact"] += 1


def evaluate(cases: list[Case], ask: Callable[[str], Reply],
             ask_after: Callable[[str, str | None], Reply] | None = None) -> Result:
    """Score every case; a follow-up is asked after its `first` question, with the id of the
    first answer as context when `ask_after` is given (without it: on its own)."""
    result = Result()
    for case in cases:
        if case.kind == "followup":
            first = ask(case.first)
            context = first.answers[0].id if first.answers else None
            reply = ask_after(case.q, context) if ask_after else ask(case.q)
        else:
            reply = ask(case.q)
        score_case(case, reply, result)
    return result
