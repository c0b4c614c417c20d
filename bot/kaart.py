"""The sociale kaart: the partners of a wijk on paper (PDF) or as Markdown.

Grouped by domain and age group, with what each partner does, when to involve them and the
wijk's local contact routes with the date they were last checked: for staff who do not use
Telegram and for the staff room wall. The PDF embeds a TrueType font (DejaVu Sans, shipped with
matplotlib), because the core PDF fonts cannot draw "→", "’" or "ë" reliably.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import AGE_LABELS, DOMAIN_LABELS, Entry, KnowledgeBase
from bot.routes import Route, contact_line

DOMAIN_ORDER = ("centrum", "school_kinderopvang", "wijk", "gemeente", "regio")
AGE_ORDER = ("0-4", "po", "vo")


@dataclass(frozen=True, slots=True)
class Card:
    """What the kaart says about one partner."""

    entry: Entry
    age: str
    routes: tuple[Route, ...]


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def cards(kb: KnowledgeBase, routes: list[Route]) -> dict[str, dict[str, list[Card]]]:
    """domain -> age group -> cards, in reading order."""
    by_entry: dict[str, list[Route]] = {}
    for route in routes:
        by_entry.setdefault(route.entry_id, []).append(route)
    out: dict[str, dict[str, list[Card]]] = {}
    for entry in sorted((e for e in kb if e.kind == "partner"), key=lambda e: e.title.casefold()):
        domain = entry.domain or "wijk"
        age = next((a for a in AGE_ORDER if a in entry.ages), "po")
        out.setdefault(domain, {}).setdefault(age, []).append(
            Card(entry, age, tuple(by_entry.get(entry.id, ()))))
    return {d: {a: out[d][a] for a in AGE_ORDER if a in out[d]} for d in DOMAIN_ORDER if d in out}


def markdown(kb: KnowledgeBase, routes: list[Route], title: str, changed: str) -> str:
    lines = [f"# {title}", "", f"Stand van de gegevens: {changed}", ""]
    for domain, ages in cards(kb, routes).items():
        lines += [f"## {DOMAIN_LABELS[domain]}", ""]
        for age, group in ages.items():
            lines += [f"### {AGE_LABELS[age]}", ""]
            for card in group:
                lines.append(f"**{card.entry.title}**  ")
                lines.append(f"{_first_sentence(card.entry.answer)}  ")
                if card.entry.when:
                    lines.append(f"*Wanneer:* {_first_sentence(card.entry.when)}  ")
                for route in card.routes:
                    lines.append(f"*In de wijk:* {contact_line(route)} "
                                 f"(gecontroleerd {route.checked[:10]})  ")
                lines.append("")
    return "\n".join(lines)


def _font() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def pdf(kb: KnowledgeBase, routes: list[Route], title: str, changed: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    # The same data gives the same file: the date of the data, not of the drawing.
    day, month, year = (int(part) for part in changed.split("-"))
    doc.set_creation_date(dt.datetime(year, month, day, tzinfo=dt.UTC))
    font = _font()
    doc.add_font("DejaVu", "", str(font))
    doc.add_font("DejaVu", "B", str(font.with_name("DejaVuSans-Bold.ttf")))
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_font("DejaVu", "B", 18)
    doc.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 9)
    doc.multi_cell(0, 5, f"Stand van de gegevens: {changed}", new_x="LMARGIN", new_y="NEXT")
    for domain, ages in cards(kb, routes).items():
        doc.ln(3)
        doc.set_font("DejaVu", "B", 14)
        doc.multi_cell(0, 8, DOMAIN_LABELS[domain], new_x="LMARGIN", new_y="NEXT")
        for age, group in ages.items():
            doc.set_font("DejaVu", "B", 11)
            doc.multi_cell(0, 6, AGE_LABELS[age], new_x="LMARGIN", new_y="NEXT")
            for card in group:
                doc.set_font("DejaVu", "B", 10)
                doc.multi_cell(0, 5, card.entry.title, new_x="LMARGIN", new_y="NEXT")
                doc.set_font("DejaVu", "", 9)
                doc.multi_cell(0, 4.5, _first_sentence(card.entry.answer),
                               new_x="LMARGIN", new_y="NEXT")
                if card.entry.when:
                    doc.multi_cell(0, 4.5, "Wanneer: " + _first_sentence(card.entry.when),
                                   new_x="LMARGIN", new_y="NEXT")
                for route in card.routes:
                    doc.multi_cell(0, 4.5, f"→ In de wijk: {contact_line(route)} "
                                           f"(gecontroleerd {route.checked[:10]})",
                                   new_x="LMARGIN", new_y="NEXT")
                doc.ln(1.5)
    return bytes(doc.output())
