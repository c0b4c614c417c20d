"""The knowledge base: its schema, its cross-references and its error messages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.knowledge import (
    AGES,
    DOMAINS,
    SUMMARY_MAX_SENTENCES,
    SUMMARY_MAX_WORDS,
    KnowledgeBase,
    KnowledgeError,
    load_knowledge,
    stale_warnings,
    summary_sentences,
    summary_words,
)

SEED_PARTNERS = [
    "ggd-jgz", "cjg", "wijkteam", "kinderopvang", "voorschoolse-educatie", "vervolgonderwijs",
    "jongerenwerk", "sportclub", "cultuur", "bibliotheek", "maatschappelijke-organisaties",
    "ouders", "gemeente", "wijkregisseur", "gebiedsmanager", "jeugdhulp",
    "schoolmaatschappelijk-werk", "leerplicht", "schoolcoach", "begeleider-passend-onderwijs",
    "samenwerkingsverband", "brugfunctionaris", "orthopedagoog", "logopedist", "fysiotherapeut",
    "wijkagent", "woningcorporatie", "buurthuis", "bedrijfsleven-anbi",
]


def test_shipped_knowledge_loads_with_every_kind(kb: KnowledgeBase) -> None:
    assert {e.kind for e in kb} == {"partner", "situation", "tip", "example", "fact"}
    assert len(kb) >= 100


@pytest.mark.parametrize("partner_id", SEED_PARTNERS)
def test_every_partner_named_in_the_sources_has_an_entry(kb: KnowledgeBase,
                                                         partner_id: str) -> None:
    entry = kb.get(partner_id)
    assert entry is not None and entry.kind == "partner"


def test_partners_carry_domain_ages_and_how_to_reach_them(kb: KnowledgeBase) -> None:
    for entry in (e for e in kb if e.kind == "partner"):
        assert entry.domain in DOMAINS, entry.id
        assert entry.ages and set(entry.ages) <= set(AGES), entry.id
        assert entry.when and entry.reach, entry.id


def test_situations_are_routes_with_partners(kb: KnowledgeBase) -> None:
    for entry in (e for e in kb if e.kind == "situation"):
        assert len(entry.steps) >= 2 and entry.partners, entry.id


def test_every_entry_cites_a_source_by_title(kb: KnowledgeBase) -> None:
    for entry in kb:
        assert entry.citations, entry.id
        for citation in entry.citations:
            assert citation.source.title and not citation.source.title.endswith(".txt")


def test_entries_have_questions_to_match_on(kb: KnowledgeBase) -> None:
    thin = [e.id for e in kb if len(e.questions) < 3]
    assert not thin


def _write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return caught.value.problems


def test_malformed_yaml_names_file_and_line(kb_copy: Path) -> None:
    _write(kb_copy, "broken.yaml", "entries:\n- id: x\n  title: [unclosed\n")
    problems = _problems(kb_copy)
    assert any(p.startswith("broken.yaml, regel") and "De rest van dit bestand" in p
               for p in problems)


def test_a_missing_required_field_names_file_line_and_field(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", """entries:
- id: nieuw-item
  kind: tip
  title: Een nieuwe tip
  sources: [{source: lea, section: x}]
  reviewed: 2026-01-01
""")
    problems = _problems(kb_copy)
    assert any("extra.yaml, regel 2" in p and "'answer'" in p and "verplicht" in p
               for p in problems)


def test_a_wrong_value_names_the_field_and_its_line(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", """entries:
- id: nieuw-item
  kind: partner
  title: Nieuwe partner
  answer: Dit is een partner in de wijk.
  domain: maan
  ages: [po]
  when: altijd
  reach: via school
  summary: Een partner in de wijk.
  sources: [{source: lea, section: x}]
  reviewed: 2026-01-01
""")
    problems = _problems(kb_copy)
    assert any("extra.yaml, regel 6, veld 'domain'" in p and "kies uit" in p for p in problems)


def test_duplicate_ids_across_files_are_refused(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", """entries:
- id: wijkteam
  kind: tip
  title: Nog een wijkteam
  summary: Een tweede entry met hetzelfde id.
  answer: Een tweede entry met hetzelfde id.
  sources: [{source: lea, section: x}]
  reviewed: 2026-01-01
