"""The praatplaat: the wijk's network as one picture (matplotlib, Agg), made to be read on a phone.

Telegram shows a photo about 400 pixels wide on a phone screen, so the picture is designed in
those screen pixels and drawn `SCALE` times larger: every text is at least `MIN_TEXT` (11) screen
pixels high there, without zooming.

Kind en ouders in the centre, with the four domains of the sources as layers around them: above
it the school en kinderopvang and, further out, the wijk; below it the gemeente and, further out,
the regio. In each panel the partners of that domain are chips, grouped behind a tag with the age
groups they serve ("0-4 · PO · VO:"): a partner stands once, with all of its ages, so no age
group can be empty. A chip's fill and border say its status in the wijk (there now: blue; wanted:
orange with a dashed border; neither: white); the legend explains the marks and the ages. Every
chip and text gets a place of its own from a measured layout (chips are packed into full rows,
a long name on two lines where that saves a row), so no two labels overlap; `measure` and
`render` return the boxes as drawn. The same data always gives the same picture (no date of
drawing, no software version in the file). `text_version` holds the same content for screen
readers.

Imported only by the commands that draw: the answering path never loads matplotlib.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import textwrap
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import matplotlib

matplotlib.use("Agg")
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Ellipse, FancyBboxPatch, Patch
from matplotlib.text import Text

from bot.knowledge import AGE_LABELS, DOMAIN_LABELS, KnowledgeBase

Status = Literal["now", "wanted", "none"]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the picture

# Okabe-Ito colours, told apart by colour-blind readers; a dashed border marks "wanted" as
# well, so the marks also differ without colour (greyscale print).
COLOURS: dict[Status, str] = {"now": "#0072B2", "wanted": "#E69F00", "none": "#FFFFFF"}
EDGE_COLOURS: dict[Status, str] = {"now": "#004C78", "wanted": "#5C3D00", "none": "#8C8C8C"}
TEXT_COLOURS: dict[Status, str] = {"now": "#FFFFFF", "wanted": "#000000", "none": "#222222"}
DASHED: dict[Status, bool] = {"now": False, "wanted": True, "none": False}
STATUS_LABELS: dict[Status, str] = {"now": "is er nu", "wanted": "gewenst",
                                    "none": "niet gemarkeerd"}
SECTORS = ("school_kinderopvang", "wijk", "gemeente", "regio")
LAYERS = ("wijk", "school_kinderopvang", "gemeente", "regio")  # top to bottom, centre between
AGES = ("0-4", "po", "vo")
AGE_TAGS = {"0-4": "0-4", "po": "PO", "vo": "VO"}
WRAP = 17
MAX_LINES = 3

# Sizes in screen pixels of a phone showing the picture PHONE pixels wide.
PHONE = 400.0
WIDTH_PX = 1080  # the picture's width: SCALE picture pixels per screen pixel
SCALE = WIDTH_PX / PHONE
DPI = 100
MIN_TEXT = 11.0  # the smallest text legible without zooming (every size below is larger)
TEXT, HEADING, CENTRE, TITLE = 12.0, 13.5, 14.0, 14.5
MARGIN, GUTTER, CENTRE_BAND = 8.0, 6.0, 40.0
PANEL_PAD, CHIP_PAD_X, CHIP_PAD_Y, CHIP_GAP, GROUP_GAP = 6.0, 5.0, 2.5, 3.0, 10.0
FONT_FAMILY = "DejaVu Sans"  # shipped with matplotlib: the same picture on every machine


@dataclass(frozen=True, slots=True)
class Item:
    entry_id: str
    label: str
    domain: str
    ages: tuple[str, ...]  # in the order of AGES, never empty
    status: Status


@dataclass(frozen=True, slots=True)
class Chip:
    """A partner as drawn: its box in pixels of the picture and how it looks."""

    entry_id: str
    status: Status
    box: Box
    face: str
    edge: str
    dashed: bool


@dataclass(frozen=True, slots=True)
class Plate:
    """What was drawn, measured in the rendered picture (pixels, origin bottom left)."""

    width: int
    height: int
    chips: tuple[Chip, ...]  # one per partner outside the centre
    boxes: tuple[Box, ...]  # every label: chips, headings, age tags, centre, legend, title
    text_sizes: tuple[float, ...]  # the font size of every text drawn, in picture pixels
    legend: tuple[Chip, ...]  # the sample chips of the legend, with entry_id "" and the status


def items_for(kb: KnowledgeBase, statuses: Mapping[str, str]) -> list[Item]:
    """Every partner of the knowledge base with its status in the wijk ("none" if unmarked)."""
    out = []
    for entry in kb:
        if entry.kind != "partner" or entry.domain is None:
            continue
        ages = tuple(a for a in AGES if a in entry.ages) or AGES  # the kb check requires ages
        found = statuses.get(entry.id, "none")
        status: Status = "now" if found == "now" else "wanted" if found == "wanted" else "none"
        out.append(Item(entry.id, entry.title, entry.domain, ages, status))
    return sorted(out, key=lambda i: (i.domain, _age_order(i.ages), i.label.casefold()))


def _age_order(ages: tuple[str, ...]) -> tuple[int, int]:
    """Youngest first; of two groups starting at the same age, the broader first."""
    return AGES.index(ages[0]) if ages else 0, -len(ages)


def _drawable(label: str) -> str:
    """Symbols the embedded font cannot draw (emoji) are left out."""
    return " ".join("".join(ch for ch in label
                            if ord(ch) < 0x10000 and unicodedata.category(ch) != "So").split())


def wrap(label: str) -> str:
    """At most three lines of about WRAP characters, without symbols the font cannot draw."""
    lines = textwrap.wrap(_drawable(label), WRAP, break_long_words=False) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES - 1], textwrap.shorten(" ".join(lines[MAX_LINES - 1:]),
                                                         WRAP, placeholder="…")]
    return "\n".join(lines)


def age_tag(ages: tuple[str, ...]) -> str:
    """The short tag of age groups on the picture: "0-4 · PO · VO"."""
    return " · ".join(AGE_TAGS[a] for a in ages)


def _age_words(ages: tuple[str, ...]) -> str:
    words = [AGE_LABELS[a] for a in ages]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


def text_version(items: list[Item], title: str, changed: str) -> str:
    """The same content as text, for screen readers and quick reading."""
    lines = [title, f"Stand van de gegevens: {changed}", "Kind en ouders staan in het midden."]
    for domain in (*SECTORS, "centrum"):
        in_domain = [i for i in items if i.domain == domain]
        if not in_domain:
            continue
        lines.append(f"{DOMAIN_LABELS[domain]}:")
        for ages, group in _groups(in_domain):
            names = ", ".join(f"{i.label} ({STATUS_LABELS[i.status]})" for i in group)
            lines.append(f"  {_age_words(ages)}: {names}")
    return "\n".join(lines)


def _groups(items: list[Item]) -> list[tuple[tuple[str, ...], list[Item]]]:
    """Partners by the age groups they serve; only groups that have partners."""
    by_ages: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        by_ages.setdefault(item.ages, []).append(item)
    return [(ages, sorted(by_ages[ages], key=lambda i: i.label.casefold()))
            for ages in sorted(by_ages, key=_age_order)]


# --- Layout, in screen pixels (y downwards) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    bold: bool
    colour: str
    label: bool = True  # a label of its own (False: part of a chip)
    ha: Literal["left", "center"] = "left"


@dataclass(frozen=True, slots=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    face: str
    edge: str
    line: float = 1.0
    dashed: bool = False
    rounding: float = 4.0
    chip: tuple[str, Status] | None = None  # (entry id or "" for the legend, status)


@dataclass(frozen=True, slots=True)
class _Line:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class _Oval:
    x: float  # centre
    y: float
    w: float
    h: float


_Op = _Text | _Rect | _Line | _Oval


def _shift(ops: list[_Op], dx: float, dy: float) -> list[_Op]:
    out: list[_Op] = []
    for op in ops:
        if isinstance(op, _Line):
            out.append(_Line(op.x0 + dx, op.y0 + dy, op.x1 + dx, op.y1 + dy))
        else:
            out.append(dataclasses.replace(op, x=op.x + dx, y=op.y + dy))
    return out


def _points(screen_px: float) -> float:
    """A size in screen pixels as points of the figure."""
    return screen_px * SCALE * 72 / DPI


def _font(size: float, bold: bool) -> FontProperties:
    return FontProperties(family=FONT_FAMILY, size=_points(size),
                          weight="bold" if bold else "normal")


@functools.cache
def _renderer() -> RendererBase:
    """Measures text exactly as the picture draws it (Agg, same font, same DPI)."""
    renderer: RendererBase = RendererAgg(WIDTH_PX, 16, DPI)  # type: ignore[no-untyped-call]
    return renderer


@functools.cache
def _width(text: str, size: float, bold: bool) -> float:
    width, _, _ = _renderer().get_text_width_height_descent(text, _font(size, bold),
                                                            ismath=False)
    return float(width) / SCALE


@functools.cache
def _metrics(size: float, bold: bool) -> tuple[float, float]:
    """Ascent and descent of a line, in screen pixels (accents and descenders included)."""
    _, height, descent = _renderer().get_text_width_height_descent("ÉÅgjpq|", _font(size, bold),
                                                                   ismath=False)
    return (float(height) - float(descent)) / SCALE, float(descent) / SCALE


def _line_step(size: float, bold: bool) -> float:
    ascent, descent = _metrics(size, bold)
    return ascent + descent + 1.0


def _lines(text: str, size: float, bold: bool, width: float, max_lines: int) -> list[str]:
    """`text` in lines of at most `width` screen pixels; words too long are broken, the last
    line is shortened with an ellipsis when the text needs more than `max_lines`."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while _width(word, size, bold) > width and len(word) > 1:
            cut = 1
            while cut + 1 < len(word) and _width(word[:cut + 1] + "-", size, bold) <= width:
                cut += 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    lines.append(current)
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1:]).replace("- ", "-")
        while last and _width(last + "…", size, bold) > width:
            last = last[:-1].rstrip()
        lines = [*lines[:max_lines - 1], last + "…"]
    return lines


