"""The praatplaat: readable on a phone, no overlapping labels, the same picture each time."""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path

import pytest

from bot import praatplaat
from bot.knowledge import KnowledgeBase
from tests.test_cli import run


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_full_wijk_is_drawn_wide_enough_without_overlapping_labels(kb: KnowledgeBase,
                                                                     tmp_path: Path) -> None:
    items = praatplaat.items_for(kb, {"wijkteam": "now", "cjg": "now", "jongerenwerk": "wanted"})
    template = next(i for i in items if i.domain == "wijk")
    extra = [dataclasses.replace(template, entry_id=f"x{i}", label=f"Extra partner {i}")
             for i in range(40 - len(items))]
    boxes = praatplaat.render(items + extra, "Praatplaat", "22-11-2026", tmp_path / "p.png")
    assert len(boxes) == 40 - sum(1 for i in items if i.domain == "centrum")
    assert praatplaat.overlaps(boxes) == 0
    assert _png_size(tmp_path / "p.png")[0] >= 1080


def test_the_same_data_gives_the_same_picture(kb: KnowledgeBase, tmp_path: Path) -> None:
    items = praatplaat.items_for(kb, {"wijkteam": "now"})
    praatplaat.render(items, "Praatplaat", "22-11-2026", tmp_path / "a.png")
    praatplaat.render(items, "Praatplaat", "22-11-2026", tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


@pytest.mark.parametrize("label", ["Een heel erg lange naam van een organisatie " * 4,
                                   "<b>&</b> 🏫 Ünïcødé", "X"])
def test_extreme_names_are_drawn(kb: KnowledgeBase, tmp_path: Path, label: str) -> None:
    items = [dataclasses.replace(i, label=label) for i in praatplaat.items_for(kb, {})]
    boxes = praatplaat.render(items, label, "22-11-2026", tmp_path / "x.svg")
    assert praatplaat.overlaps(boxes) == 0
    assert (tmp_path / "x.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_an_empty_wijk_still_gives_the_frame(tmp_path: Path) -> None:
    assert praatplaat.render([], "Leeg", "22-11-2026", tmp_path / "e.png") == []
    assert _png_size(tmp_path / "e.png")[0] >= 1080


def test_the_text_version_holds_the_same_content(kb: KnowledgeBase) -> None:
    items = praatplaat.items_for(kb, {"wijkteam": "now"})
    text = praatplaat.text_version(items, "Praatplaat", "22-11-2026")
    assert "Wijkteam of buurtteam (is er nu)" in text and "Regio en landelijk:" in text


def test_the_command_writes_png_or_svg_by_suffix(tmp_path: Path) -> None:
    result = run("praatplaat", "-o", str(tmp_path / "plaat.svg"))
    assert result.returncode == 0 and (tmp_path / "plaat.svg").exists()
    assert b"Kind en ouders staan in het midden" in result.stdout
    bad = run("praatplaat", "-o", str(tmp_path / "plaat.gif"))
    assert bad.returncode == 2 and b".png or .svg" in bad.stderr
    unknown = run("praatplaat", "--wijk", "maan", "-o", str(tmp_path / "p.png"))
    assert unknown.returncode == 2


def test_the_sociale_kaart_pdf_embeds_its_font_and_is_reproducible(kb: KnowledgeBase) -> None:
    from bot import kaart

    first = kaart.pdf(kb, [], "Sociale kaart – wijk ë’→", "22-11-2026")
    assert first.startswith(b"%PDF") and b"DejaVu" in first
    assert first == kaart.pdf(kb, [], "Sociale kaart – wijk ë’→", "22-11-2026")


def test_the_sociale_kaart_markdown_groups_by_domain_and_age(kb: KnowledgeBase) -> None:
    from bot import kaart
    from bot.routes import Route

    route = Route("voorbeeld-noord", "wijkteam", "Team Noord", phone="020 123 4567",
                  checked="2026-05-01 10:00:00")
    text = kaart.markdown(kb, [route], "Sociale kaart", "22-11-2026")
    assert "## Wijk" in text and "### 0-4 jaar" in text
    assert "*In de wijk:* Team Noord · 020 123 4567 (gecontroleerd 2026-05-01)" in text


def test_the_kaart_command_writes_pdf_or_markdown(tmp_path: Path) -> None:
    assert run("kaart", "-o", str(tmp_path / "k.pdf")).returncode == 0
    assert (tmp_path / "k.pdf").read_bytes().startswith(b"%PDF")
    assert run("kaart", "-o", str(tmp_path / "k.md")).returncode == 0
    assert run("kaart", "-o", str(tmp_path / "k.doc")).returncode == 2