""")
    # extra.yaml is read first, so the shipped entry is the one reported as the second.
    assert any("veld 'id'" in p and "het id 'wijkteam' bestaat al (in extra.yaml, regel 2)" in p
               for p in _problems(kb_copy))


def test_unknown_references_and_sources_are_refused(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", """entries:
- id: nieuw-item
  kind: tip
  title: Een tip
  summary: Een tip die verwijst naar iets dat er niet is.
  answer: Een tip die naar iets verwijst dat niet bestaat.
  related: [bestaat-niet]
  partners: [ook-niet]
  sources: [{source: geen-bron, section: x}]
  reviewed: 2026-01-01
""")
    problems = "\n".join(_problems(kb_copy))
    assert "onbekend id 'bestaat-niet'" in problems
    assert "onbekend id 'ook-niet'" in problems
    assert "onbekende bron 'geen-bron'" in problems


def _tip(summary: str) -> str:
    """A complete tip entry with the given summary, as a knowledge file."""
    return f"""entries:
- id: nieuwe-tip
  kind: tip
  title: Een nieuwe tip
  summary: >-
    {summary}
  answer: Een tip om te laten zien hoe lang een samenvatting mag zijn.
  sources: [{{source: lea, section: x}}]
  reviewed: 2026-01-01
"""


def _kb_check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check", str(directory)],
                          capture_output=True, text=True, check=False)


def test_a_summary_over_40_words_fails_kb_check(kb_copy: Path) -> None:
    long = " ".join(["woord"] * 20) + ". " + " ".join(["woord"] * 21) + "."
    assert summary_words(long) == 41
    _write(kb_copy, "extra.yaml", _tip(long))
    result = _kb_check(kb_copy)
    assert result.returncode == 1
    assert ("FOUT extra.yaml, regel 5, veld 'summary' (item nieuwe-tip): 41 woorden, hoogstens "
            "40 toegestaan") in result.stdout
    assert "Traceback" not in result.stderr


def test_a_summary_of_exactly_40_words_passes(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", _tip(" ".join(["woord"] * 40) + "."))
    assert load_knowledge(kb_copy).get("nieuwe-tip") is not None


def test_a_summary_of_more_than_three_sentences_fails_kb_check(kb_copy: Path) -> None:
    four = "Bel de IB'er. Vraag de ouders. Maak een plan. Kijk terug."
    assert summary_sentences(four) == 4
    _write(kb_copy, "extra.yaml", _tip(four))
    result = _kb_check(kb_copy)
    assert result.returncode == 1
    assert "veld 'summary' (item nieuwe-tip): 4 zinnen, hoogstens 3 toegestaan" in result.stdout


def test_a_missing_summary_fails(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", """entries:
- id: nieuwe-tip
  kind: tip
  title: Een nieuwe tip
  answer: Een tip zonder samenvatting, die daarom niet mag laden.
  sources: [{source: lea, section: x}]
  reviewed: 2026-01-01