def _text_block(lines: list[str], x: float, top: float, size: float, bold: bool, colour: str,
                label: bool = True, ha: Literal["left", "center"] = "left",
                ) -> tuple[list[_Op], float]:
    """Lines of text below `top`; the ops and the height of the block."""
    ascent, descent = _metrics(size, bold)
    step = _line_step(size, bold)
    ops: list[_Op] = [_Text(x, top + ascent + n * step, line, size, bold, colour, label, ha)
                      for n, line in enumerate(lines)]
    return ops, ascent + descent + (len(lines) - 1) * step


def _two_lines(text: str, size: float, bold: bool) -> list[str]:
    """`text` in the two lines of the narrowest block (one line if it is one word)."""
    words = text.split()
    splits = [[" ".join(words[:n]), " ".join(words[n:])] for n in range(1, len(words))]
    return min(splits, key=lambda lines: max(_width(line, size, bold) for line in lines),
               default=[text])


def _chip(text: str, status: Status, max_width: float, entry_id: str, two_lines: bool = False,
          ) -> tuple[list[_Op], float, float]:
    """A chip at the origin (its name on two balanced lines if asked and if that fits): its
    ops, width and height."""
    text = _drawable(text) or "?"
    lines = _two_lines(text, TEXT, False) if two_lines else []
    if not lines or max(_width(line, TEXT, False) for line in lines) > max_width - 2 * CHIP_PAD_X:
        lines = _lines(text, TEXT, False, max_width - 2 * CHIP_PAD_X, MAX_LINES)
    inner = max(_width(line, TEXT, False) for line in lines)
    ops, height = _text_block(lines, CHIP_PAD_X, CHIP_PAD_Y, TEXT, False, TEXT_COLOURS[status],
                              label=False)
    width, height = inner + 2 * CHIP_PAD_X, height + 2 * CHIP_PAD_Y
    box = _Rect(0, 0, width, height, COLOURS[status], EDGE_COLOURS[status],
                line=1.6 if DASHED[status] else 1.0, dashed=DASHED[status],
                chip=(entry_id, status))
    return [box, *ops], width, height


