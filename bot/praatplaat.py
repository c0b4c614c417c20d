"""The praatplaat: the wijk's network as one picture (matplotlib, Agg).

Kind en ouders in the centre; around them the four domains of the sources as sectors
(school/kinderopvang, wijk, gemeente, regio). Inside each sector a band per age group
(0-4, PO, VO) holds the partners of that domain, in the band of the youngest age group they
serve, coloured by their status in the wijk: there now, wanted, or neither. Every label has a
cell of its own in a grid, so no two labels can overlap; the same data always gives the same
picture (no date of drawing, no software version in the file).

Imported only by the commands that draw: the answering path never loads matplotlib.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

from bot.knowledge import AGE_LABELS, DOMAIN_LABELS, KnowledgeBase

Status = Literal["now", "wanted", "none"]
Box = tuple[float, float, float, float]

# Okabe-Ito colours, told apart by colour-blind readers; light grey for "not marked".
COLOURS: dict[Status, str] = {"now": "#0072B2", "wanted": "#E69F00", "none": "#D9D9D9"}
TEXT_COLOURS: dict[Status, str] = {"now": "#FFFFFF", "wanted": "#000000", "none": "#222222"}
STATUS_LABELS: dict[Status, str] = {"now": "is er nu", "wanted": "gewenst",
                                    "none": "niet gemarkeerd"}
SECTORS = ("school_kinderopvang", "wijk", "regio", "gemeente")  # top-left, top-right, ...
AGES = ("0-4", "po", "vo")
SIZE, DPI = 12.0, 100  # 1200 x 1200 pixels
COLUMNS = 3
WRAP = 17
MAX_LINES = 3


@dataclass(frozen=True, slots=True)
class Item:
    entry_id: str
    label: str
    domain: str
    age: str
    status: Status


def items_for(kb: KnowledgeBase, statuses: Mapping[str, str]) -> list[Item]:
    """Every partner of the knowledge base with its status in the wijk ("none" if unmarked)."""
    out = []
    for entry in kb:
        if entry.kind != "partner" or entry.domain is None:
            continue
        age = next((a for a in AGES if a in entry.ages), "po")
        found = statuses.get(entry.id, "none")
        status: Status = "now" if found == "now" else "wanted" if found == "wanted" else "none"
        out.append(Item(entry.id, entry.title, entry.domain, age, status))
    return sorted(out, key=lambda i: (i.domain, AGES.index(i.age), i.label.casefold()))


def wrap(label: str) -> str:
    """At most three lines; symbols the embedded font cannot draw (emoji) are left out."""
    drawable = "".join(ch for ch in label
                       if ord(ch) < 0x10000 and unicodedata.category(ch) != "So")
    lines = textwrap.wrap(drawable, WRAP, break_long_words=False) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES - 1], textwrap.shorten(" ".join(lines[MAX_LINES - 1:]),
                                                         WRAP, placeholder="…")]
    return "\n".join(lines)


def text_version(items: list[Item], title: str, changed: str) -> str:
    """The same content as text, for screen readers and quick reading."""
    lines = [title, f"Stand van de gegevens: {changed}", "Kind en ouders staan in het midden."]
    for domain in (*SECTORS, "centrum"):
        in_domain = [i for i in items if i.domain == domain]
        if not in_domain:
            continue
        lines.append(f"{DOMAIN_LABELS[domain]}:")
        for age in AGES:
            group = [i for i in in_domain if i.age == age]
            if group:
                names = ", ".join(f"{i.label} ({STATUS_LABELS[i.status]})" for i in group)
                lines.append(f"  {AGE_LABELS[age]}: {names}")
    return "\n".join(lines)


def render_png(items: list[Item], title: str, changed: str) -> bytes:
    """The picture as PNG bytes (for the bot)."""
    buffer = io.BytesIO()
    render(items, title, changed, buffer, "png")
    return buffer.getvalue()


def render(items: list[Item], title: str, changed: str, path: Path | BinaryIO,
           fmt: str | None = None) -> list[Box]:
    """Draw the picture to `path` (.png or .svg, or `fmt` for a file object); returns the
    label boxes in pixels."""
    fig = plt.figure(figsize=(SIZE, SIZE), dpi=DPI)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, SIZE)
    ax.set_ylim(0, SIZE)
    ax.axis("off")
    half, gap, top_margin, bottom_margin = SIZE / 2, 0.12, 0.9, 0.9
    panel_w = half - 2 * gap
    origins = {  # lower-left corner of each sector panel
        "school_kinderopvang": (gap, half + gap),
        "wijk": (half + gap, half + gap),
        "regio": (gap, bottom_margin),
        "gemeente": (half + gap, bottom_margin),
    }
    panel_h = half - gap - top_margin * 0.5 - bottom_margin * 0.5
    boxes: list[Box] = []
    labels = []
    for domain in SECTORS:
        x0, y0 = origins[domain]
        ax.add_patch(Rectangle((x0, y0), panel_w, panel_h, facecolor="#F6F6F6",
                               edgecolor="#CCCCCC", linewidth=1))
        right = domain in ("wijk", "gemeente")  # keep the headings clear of the centre
        ax.text(x0 + panel_w - 0.12 if right else x0 + 0.12, y0 + panel_h - 0.22,
                DOMAIN_LABELS[domain], ha="right" if right else "left", va="center",
                fontsize=13, fontweight="bold", color="#333333")
        cell_items = [i for i in items if i.domain == domain]
        band_rows = {a: max(1, -(-sum(1 for i in cell_items if i.age == a) // COLUMNS))
                     for a in AGES}
        usable = panel_h - 0.5
        row_h = usable / sum(band_rows.values())
        y = y0 + usable
        for age in AGES:
            band_h = band_rows[age] * row_h
            ax.add_patch(Rectangle((x0 + 0.05, y - band_h + 0.02), panel_w - 0.1, band_h - 0.04,
                                   facecolor="#FFFFFF" if AGES.index(age) % 2 else "#EEF3F8",
                                   edgecolor="none"))
            ax.text(x0 + 0.12, y - 0.12, AGE_LABELS[age], ha="left", va="top", fontsize=7.5,
                    color="#666666")
            group = [i for i in cell_items if i.age == age]
            cell_w = (panel_w - 0.3) / COLUMNS
            for n, item in enumerate(group):
                col, row = n % COLUMNS, n // COLUMNS
                cx = x0 + 0.15 + cell_w * (col + 0.5)
                cy = y - row_h * (row + 0.5) - 0.08
                labels.append(ax.text(
                    cx, cy, wrap(item.label), ha="center", va="center", fontsize=8,
                    color=TEXT_COLOURS[item.status],
                    bbox={"boxstyle": "round,pad=0.35", "facecolor": COLOURS[item.status],
                          "edgecolor": "#555555", "linewidth": 0.6}))
            y -= band_h
    ax.add_patch(Circle((half, half), 0.75, facecolor="#FFFFFF", edgecolor="#333333",
                        linewidth=2, zorder=5))
    ax.text(half, half, "Kind en\nouders", ha="center", va="center", fontsize=13,
            fontweight="bold", zorder=6)
    ax.text(half, SIZE - 0.35, wrap(title).replace("\n", " "), ha="center", va="center",
            fontsize=16, fontweight="bold")
    ax.text(half, 0.62, f"Stand van de gegevens: {changed}", ha="center", va="center",
            fontsize=9, color="#555555")
    handles = [FancyBboxPatch((0, 0), 1, 1, facecolor=COLOURS[s], edgecolor="#555555")
               for s in ("now", "wanted", "none")]
    ax.legend(handles, [STATUS_LABELS[s] for s in ("now", "wanted", "none")],
              loc="lower center", ncol=3, frameon=False, fontsize=11,
              bbox_to_anchor=(0.5, 0.0))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for label in labels:
        patch = label.get_bbox_patch()
        if patch is not None:
            extent = patch.get_window_extent(renderer)
            boxes.append((extent.x0, extent.y0, extent.x1, extent.y1))
    fmt = fmt or (path.suffix.lower().lstrip(".") if isinstance(path, Path) else "png")
    if fmt not in ("png", "svg"):
        plt.close(fig)
        raise ValueError(f"unknown picture format '.{fmt}': use .png or .svg")
    metadata: dict[str, str | None] = ({"Software": None} if fmt == "png"
                                       else {"Creator": None, "Date": None})
    fig.savefig(path, format=fmt, dpi=DPI, metadata=metadata)
    plt.close(fig)
    return boxes


def overlaps(boxes: list[Box]) -> int:
    """How many pairs of label boxes overlap."""
    count = 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                count += 1
    return count
