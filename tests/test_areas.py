"""A deployment serves one gemeente or a region of several, each with its own local names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.areas import load_areas
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.service import Service

REGION = """\
regio: Regio Zuid-Kennemerland
gemeenten:
- name: Haarlem
  local_names: {wijkteam: Sociaal Wijkteam Haarlem}
  wijken:
  - {id: haarlem-noord, name: Haarlem Noord}
  - {id: haarlem-oost, name: Haarlem Oost}
- name: Zandvoort
  local_names: {wijkteam: Loket Zandvoort}
  wijken:
  - {id: zandvoort, name: Zandvoort}
"""


def _region(tmp_path: Path, kb: KnowledgeBase) -> Service:
    path = tmp_path / "wijken.yaml"
    path.write_text(REGION, encoding="utf-8")
    return Service(kb, load_areas(path, kb))


def test_a_region_groups_its_wijken_under_gemeenten(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "wijken.yaml"
    path.write_text(REGION, encoding="utf-8")
    areas = load_areas(path, kb)
    assert areas.gemeente == "Regio Zuid-Kennemerland"
    assert areas.gemeenten == ("Haarlem", "Zandvoort")
    assert [(w.id, w.gemeente) for w in areas.wijken] == [
        ("haarlem-noord", "Haarlem"), ("haarlem-oost", "Haarlem"), ("zandvoort", "Zandvoort")]


def test_each_gemeente_of_a_region_names_its_partners_in_its_own_way(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    service = _region(tmp_path, kb)
    haarlem = service.answer_for("wijkteam", wijk="haarlem-oost")
    zandvoort = service.answer_for("wijkteam", wijk="zandvoort")
    nowhere = service.answer_for("wijkteam")
    assert haarlem is not None and zandvoort is not None and nowhere is not None
    assert "In Haarlem heet dit: Sociaal Wijkteam Haarlem." in haarlem.text
    assert "In Zandvoort heet dit: Loket Zandvoort." in zandvoort.text
    assert "heet dit" not in nowhere.text  # no wijk chosen: no gemeente's name is right
    reply = service.ask("wie is het wijkteam", wijk="zandvoort")
    assert reply.answers and "Loket Zandvoort" in reply.answers[0].text


def test_the_one_gemeente_format_keeps_loading(kb: KnowledgeBase) -> None:
    areas = load_areas(kb=kb)  # the shipped example
    assert areas.gemeenten == ("Voorbeeldgemeente",) and len(areas.wijken) == 3


def test_both_formats_at_once_is_one_clear_problem(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "wijken.yaml"
    path.write_text("gemeente: Haarlem\nwijken: [{id: a, name: Aa}]\n" + REGION,
                    encoding="utf-8")
    with pytest.raises(KnowledgeError, match="either 'gemeente' with 'wijken'"):
        load_areas(path, kb)


def test_a_duplicate_wijk_across_gemeenten_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "wijken.yaml"
    path.write_text(REGION.replace("id: zandvoort", "id: haarlem-noord"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="duplicate wijk id 'haarlem-noord'"):
        load_areas(path, kb)
