"""Recognising personal data in a question, so that the bot can remind the user and never keep it.

Pattern rules for what has a shape (phone numbers, e-mail addresses, BSN, dates, postcodes,
street addresses) and a rule for names where Dutch makes them likely: a capitalised word right
after "mijn leerling", "mijn zoon", "een meisje genaamd" and the like. Names elsewhere in a
sentence are hard to tell from ordinary words; the curators' log (`CuratorLog` in
bot/storage.py) handles those with a vocabulary keep-list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["telefoon", "e-mail", "bsn", "datum", "postcode", "adres", "naam"]

_RELATION = (
    r"(?:leerling|leerlinge|zoon|dochter|kind|broer|zus|broertje|zusje|moeder|vader|"
    r"pupil|student|jongen|meisje|kleuter|peuter|neef|nicht)"
)
_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("e-mail", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("telefoon", re.compile(
        r"(?<![\w+])(?:\+31[\s-]?|0031[\s-]?|0)(?:[1-9](?:[\s-]?\d){8})(?!\d)")),
    ("bsn", re.compile(r"(?<!\d)\d{9}(?!\d)")),
    ("datum", re.compile(
        r"\b(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}\b|"
        r"\b(?:0?[1-9]|[12]\d|3[01]) (?:januari|februari|maart|april|mei|juni|juli|augustus|"
        r"september|oktober|november|december) (?:19|20)\d{2}\b", re.IGNORECASE)),
    ("postcode", re.compile(r"\b[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}\b")),
    ("adres", re.compile(
        r"\b[A-Z][a-z]+(?:straat|laan|weg|plein|gracht|kade|singel|dreef|hof|park|steeg|pad)"
        r" \d{1,4}[a-zA-Z]?\b")),
    ("naam", re.compile(
        rf"\b(?:mijn|onze|haar|zijn|een|de|die|dat) {_RELATION}\w* (?:genaamd |heet |die heet )?"
        r"([A-Z][a-zà-ÿ]{1,20}(?: (?:van|de|der|den|el|al)?\s?[A-Z][a-zà-ÿ]{1,20})?)")),
)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    start: int
    end: int


def _bsn_valid(digits: str) -> bool:
    """The 11-proef: only numbers that pass it can be a BSN."""
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def find_personal_data(text: str) -> list[Finding]:
    """Places in `text` that look like personal data, in order, without overlaps."""
    found: list[Finding] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if kind == "bsn" and not _bsn_valid(match.group()):
                continue
            start, end = match.span(1) if kind == "naam" else match.span()
            if not any(f.start < end and start < f.end for f in found):
                found.append(Finding(kind, start, end))
    return sorted(found, key=lambda f: f.start)


def redact(text: str) -> str:
    """`text` with every finding replaced by its kind in brackets, e.g. "[telefoon]"."""
    out, last = [], 0
    for finding in find_personal_data(text):
        out.append(text[last:finding.start])
        out.append(f"[{finding.kind}]")
        last = finding.end
    out.append(text[last:])
    return "".join(out)
