"""The sociale kaart: the partners of a wijk on paper (PDF) or as Markdown.

What Dutch schools call a sociale kaart: a table per domain (partner, what for, for which ages,
how to reach them) and, on page 1, a box with the emergency and advice numbers. The contact is
the wijk's local route (organisation, phone, e-mail, hours and the date it was last checked);
without one, the general route from the knowledge base. Callers pass only the routes the reader
may see. One or two A4 pages for a typical wijk, for staff who do not use Telegram and for the
staff room wall.

The PDF embeds a TrueType font (DejaVu Sans, shipped with matplotlib), because the core PDF
fonts cannot draw "→", "’" or "ë" reliably. Pages are laid out in two steps: every row is
measured first, then `flow` decides where pages break (a heading keeps its first rows with it, a
table never leaves one row alone on the next page), and only then is anything drawn.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot.knowledge import DOMAIN_LABELS, Entry, KnowledgeBase
from bot.routes import Route

if TYPE_CHECKING:
    from fpdf import FPDF

# From near to far: the school, the wijk, the gemeente, the region; kind and ouders last.
DOMAIN_ORDER = ("school_kinderopvang", "wijk", "gemeente", "regio", "centrum")
AGE_ORDER = ("0-4", "po", "vo")
AGE_SHORT = {"0-4": "0-4", "po": "PO", "vo": "VO"}

# The numbers exactly as in the knowledge base (the fact `noodnummers` and the partners; a test
# checks them there): number, who, when.
EMERGENCY: tuple[tuple[str, str, str], ...] = (
    ("112", "Acuut gevaar", "politie, brandweer, ambulance"),
    ("0800-2000", "Veilig Thuis", "advies en melden bij huiselijk geweld en kindermishandeling; "
     "gratis, 24/7, ook anoniem"),
    ("113 / 0800-0113", "113 Zelfmoordpreventie", "gratis, 24/7 en anoniem; chat op 113.nl"),
    ("0800-0432", "De Kindertelefoon", "voor kinderen van 8 tot 18 jaar; gratis en anoniem"),
    ("0900-111 3111", "Vertrouwensinspecteur", "vermoeden van seksueel misbruik door een "
     "medewerker; werkdagen 8-17 uur"),
    ("0900-8844", "Politie zonder spoed", "vraag naar de wijkagent van jouw wijk"),
)
EMERGENCY_TITLE = "Noodnummers en advies"
INTRO = ("Contact: vet is het contact in de wijk (met de datum van controle), anders de "
         "algemene route.")
SITUATIONS_HEADING = "Afspraken in de wijk bij situaties"

# Places the knowledge base names as examples from elsewhere: a kaart holds its own wijk only.
ELSEWHERE = ("Haarlemmermeer", "Hoofddorp", "Tilburg", "De Zuidwester", "Hart van Brabant",
             "Amsterdam", "Utrecht", "Eindhoven")
_ELSEWHERE_PHRASE = re.compile(
    r"\s+(?:in|bij|uit) (?:" + "|".join(re.escape(p) for p in ELSEWHERE) + r")\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# A sentence of the general route that says where to go, not a lead-in such as "Meestal gaat
# het zo."
_ROUTE_CUE = re.compile(r"^(vraag|kijk|zoek|neem|bel)\b|\b(via|bel|binnen|website|contact|"
                        r"meld\w*|directeur|ib'er|zorgcoördinator|gemeente|rechtstreeks)\b|"
                        r"\.nl\b|\d{3}", re.IGNORECASE)
_EMERGENCY_LINE = re.compile(r"^(bij )?acuut gevaar\b", re.IGNORECASE)
_LEAD_IN = re.compile(r"(\bzo\.|:)$")


@dataclass(frozen=True, slots=True)
class Row:
    """What the kaart says about one partner."""

    entry: Entry
    what_for: str
    ages: str
    routes: tuple[Route, ...]  # the local routes; empty: the general route applies
    general: str


Style = Literal["org", "text", "general", "small"]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _own_wijk_only(sentences: list[str]) -> list[str]:
    """Without the examples from another gemeente ("werkt in Haarlemmermeer aan ...")."""
    out = []
    for sentence in sentences:
        sentence = _ELSEWHERE_PHRASE.sub("", sentence)
        if not any(place in sentence for place in ELSEWHERE):
            out.append(sentence)
    return out


def what_for(entry: Entry) -> str:
    """One sentence: what the partner does (the first sentence of the summary)."""
    sentences = _own_wijk_only(_sentences(entry.summary)) or [entry.title]
    return sentences[0]


def general_route(entry: Entry) -> str:
    """From `reach`: the first sentence that says where to go, with the (at most two) sentences
    leading up to it when the text tells the route as steps ("Als leerkracht vertel je het eerst
    aan de ouders. ..."). Lead-ins ("Meestal gaat het zo.") and "Acuut gevaar: bel 112" (in the
    numbers box already) are left out."""
    sentences = [s for s in _own_wijk_only(_sentences(entry.reach or ""))
                 if not _EMERGENCY_LINE.match(s) and not _LEAD_IN.search(s)]
    for index, sentence in enumerate(sentences[:3]):
        if _ROUTE_CUE.search(sentence):
            return " ".join(sentences[:index + 1])
    return sentences[0] if sentences else ""


def ages(entry: Entry) -> str:
    return " / ".join(AGE_SHORT[a] for a in AGE_ORDER if a in entry.ages)


def _date(iso: str) -> str:
    """2026-05-01 (or a timestamp) -> 01-05-2026, the form of `changed`."""
    return f"{iso[8:10]}-{iso[5:7]}-{iso[:4]}" if len(iso) >= 10 else iso


def rows(kb: KnowledgeBase, routes: Sequence[Route]) -> dict[str, list[Row]]:
    """domain -> the partners' rows (alphabetical), domains in reading order."""
    by_entry: dict[str, list[Route]] = {}
    for route in routes:
        by_entry.setdefault(route.entry_id, []).append(route)
    out: dict[str, list[Row]] = {}
    for entry in sorted((e for e in kb if e.kind == "partner"), key=lambda e: e.title.casefold()):
        local = tuple(sorted(by_entry.get(entry.id, ()), key=lambda r: r.organisation.casefold()))
        out.setdefault(entry.domain or "wijk", []).append(
            Row(entry, what_for(entry), ages(entry), local, general_route(entry)))
    return {d: out[d] for d in DOMAIN_ORDER if d in out}