""")
    problems = _problems(kb_copy)
    assert any(p.startswith("extra.yaml, regel 2, veld 'summary' (item nieuwe-tip)")
               and "verplicht" in p for p in problems), problems
    result = _kb_check(kb_copy)
    assert result.returncode == 1
    assert "veld 'summary' (item nieuwe-tip)" in result.stdout


def test_a_summary_shorter_than_ten_characters_is_refused(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", _tip("Bel 112."))
    assert any("veld 'summary'" in p for p in _problems(kb_copy))


def test_summary_words_and_sentences_are_counted_as_a_reader_sees_them() -> None:
    text = "Bel Veilig Thuis: 0800-2000 (gratis, 24/7). Chat op 113.nl! Peuters van 2,5 jaar?"
    assert summary_words(text) == 13  # a phone number, '113.nl' and '2,5' are one word each
    assert summary_sentences(text) == 3  # '113.nl' and '2,5' do not end a sentence
    assert summary_sentences("Geen punt aan het eind") == 1
    assert summary_words("Bel 112 – direct.") == 3  # a lone dash is not a word


def test_every_shipped_summary_is_at_most_40_words(kb: KnowledgeBase) -> None:
    too_long = {e.id: summary_words(e.summary) for e in kb
                if summary_words(e.summary) > SUMMARY_MAX_WORDS}
    assert not too_long
    too_many = {e.id: summary_sentences(e.summary) for e in kb
                if summary_sentences(e.summary) > SUMMARY_MAX_SENTENCES}
    assert not too_many


def test_every_shipped_summary_keeps_its_sentences_short(kb: KnowledgeBase) -> None:
    # The writing rule in knowledge/README.md: no sentence of more than 25 words.
    long = [e.id for e in kb
            for sentence in re.split(r"(?<=[.!?])\s+", e.summary)
            if summary_words(sentence) > 25]
    assert not long


def test_every_shipped_summary_keeps_the_entrys_numbers(kb: KnowledgeBase) -> None:
    # A summary paraphrases its entry: every number in it (phone number, age, deadline) must
    # appear, written the same way, in the entry's own text.
    new = {}
    for e in kb:
        text = " ".join([e.answer, e.when or "", e.reach or "", *e.steps, *e.prepare, *e.agree])
        numbers = re.findall(r"\d[\d ,.-]*\d|\d", e.summary)
        missing = [n for n in numbers if n not in text]
        if missing:
            new[e.id] = missing
    assert not new


def test_a_duplicate_yaml_key_is_refused(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", "entries:\n- id: a\n  id: b\n")
    assert any("het veld 'id' staat twee keer" in p for p in _problems(kb_copy))


def test_a_broken_vocabulary_is_refused(kb_copy: Path) -> None:
    _write(kb_copy, "vocabulary.yaml", "abbreviations:\n  smw: schoolmaatschappelijk werk\n"
                                       "synonyms:\n  smw: iets anders\nslang: {}\n")
    problems = "\n".join(_problems(kb_copy))
    assert "'smw' staat ook al onder 'abbreviations'" in problems
    assert "onbekend onderdeel 'slang'" in problems


def test_nothing_is_half_loaded(kb_copy: Path) -> None:
    _write(kb_copy, "zz.yaml", "entries:\n- id: kapot\n  kind: onbekend\n")
    with pytest.raises(KnowledgeError):
        load_knowledge(kb_copy)


def test_an_empty_directory_is_a_clear_error(tmp_path: Path) -> None:
    problems = _problems(tmp_path)
    assert any("geen kennisbestanden" in p for p in problems)


def test_entries_not_reviewed_for_a_year_are_warned_about(kb: KnowledgeBase) -> None:
    later = kb.last_reviewed + dt.timedelta(days=400)
    assert len(stale_warnings(kb, later)) >= len(kb)
    assert stale_warnings(kb, kb.last_reviewed) == []


def test_kb_check_prints_every_problem_and_fails(kb_copy: Path) -> None:
    _write(kb_copy, "extra.yaml", "entries:\n- id: Fout Id\n  kind: tip\n")
    result = subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check", str(kb_copy)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "FOUT extra.yaml, regel 2, veld 'id'" in result.stdout
    assert "Traceback" not in result.stderr


def test_kb_check_passes_on_the_shipped_knowledge() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("OK:")


def test_kb_check_warns_about_a_name_shared_by_two_entries(kb_copy: Path) -> None:
    shutil.rmtree(kb_copy / "training")  # a knowledge base without a corpus: no models to check
    path = kb_copy / "partners.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("names: [jongerenwerker,", "names: [kinderwerk, jongerenwerker,",
                                 1), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check", str(kb_copy)],
                            capture_output=True, text=True, check=False)
    # A warning never fails the check (tests/test_kbcheck.py checks the exit status on a small
    # knowledge base of its own).
    warning = next(line for line in result.stdout.splitlines() if "'kinderwerk'" in line)
    assert warning.startswith("WAARSCHUWING partners.yaml, regel ")
    assert "veld 'names'" in warning and "de naam 'kinderwerk' hoort bij" in warning