_Piece = tuple[list[_Op], float, float]  # ops at the origin, width, height


@dataclass(frozen=True, slots=True)
class _Row:
    pieces: tuple[tuple[float, _Piece], ...]  # x and piece
    used: float  # width taken

    @property
    def height(self) -> float:
        return max(h for _, (_, _, h) in self.pieces)

    def add(self, piece: _Piece, gap: float = CHIP_GAP) -> _Row:
        x = self.used + gap
        return _Row((*self.pieces, (x, piece)), x + piece[1])


def _pack(rows: list[_Row], tag: _Piece, chips: list[_Piece], width: float) -> list[_Row]:
    """`rows` with an age group added: its tag continues the last row when the tag and a chip
    fit there, else starts a new row; the chips go, highest and then widest first, into the
    first of the group's rows with room (first-fit decreasing: rows are full, and chips of two
    lines share rows)."""
    smallest = min(w for _, w, _ in chips)
    rows = list(rows)
    if rows and rows[-1].used + GROUP_GAP + tag[1] + CHIP_GAP + smallest <= width:
        rows[-1] = rows[-1].add(tag, GROUP_GAP)
    else:
        rows.append(_Row(((0.0, tag),), tag[1]))
    first = len(rows) - 1
    for chip in sorted(chips, key=lambda p: (-p[2], -p[1])):
        for n in range(first, len(rows)):
            if rows[n].used + CHIP_GAP + chip[1] <= width:
                rows[n] = rows[n].add(chip)
                break
        else:
            rows.append(_Row(((0.0, chip),), chip[1]))
    return rows