def situation_routes(kb: KnowledgeBase, routes: Sequence[Route]) -> list[tuple[str, Route]]:
    """Local routes the wijk agreed for a situation (not a partner): (situation title, route)."""
    found = []
    for route in routes:
        entry = kb.get(route.entry_id)
        if entry is not None and entry.kind == "situation":
            found.append((entry.title, route))
    return sorted(found, key=lambda pair: (pair[0].casefold(), pair[1].organisation.casefold()))


def contact(row: Row) -> list[tuple[Style, str]]:
    """The contact cell as styled paragraphs: every local route, or else the general route."""
    if not row.routes:
        return [("general", row.general)] if row.general else []
    out: list[tuple[Style, str]] = []
    for route in row.routes:
        out += _route_lines(route)
    return out


def _route_lines(route: Route) -> list[tuple[Style, str]]:
    lines: list[tuple[Style, str]] = [("org", route.organisation)]
    site = route.website.removeprefix("https://").removeprefix("http://").rstrip("/")
    reach = " · ".join(p for p in (route.phone, route.email, site) if p)
    if reach:
        lines.append(("text", reach))
    if route.note:
        lines.append(("text", route.note))
    when = [f"inloop: {route.hours}"] if route.hours else []
    if route.checked:
        when.append(f"gecontroleerd {_date(route.checked)}")
    if when:
        lines.append(("small", " · ".join(when)))
    return lines


def source_line(kb: KnowledgeBase) -> str:
    return ("Wijkwijzer — kennisbank, laatst gecontroleerd "
            f"{_date(kb.last_reviewed.isoformat())}")


# --- Markdown --------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_contact(lines: list[tuple[Style, str]]) -> str:
    parts = []
    for style, text in lines:
        cell = _md_cell(text)
        parts.append(f"**{cell}**" if style == "org" else f"*{cell}*" if style == "small"
                     else cell)
    return "<br>".join(parts)


