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


def _full_wijk(kb: KnowledgeBase) -> list[praatplaat.Item]:
    """Every partner of the knowledge base, some marked, plus extra ones up to 40."""
    items = praatplaat.items_for(kb, {"wijkteam": "now", "cjg": "now", "jongerenwerk": "wanted",
                                      "rmc": "wanted", "veilig-thuis": "now"})
    template = next(i for i in items if i.domain == "wijk")
    return items + [dataclasses.replace(template, entry_id=f"x{i}", label=f"Extra partner {i}")
                    for i in range(40 - len(items))]


def test_labels_are_at_least_11_px_high_at_400_px_width(kb: KnowledgeBase,
                                                        tmp_path: Path) -> None:
    items = praatplaat.items_for(kb, {"wijkteam": "now", "jongerenwerk": "wanted"})
    drawn = praatplaat.render(items, "Praatplaat Voorbeeldwijk Noord", "22-11-2026",
                              tmp_path / "p.png")
    width, height = _png_size(tmp_path / "p.png")
    assert (width, height) == (drawn.width, drawn.height) and width >= 1080
    # Telegram shows the photo about 400 px wide on a phone: every text, scaled to that width.
    assert min(drawn.text_sizes) * 400 / width >= praatplaat.MIN_TEXT == 11
    assert len(drawn.text_sizes) > len(items)  # names, headings, age tags, legend, title
    # Opened on a phone (about 390 x 844), the picture still fills the screen's width.
    assert height / width <= 2.16


def test_no_label_boxes_overlap(kb: KnowledgeBase) -> None:
    drawn = praatplaat.measure(_full_wijk(kb), "Praatplaat", "22-11-2026")
    assert praatplaat.overlaps(drawn.boxes) == 0
    assert len(drawn.boxes) > len(drawn.chips)  # chips, and every text outside them
    assert all(0 <= x0 < x1 <= drawn.width and 0 <= y0 < y1 <= drawn.height
               for x0, y0, x1, y1 in drawn.boxes)
    assert praatplaat.overlaps([(0, 0, 10, 10), (5, 5, 15, 15), (10, 0, 20, 5)]) == 1


def test_every_partner_appears_once(kb: KnowledgeBase) -> None:
    items = _full_wijk(kb)
    drawn = praatplaat.measure(items, "Praatplaat", "22-11-2026")
    outside_centre = [i.entry_id for i in items if i.domain != "centrum"]
    assert sorted(c.entry_id for c in drawn.chips) == sorted(outside_centre)
    assert len(set(outside_centre)) == len(outside_centre)


def test_a_partner_stands_with_every_age_group_it_serves(kb: KnowledgeBase) -> None:
    items = {i.entry_id: i for i in praatplaat.items_for(kb, {})}
    for entry in kb:
        if entry.kind == "partner":
            assert set(items[entry.id].ages) == set(entry.ages)
    assert praatplaat.age_tag(items["jongerenwerk"].ages) == "PO · VO"
    assert praatplaat.age_tag(items["wijkteam"].ages) == "0-4 · PO · VO"
    text = praatplaat.text_version(list(items.values()), "Praatplaat", "22-11-2026")
    assert "  basisschool (PO) en voortgezet (VO): Cultuur- en muziekinstellingen" in text
    assert "  voortgezet (VO): RMC" in text


def test_a_partner_marked_wanted_looks_different_from_one_there_now(kb: KnowledgeBase) -> None:
    items = praatplaat.items_for(kb, {"wijkteam": "now", "jongerenwerk": "wanted"})
    drawn = praatplaat.measure(items, "Praatplaat", "22-11-2026")
    chips = {c.entry_id: c for c in drawn.chips}
    now, wanted, none = chips["wijkteam"], chips["jongerenwerk"], chips["bibliotheek"]
    assert (now.status, wanted.status, none.status) == ("now", "wanted", "none")

    def look(chip: praatplaat.Chip) -> tuple[str, str, bool]:
        return chip.face, chip.edge, chip.dashed

    assert len({look(now), look(wanted), look(none)}) == 3
    assert wanted.dashed and not now.dashed  # different without colour too
    # The legend explains every mark, with the very same look.
    legend = {c.status: look(c) for c in drawn.legend}
    assert legend == {"now": look(now), "wanted": look(wanted), "none": look(none)}


def test_the_same_data_gives_the_same_picture(kb: KnowledgeBase, tmp_path: Path) -> None:
    items = praatplaat.items_for(kb, {"wijkteam": "now"})
    praatplaat.render(items, "Praatplaat", "22-11-2026", tmp_path / "a.png")
    praatplaat.render(items, "Praatplaat", "22-11-2026", tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert praatplaat.render_png(items, "Praatplaat", "22-11-2026") == (
        tmp_path / "a.png").read_bytes()


@pytest.mark.parametrize("label", ["Een heel erg lange naam van een organisatie " * 4,
                                   "Kinderopvangtoeslagaanvraagformulierbehandelaarsteam",
                                   "<b>&</b> 🏫 Ünïcødé", "X", "🏫"])
def test_extreme_names_are_drawn(kb: KnowledgeBase, tmp_path: Path, label: str) -> None:
    items = [dataclasses.replace(i, label=label) for i in praatplaat.items_for(kb, {})]
    drawn = praatplaat.render(items, label, "22-11-2026", tmp_path / "x.svg")
    assert praatplaat.overlaps(drawn.boxes) == 0
    assert all(x1 <= drawn.width for _, _, x1, _ in drawn.boxes)
    assert min(drawn.text_sizes) * 400 / drawn.width >= 11
    assert (tmp_path / "x.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_an_empty_wijk_still_gives_the_frame(tmp_path: Path) -> None:
    drawn = praatplaat.render([], "Leeg", "22-11-2026", tmp_path / "e.png")
    assert drawn.chips == () and len(drawn.legend) == 3
    assert _png_size(tmp_path / "e.png")[0] >= 1080


def test_an_unknown_format_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        praatplaat.render([], "Leeg", "22-11-2026", tmp_path / "e.gif")
    assert not (tmp_path / "e.gif").exists()


def test_the_text_version_holds_the_same_content(kb: KnowledgeBase) -> None:
    items = praatplaat.items_for(kb, {"wijkteam": "now"})
    text = praatplaat.text_version(items, "Praatplaat", "22-11-2026")
    assert "Wijkteam of buurtteam (is er nu)" in text and "Regio en landelijk:" in text
    for item in items:
        assert text.count(f"{item.label} (") == 1


def test_wrap_keeps_at_most_three_lines_without_emoji() -> None:
    assert praatplaat.wrap("🏫 School") == "School"
    assert praatplaat.wrap("Een heel erg lange naam van een organisatie " * 4).count("\n") == 2


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


def test_the_kaart_command_writes_pdf_or_markdown(tmp_path: Path) -> None:
    assert run("kaart", "-o", str(tmp_path / "k.pdf")).returncode == 0
    assert (tmp_path / "k.pdf").read_bytes().startswith(b"%PDF")
    assert run("kaart", "-o", str(tmp_path / "k.md")).returncode == 0
    assert run("kaart", "-o", str(tmp_path / "k.doc")).returncode == 2