def _height(rows: list[_Row]) -> float:
    return sum(r.height for r in rows) + CHIP_GAP * max(0, len(rows) - 1)


def _place(rows: list[_Row]) -> tuple[list[_Op], float]:
    """The rows one below the other: the ops and the height."""
    ops: list[_Op] = []
    y = 0.0
    for row in rows:
        for x, (piece_ops, _, _) in row.pieces:
            ops += _shift(piece_ops, x, y)
        y += row.height + CHIP_GAP
    return ops, _height(rows)


def _tag(ages: tuple[str, ...], height: float) -> tuple[list[_Op], float, float]:
    """The age tag in front of a group of chips, centred on a chip's first line."""
    text = age_tag(ages) + ":"
    baseline = CHIP_PAD_Y + _metrics(TEXT, False)[0]
    return ([_Text(0, baseline, text, TEXT, True, "#4D4D4D")], _width(text, TEXT, True) + 2,
            min(height, baseline + _metrics(TEXT, True)[1]))


def _panel(domain: str, items: list[Item], width: float) -> tuple[list[_Op], float]:
    """One domain at the origin: heading, then per age tag its partners; ops and height."""
    inner = width - 2 * PANEL_PAD
    heading = _lines(DOMAIN_LABELS[domain], HEADING, True, inner - 8, 2)
    ops, height = _text_block(heading, PANEL_PAD + 4, 0, HEADING, True, "#222222")
    rows: list[_Row] = []
    for ages, group in _groups(items):
        wide = [_chip(i.label, i.status, inner, i.entry_id) for i in group]
        narrow = [_chip(i.label, i.status, inner, i.entry_id, two_lines=True) for i in group]
        tag = _tag(ages, min(h for _, _, h in wide))
        chosen = list(wide)
        best = _pack(rows, tag, chosen, inner)
        pairs = [(n, m) for n in range(len(group)) for m in range(n, len(group))]
        for n, m in pairs:  # long names on two lines (two of them share a row) if that helps
            trial = [narrow[k] if k in (n, m) else chip for k, chip in enumerate(chosen)]
            packed = _pack(rows, tag, trial, inner)
            if _height(packed) < _height(best) - 0.5:
                chosen, best = trial, packed
        rows = best
    flow, flow_height = _place(rows)
    ops += _shift(flow, PANEL_PAD, height + 3)
    total = height + 3 + flow_height + PANEL_PAD
    # The heading sits on the panel's top border, on a patch of the page's white.
    heading_width = max(_width(line, HEADING, True) for line in heading)
    return [_Rect(0, height / 2, width, total - height / 2, "#F0F0F0", "#B3B3B3", rounding=6),
            _Rect(PANEL_PAD, 0, heading_width + 8, height, "#FFFFFF", "#FFFFFF", line=0,
                  rounding=0), *ops], total


def _legend(top: float, changed: str) -> tuple[list[_Op], float]:
    width = PHONE - 2 * MARGIN
    ops: list[_Op] = []
    x = MARGIN
    for status in ("now", "wanted", "none"):
        chip_ops, w, h = _chip(STATUS_LABELS[status], status, width, "")
        ops += _shift(chip_ops, x, top)
        x += w + 2 * CHIP_GAP
        row = h
    y = top + row + 5
    ages = "Leeftijden: 0-4 jaar · PO basisschool · VO voortgezet onderwijs"
    block, height = _text_block(_lines(ages, TEXT, False, width, 3), MARGIN, y, TEXT, False,
                                "#333333")
    ops += block
    y += height + 4
    block, height = _text_block([f"Stand van de gegevens: {changed}"], MARGIN, y, TEXT, False,
                                "#555555")
    return ops + block, y + height - top