def markdown(kb: KnowledgeBase, routes: list[Route], title: str, changed: str) -> str:
    lines = [f"# {title}", "", f"Bijgewerkt op {changed}. {INTRO}", "",
             f"> **{EMERGENCY_TITLE}**", ">"]
    lines += [f"> - **{number}** {who}: {when}" for number, who, when in EMERGENCY]
    lines.append("")
    for domain, group in rows(kb, routes).items():
        lines += [f"## {DOMAIN_LABELS[domain]}", "",
                  "| Partner | Waarvoor | Leeftijd | Contact |", "|---|---|---|---|"]
        lines += [f"| **{_md_cell(r.entry.title)}** | {_md_cell(r.what_for)} | {r.ages} | "
                  f"{_md_contact(contact(r))} |" for r in group]
        lines.append("")
    agreed = situation_routes(kb, routes)
    if agreed:
        lines += [f"## {SITUATIONS_HEADING}", "", "| Situatie | Contact |", "|---|---|"]
        lines += [f"| **{_md_cell(name)}** | {_md_contact(_route_lines(route))} |"
                  for name, route in agreed]
        lines.append("")
    lines += ["---", "", source_line(kb), ""]
    return "\n".join(lines)

# --- PDF -------------------------------------------------------------------------------------

MARGIN = 12.0
PAGE_W, PAGE_H = 210.0, 297.0
BOTTOM = PAGE_H - 13.0  # the footer sits below
MAX_PAGES = 2
COLUMNS = (("Partner", 37.0), ("Waarvoor", 66.0), ("Leeftijd", 19.5), ("Contact", 63.5))
SITUATION_COLUMNS = (("Situatie", 53.0), ("Contact", 133.0))
PAD_X = 1.4
HEADER_ROW = 4.8
HEADING = 7.5  # a domain heading, with the space above it

INK = (25, 25, 25)
GREY = (95, 95, 95)
ACCENT = (28, 62, 110)
LINE = (190, 198, 208)
HEAD_FILL = (222, 230, 240)
ZEBRA = (246, 248, 251)
ALERT = (176, 32, 32)
ALERT_FILL = (253, 240, 238)


@dataclass(frozen=True, slots=True)
class Look:
    """How dense the tables are: the text size (pt) and the space above and below a row (mm)."""

    size: float
    pad: float

    def font(self, style: Style) -> tuple[str, float, tuple[int, int, int]]:
        return {"org": ("B", self.size, INK), "text": ("", self.size, INK),
                "general": ("", self.size, GREY), "small": ("", self.size - 0.8, GREY)}[style]


# The first that fits on MAX_PAGES pages is used; a big wijk gets more pages in the last one.
# DejaVu Sans is large for its size: 7 pt reads like 8 pt of most fonts.
LOOKS = (Look(7.0, 0.85), Look(7.0, 0.5), Look(6.6, 0.5))

Step = tuple[Literal["page", "head", "more", "row"], int, int]


def flow(blocks: Sequence[tuple[float, Sequence[float]]], start: float, top: float,
         bottom: float, more: float) -> list[Step]:
    """Where the tables go: ("page", block, row) starts a new page, ("head", block, -1) draws a
    domain heading with its header row, ("more", block, row) repeats both for a table continued
    on a new page, ("row", block, row) draws a row.

    `blocks` holds, per table, the height of its heading (with the header row) and its rows'
    heights; a page's content runs from `top` (the first page's from `start`) to `bottom`, and
    a continued table needs `more` for its repeated heading. A heading keeps its first two rows
    on its page, and a table never leaves its last row alone on the next page."""
    steps: list[Step] = []
    y = start
    for b, (head, heights) in enumerate(blocks):
        if y + head + sum(heights[:2]) > bottom and y > top:
            steps.append(("page", b, -1))
            y = top
        steps.append(("head", b, -1))
        y += head
        rows_here = 0
        for i, height in enumerate(heights):
            last_alone = (i == len(heights) - 2 and rows_here >= 2
                          and y + height <= bottom < y + height + heights[-1])
            if rows_here and (y + height > bottom or last_alone):
                steps += [("page", b, i), ("more", b, i)]
                y = top + more
                rows_here = 0
            steps.append(("row", b, i))
            y += height
            rows_here += 1
    return steps


