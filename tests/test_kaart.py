"""The sociale kaart: a table per domain, the numbers box on page 1, at most two A4 pages for a
wijk, and only that wijk's own content."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot import kaart
from bot.knowledge import DOMAIN_LABELS, KnowledgeBase
from bot.routes import Route

TITLE = "Sociale kaart Voorbeeldwijk Noord (voorbeeld)"
CHANGED = "01-12-2026"
# Ten local routes for the example wijk, as an editor would enter them (phones normalised).
LOCAL = (("wijkteam", "Sociaal wijkteam Noord", "020 123 4567", "noord@wijkteam.nl",
          "di 9-12 uur"),
         ("cjg", "CJG Voorbeeldgemeente", "020 123 4500", "info@cjg-voorbeeld.nl",
          "ma-vr 9-17 uur"),
         ("ggd-jgz", "GGD Voorbeeldregio JGZ", "088 123 4567", "jgz@ggd-voorbeeld.nl", ""),
         ("leerplicht", "Leerplicht Voorbeeldgemeente", "020 123 0000",
          "leerplicht@voorbeeldgemeente.nl", "ma-do 9-16 uur"),
         ("jongerenwerk", "Jongerenwerk Stichting Samen", "06 1234 5678", "jongeren@samen.nl",
          "wo 14-17 uur"),
         ("bibliotheek", "Bibliotheek Noord", "020 123 9999", "", "ma-za 10-18 uur"),
         ("schoolmaatschappelijk-werk", "SMW Welzijn Noord", "020 123 1111",
          "smw@welzijnnoord.nl", ""),
         ("wijkregisseur", "Gemeente Voorbeeldgemeente", "020 123 4444",
          "wijkregisseur.noord@voorbeeldgemeente.nl", ""),
         ("buurthuis", "Buurthuis De Kastanje", "020 123 2222", "", "ma-vr 13-21 uur"),
         ("samenwerkingsverband", "SWV Voorbeeldregio PO", "020 123 3333",
          "info@swv-voorbeeld.nl", ""))


def _routes() -> list[Route]:
    return [Route("voorbeeld-noord", entry, organisation, phone=phone, email=email,
                  website="https://voorbeeld.nl" if entry == "cjg" else "", hours=hours,
                  checked="2026-12-01 10:00:00")
            for entry, organisation, phone, email, hours in LOCAL]


def _pages(document: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", document))


def _pdf_text(document: bytes, tmp_path: Path, page: int) -> str:
    path = tmp_path / "kaart.pdf"
    path.write_bytes(document)
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, check=True, text=True)
    return done.stdout


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


def test_the_kaart_of_a_wijk_with_ten_local_routes_has_at_most_two_pages(
        kb: KnowledgeBase) -> None:
    document = kaart.pdf(kb, _routes(), TITLE, CHANGED)
    assert document.startswith(b"%PDF")
    assert 1 <= _pages(document) <= 2


def test_the_kaart_without_local_routes_has_at_most_two_pages(kb: KnowledgeBase) -> None:
    assert 1 <= _pages(kaart.pdf(kb, [], "Sociale kaart: alle partners", CHANGED)) <= 2


def test_the_emergency_numbers_are_those_of_the_knowledge_base(kb: KnowledgeBase) -> None:
    facts = kb.get("noodnummers")
    assert facts is not None
    text = " ".join((facts.summary, facts.answer, *facts.steps))
    for number, _, _ in kaart.EMERGENCY:
        for part in number.split(" / "):
            assert part in text, part
    numbers = [number for number, _, _ in kaart.EMERGENCY]
    for required in ("112", "0800-2000", "113 / 0800-0113", "0800-0432", "0900-111 3111"):
        assert required in numbers


@needs_pdftotext
def test_the_emergency_numbers_are_on_page_one_of_the_pdf(kb: KnowledgeBase,
                                                          tmp_path: Path) -> None:
    first = _pdf_text(kaart.pdf(kb, _routes(), TITLE, CHANGED), tmp_path, 1)
    assert kaart.EMERGENCY_TITLE in first
    for number, who, _ in kaart.EMERGENCY:
        assert number in first and who in first
    assert f"bijgewerkt op {CHANGED}" in first.casefold()


@needs_pdftotext
def test_a_local_route_appears_in_the_pdf_with_its_phone_and_checked_date(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    document = kaart.pdf(kb, _routes(), TITLE, CHANGED)
    text = " ".join(_pdf_text(document, tmp_path, page) for page in (1, 2))
    assert "Sociaal wijkteam Noord" in text and "020 123 4567" in text
    assert "gecontroleerd 01-12-2026" in text
    assert "Wijkwijzer — kennisbank, laatst gecontroleerd" in text


def test_the_markdown_has_the_numbers_box_first_and_a_table_per_domain(
        kb: KnowledgeBase) -> None:
    text = kaart.markdown(kb, _routes(), TITLE, CHANGED)
    box = text.index(kaart.EMERGENCY_TITLE)
    for number, _, _ in kaart.EMERGENCY:
        assert f"**{number}**" in text
    headings = [text.index(f"## {DOMAIN_LABELS[d]}\n") for d in kaart.DOMAIN_ORDER]
    assert box < headings[0] and headings == sorted(headings)
    assert text.count("| Partner | Waarvoor | Leeftijd | Contact |") == len(kaart.DOMAIN_ORDER)
    assert f"Bijgewerkt op {CHANGED}" in text
    assert "Wijkwijzer — kennisbank, laatst gecontroleerd" in text


def test_a_local_route_fills_the_contact_of_its_partner(kb: KnowledgeBase) -> None:
    text = kaart.markdown(kb, _routes(), TITLE, CHANGED)
    row = next(line for line in text.splitlines() if line.startswith("| **Wijkteam"))
    assert "**Sociaal wijkteam Noord**<br>020 123 4567 · noord@wijkteam.nl" in row
    assert "inloop: di 9-12 uur · gecontroleerd 01-12-2026" in row
    cjg = next(line for line in text.splitlines() if line.startswith("| **Centrum voor Jeugd"))
    assert "voorbeeld.nl" in cjg and "https://" not in cjg


def test_without_a_local_route_every_partner_gets_its_general_route(kb: KnowledgeBase) -> None:
    partners = [e for e in kb if e.kind == "partner"]
    rows = [r for group in kaart.rows(kb, []).values() for r in group]
    assert len(rows) == len(partners)
    for row in rows:
        assert kaart.contact(row) == [("general", row.general)] and row.general, row.entry.id
    by_id = {r.entry.id: r for r in rows}
    assert "0800-2000" in by_id["veilig-thuis"].general
    assert "0900-8844" in by_id["wijkagent"].general  # not "Acuut gevaar: bel 112" again
    assert "IB'er" in by_id["schoolmaatschappelijk-werk"].general  # not "Meestal gaat het zo."


def test_cells_are_short_and_ages_read_as_school_types(kb: KnowledgeBase) -> None:
    for group in kaart.rows(kb, []).values():
        for row in group:
            assert row.what_for.count(". ") == 0 and len(row.what_for) <= 160, row.entry.id
            assert re.fullmatch(r"(0-4|PO|VO)( / (PO|VO))*", row.ages), row.ages
    rows = {r.entry.id: r for group in kaart.rows(kb, []).values() for r in group}
    assert rows["wijkteam"].ages == "0-4 / PO / VO"


def test_the_kaart_holds_no_examples_from_another_gemeente(kb: KnowledgeBase) -> None:
    sources = " ".join(f"{e.summary} {e.reach}" for e in kb if e.kind == "partner")
    assert "Haarlemmermeer" in sources and "Tilburg" in sources  # what is being left out
    text = kaart.markdown(kb, _routes(), TITLE, CHANGED)
    for place in kaart.ELSEWHERE:
        assert place not in text, place
    schoolcoach = kb.get("schoolcoach")
    assert schoolcoach is not None
    assert kaart.what_for(schoolcoach).startswith("De schoolcoach werkt aan een betere band")


def test_only_partners_are_rows_and_a_situation_route_gets_its_own_table(
        kb: KnowledgeBase) -> None:
    situation = Route("voorbeeld-noord", "armoede", "Schuldhulp Voorbeeldgemeente",
                      phone="020 123 5555", checked="2026-11-02 09:00:00")
    rows = [r for group in kaart.rows(kb, [situation]).values() for r in group]
    assert all(r.entry.kind == "partner" and not r.routes for r in rows)
    text = kaart.markdown(kb, [situation], TITLE, CHANGED)
    assert f"## {kaart.SITUATIONS_HEADING}" in text
    assert "| **Armoede en schulden in het gezin** | **Schuldhulp Voorbeeldgemeente**" in text
    assert f"## {kaart.SITUATIONS_HEADING}" not in kaart.markdown(kb, [], TITLE, CHANGED)


def test_a_heading_keeps_its_first_rows_and_a_last_row_is_never_alone_on_a_page() -> None:
    # Page content from 10 to 110, headings of 10; the first table would start low on page 1,
    # and the second table's last row alone would have fitted on the next page.
    steps = kaart.flow([(10, [10, 10, 10]), (10, [10, 10, 10, 10, 10, 10])], start=85,
                       top=10, bottom=110, more=10)
    assert steps[0] == ("page", 0, -1)  # the heading with two rows would not fit below 70
    pages: list[list[kaart.Step]] = [[]]
    for step in steps:
        if step[0] == "page":
            pages.append([])
        else:
            pages[-1].append(step)
    pages = [p for p in pages if p]
    for page in pages:
        assert page[-1][0] == "row"  # never a heading at the foot of a page
        for block in {b for _, b, _ in page}:
            rows = [i for kind, b, i in page if kind == "row" and b == block]
            assert len(rows) >= 2, (page, block)  # no row alone on a page
    assert ("page", 1, 4) in steps  # two rows go over, not one
    assert kaart.pages(steps) == 3 and len(pages) == 2  # page 1 holds only what came before


def test_a_table_that_continues_repeats_its_heading_on_the_next_page() -> None:
    steps = kaart.flow([(10, [20] * 8)], start=10, top=10, bottom=100, more=10)
    at = steps.index(("page", 0, 4))
    assert steps[at + 1] == ("more", 0, 4) and steps[at + 2] == ("row", 0, 4)


def test_the_same_data_gives_the_same_pdf(kb: KnowledgeBase) -> None:
    assert kaart.pdf(kb, _routes(), TITLE, CHANGED) == kaart.pdf(kb, _routes(), TITLE, CHANGED)