def _layout(items: list[Item], title: str, changed: str) -> tuple[list[_Op], float]:
    """Every op of the picture, and its height in screen pixels."""
    title_lines = _lines(_drawable(title) or " ", TITLE, True, PHONE - 2 * MARGIN, 2)
    ops, height = _text_block(title_lines, PHONE / 2, MARGIN, TITLE, True, "#111111",
                              ha="center")
    y = MARGIN + height + 8
    width = PHONE - 2 * MARGIN
    for n, domain in enumerate(LAYERS):
        if n == len(LAYERS) // 2:  # the centre: kind en ouders
            centre_ops, centre_h = _text_block(["Kind en ouders"], PHONE / 2, 0, CENTRE, True,
                                               "#111111", ha="center")
            ops.append(_Line(PHONE / 2, y - GUTTER, PHONE / 2, y + CENTRE_BAND + GUTTER))
            ops.append(_Oval(PHONE / 2, y + CENTRE_BAND / 2, 150, CENTRE_BAND - 6))
            ops += _shift(centre_ops, 0, y + (CENTRE_BAND - centre_h) / 2)
            y += CENTRE_BAND + GUTTER
        panel, panel_h = _panel(domain, [i for i in items if i.domain == domain], width)
        ops += _shift(panel, MARGIN, y)
        y += panel_h + GUTTER
    legend, legend_h = _legend(y + 2, changed)
    return [*ops, *legend], y + 2 + legend_h + MARGIN


# --- Drawing ----------------------------------------------------------------------------------


def _draw(items: list[Item], title: str, changed: str) -> tuple[Figure, Plate]:
    ops, height = _layout(items, title, changed)
    height_px = math.ceil(height * SCALE)
    height = height_px / SCALE
    fig = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, facecolor="#FFFFFF")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, PHONE)
    ax.set_ylim(height, 0)
    ax.axis("off")
    chips: list[tuple[tuple[str, Status], FancyBboxPatch]] = []
    labels: list[Text | Patch] = []
    texts: list[Text] = []
    for op in ops:
        if isinstance(op, _Line):
            ax.plot([op.x0, op.x1], [op.y0, op.y1], color="#7F7F7F", linewidth=_points(1.5),
                    zorder=1, solid_capstyle="butt")
        elif isinstance(op, _Oval):
            ax.add_patch(Ellipse((op.x, op.y), op.w, op.h, facecolor="#FFFFFF",
                                 edgecolor="#333333", linewidth=_points(2), zorder=2))
        elif isinstance(op, _Rect):
            patch = FancyBboxPatch((op.x, op.y), op.w, op.h,
                                   boxstyle=f"round,pad=0,rounding_size={op.rounding}",
                                   facecolor=op.face, edgecolor=op.edge,
                                   linewidth=_points(op.line),
                                   linestyle=(0, (3, 1.5)) if op.dashed else "solid",
                                   zorder=2 if op.chip is None else 3)
            ax.add_patch(patch)
            if op.chip is not None:
                chips.append((op.chip, patch))
                labels.append(patch)
        else:
            text = ax.text(op.x, op.y, op.text, ha=op.ha, va="baseline", color=op.colour,
                           fontproperties=_font(op.size, op.bold), zorder=4)
            texts.append(text)
            if op.label:
                labels.append(text)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]

    def box(artist: Text | Patch) -> Box:
        extent = artist.get_window_extent(renderer)
        return (float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1))

    drawn = [Chip(entry_id, status, box(patch), COLOURS[status], EDGE_COLOURS[status],
                  DASHED[status]) for (entry_id, status), patch in chips]
    plate = Plate(WIDTH_PX, height_px, tuple(c for c in drawn if c.entry_id),
                  tuple(box(label) for label in labels),
                  tuple(float(t.get_fontsize()) * DPI / 72 for t in texts),
                  tuple(c for c in drawn if not c.entry_id))
    return fig, plate


def measure(items: list[Item], title: str, changed: str) -> Plate:
    """The measurements of the picture, without writing it."""
    _, drawn = _draw(items, title, changed)
    return drawn


def render_png(items: list[Item], title: str, changed: str) -> bytes:
    """The picture as PNG bytes (for the bot)."""
    buffer = io.BytesIO()
    render(items, title, changed, buffer, "png")
    return buffer.getvalue()


def render(items: list[Item], title: str, changed: str, path: Path | BinaryIO,
           fmt: str | None = None) -> Plate:
    """Draw the picture to `path` (.png or .svg, or `fmt` for a file object); returns what was
    drawn, measured in the picture (`Plate.boxes` are the label boxes in pixels)."""
    fmt = fmt or (path.suffix.lower().lstrip(".") if isinstance(path, Path) else "png")
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown picture format '.{fmt}': use .png or .svg")
    fig, drawn = _draw(items, title, changed)
    metadata: dict[str, str | None] = ({"Software": None} if fmt == "png"
                                       else {"Creator": None, "Date": None})
    fig.savefig(path, format=fmt, dpi=DPI, metadata=metadata)
    return drawn


def overlaps(boxes: list[Box] | tuple[Box, ...]) -> int:
    """How many pairs of label boxes overlap."""
    count = 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                count += 1
    return count