def pages(steps: Sequence[Step]) -> int:
    return 1 + sum(1 for kind, _, _ in steps if kind == "page")


def _font() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _line_height(size: float) -> float:
    return size * 0.44  # mm per line: 7 pt -> 3.1 mm


def _count_lines(doc: FPDF, width: float, size: float, text: str,
                 markdown: bool = False) -> int:
    """How many lines `text` wraps to in the current font (nothing is drawn)."""
    lines = doc.multi_cell(width, _line_height(size), text, align="L", markdown=markdown,
                           dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return max(1, len(lines))


Cell = list[tuple[Style, str]]


class _Table:
    """Measures and draws rows of wrapped cells at fixed column widths."""

    def __init__(self, doc: FPDF, label: str, columns: Sequence[tuple[str, float]],
                 body: list[list[Cell]]) -> None:
        self.doc = doc
        self.label = label
        self.columns = columns
        self.body = body
        self.width = sum(w for _, w in columns)

    def _lines(self, width: float, look: Look, style: Style, text: str) -> int:
        font, size, _ = look.font(style)
        self.doc.set_font("DejaVu", font, size)
        return _count_lines(self.doc, width - 2 * PAD_X, size, text)

    def heights(self, look: Look) -> list[float]:
        out = []
        for cells in self.body:
            tallest = max(sum(self._lines(width, look, style, text)
                              * _line_height(look.font(style)[1]) for style, text in cell)
                          for cell, (_, width) in zip(cells, self.columns, strict=True))
            out.append(tallest + 2 * look.pad)
        return out

    def heading(self, y: float, look: Look, more: bool) -> float:
        """The domain heading and the header row; returns the y below them."""
        doc = self.doc
        doc.set_xy(MARGIN, y + HEADING - 5.5)
        doc.set_font("DejaVu", "B", 10.5)
        doc.set_text_color(*ACCENT)
        doc.cell(0, 5, f"{self.label} (vervolg)" if more else self.label)
        y += HEADING
        doc.set_fill_color(*HEAD_FILL)
        doc.rect(MARGIN, y, self.width, HEADER_ROW, style="F")
        doc.set_font("DejaVu", "B", look.size)
        x = MARGIN
        for name, width in self.columns:
            doc.set_xy(x + PAD_X, y + (HEADER_ROW - _line_height(look.size)) / 2)
            doc.cell(width - 2 * PAD_X, _line_height(look.size), name)
            x += width
        return y + HEADER_ROW

    def row(self, y: float, look: Look, index: int, height: float) -> float:
        doc = self.doc
        if index % 2:
            doc.set_fill_color(*ZEBRA)
            doc.rect(MARGIN, y, self.width, height, style="F")
        doc.set_draw_color(*LINE)
        doc.set_line_width(0.2)
        doc.line(MARGIN, y + height, MARGIN + self.width, y + height)
        x = MARGIN
        for cell, (_, width) in zip(self.body[index], self.columns, strict=True):
            doc.set_xy(x + PAD_X, y + look.pad)
            for style, text in cell:
                font, size, colour = look.font(style)
                doc.set_font("DejaVu", font, size)
                doc.set_text_color(*colour)
                doc.multi_cell(width - 2 * PAD_X, _line_height(size), text, align="L",
                               new_x="LEFT", new_y="NEXT")
            x += width
        return y + height


def _partner_cells(row: Row) -> list[Cell]:
    return [[("org", row.entry.title)], [("text", row.what_for)], [("text", row.ages)],
            contact(row)]


def _emergency_box(doc: FPDF, y: float) -> float:
    """The numbers box, three to a line; returns the y below it."""
    width = PAGE_W - 2 * MARGIN
    per_line, inner = 3, 2.5
    column = (width - 2 * inner) / per_line
    title_h, number_size, text_size = 7.0, 10.5, 6.8
    texts = [f"**{who}**: {when}" for _, who, when in EMERGENCY]
    doc.set_font("DejaVu", "", text_size)
    lines = [_count_lines(doc, column - 3, text_size, text, markdown=True) for text in texts]
    line_heights = [_line_height(number_size) + 0.6 + max(lines[i:i + per_line])
                    * _line_height(text_size) + 1.8 for i in range(0, len(texts), per_line)]
    height = title_h + sum(line_heights) + 0.6
    doc.set_fill_color(*ALERT_FILL)
    doc.set_draw_color(*ALERT)
    doc.set_line_width(0.5)
    doc.rect(MARGIN, y, width, height, style="DF")
    doc.set_xy(MARGIN + inner, y + 1.8)
    doc.set_font("DejaVu", "B", 9.5)
    doc.set_text_color(*ALERT)
    doc.cell(width - 2 * inner, 4, EMERGENCY_TITLE)
    for index, ((number, _, _), text) in enumerate(zip(EMERGENCY, texts, strict=True)):
        line, place = divmod(index, per_line)
        x = MARGIN + inner + place * column
        top = y + title_h + sum(line_heights[:line])
        doc.set_xy(x, top)
        doc.set_font("DejaVu", "B", number_size)
        doc.set_text_color(*ALERT)
        doc.cell(column - 3, _line_height(number_size), number)
        doc.set_xy(x, top + _line_height(number_size) + 0.6)
        doc.set_font("DejaVu", "", text_size)
        doc.set_text_color(*INK)
        doc.multi_cell(column - 3, _line_height(text_size), text, align="L", markdown=True,
                       new_x="LEFT", new_y="NEXT")
    return y + height


def pdf(kb: KnowledgeBase, routes: list[Route], title: str, changed: str) -> bytes:
    from fpdf import FPDF

    footer = f"{source_line(kb)} · {title}"

    class Kaart(FPDF):
        def footer(self) -> None:
            self.set_draw_color(*LINE)
            self.set_line_width(0.2)
            self.line(MARGIN, PAGE_H - 11, PAGE_W - MARGIN, PAGE_H - 11)
            self.set_xy(MARGIN, PAGE_H - 10)
            self.set_font("DejaVu", "", 6.5)
            self.set_text_color(*GREY)
            room = PAGE_W - 2 * MARGIN - 32
            text = footer
            while self.get_string_width(text) > room:  # a long wijk name: shorten, never overlap
                text = text[:-2] + "…"
            self.cell(room + 2, 4, text)
            self.cell(30, 4, f"pagina {self.page_no()} van {{nb}}", align="R")

    doc = Kaart(format="A4")
    # The same data gives the same file: the date of the data, not of the drawing.
    day, month, year = (int(part) for part in changed.split("-"))
    doc.set_creation_date(dt.datetime(year, month, day, tzinfo=dt.UTC))
    doc.set_title(title)
    font = _font()
    doc.add_font("DejaVu", "", str(font))
    doc.add_font("DejaVu", "B", str(font.with_name("DejaVuSans-Bold.ttf")))
    doc.set_auto_page_break(auto=False)  # `flow` decides
    doc.set_margins(MARGIN, MARGIN, MARGIN)
    doc.c_margin = 0
    doc.add_page()

    doc.set_text_color(*ACCENT)
    doc.set_font("DejaVu", "B", 15)
    doc.multi_cell(0, 7, title, align="L", new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(*GREY)
    doc.set_font("DejaVu", "", 7.5)
    doc.multi_cell(0, 3.6, f"Bijgewerkt op {changed}. {INTRO}", align="L",
                   new_x="LMARGIN", new_y="NEXT")
    start = _emergency_box(doc, doc.get_y() + 2)

    tables = [_Table(doc, DOMAIN_LABELS[domain], COLUMNS, [_partner_cells(r) for r in group])
              for domain, group in rows(kb, routes).items()]
    agreed = situation_routes(kb, routes)
    if agreed:
        tables.append(_Table(doc, SITUATIONS_HEADING, SITUATION_COLUMNS,
                             [[[("org", name)], _route_lines(route)] for name, route in agreed]))
    head = HEADING + HEADER_ROW
    for look in LOOKS:
        heights = [table.heights(look) for table in tables]
        steps = flow([(head, h) for h in heights], start, MARGIN, BOTTOM, head)
        if pages(steps) <= MAX_PAGES:
            break

    y = start
    for kind, b, i in steps:
        table = tables[b]
        if kind == "page":
            doc.add_page()
            y = MARGIN
        elif kind in ("head", "more"):
            y = table.heading(y, look, more=kind == "more")
        else:
            y = table.row(y, look, i, heights[b][i])
    return bytes(doc.output())
