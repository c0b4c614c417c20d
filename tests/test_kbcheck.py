"""The curator's toolkit: `kb check` in Dutch, its conflict and language rules, the JSON Schema
of the knowledge files, and `ask --explain` in words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import kbcheck
from bot.knowledge import (
    JARGON,
    SPECIAL_FILES,
    EntryModel,
    KnowledgeBase,
    KnowledgeError,
    did_you_mean,
    load_knowledge,
    outdated_schemas,
    schema_line,
    shipped_knowledge_dir,
)
from tests.conftest import ROOT

SOURCES = """sources:
- id: lea
  title: Een bron
  reviewed: 2026-11-01
"""
ENTRY = """- id: {id}
  kind: tip
  title: {title}
  summary: >-
    {summary}
  answer: >-
    {answer}
  questions: [{question}, {question} 2, {question} 3]
  sources: [{{source: lea, section: x}}]
  reviewed: 2026-11-01
"""


def _entry(entry_id: str, *, summary: str = "Een korte samenvatting van deze tip.",
           answer: str = "Een kort antwoord in gewone woorden.",
           question: str = "een vraag over " + "iets") -> str:
    return ENTRY.format(id=entry_id, title=entry_id.replace("-", " ").capitalize(),
                        summary=summary, answer=answer, question=question)


def _small_kb(tmp_path: Path, *entries: str, vocabulary: str = "") -> Path:
    """A knowledge base of its own: no corpus, so no models to check."""
    directory = tmp_path / "kb"
    directory.mkdir()
    (directory / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (directory / "tips.yaml").write_text("entries:\n" + "".join(entries), encoding="utf-8")
    if vocabulary:
        (directory / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
    return directory


def _kb_check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check", str(directory)],
                          capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return caught.value.problems


# --- the exit status and the language of kb check --------------------------------------------


def test_warnings_alone_do_not_fail_kb_check(tmp_path: Path) -> None:
    long = " ".join(["woord"] * 30) + "."
    directory = _small_kb(tmp_path, _entry("een-tip", answer=long),
                          _entry("andere-tip", answer="Vraag een intermediair om hulp.",
                                 question="nog een vraag"))
    result = _kb_check(directory)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("WAARSCHUWING tips.yaml, regel 8, veld 'answer' (item een-tip): "
                               "een zin van 30 woorden") for line in lines), lines
    assert any("'intermediair' is vakjargon" in line and "(item andere-tip)" in line
               for line in lines), lines
    assert lines[-1].startswith("OK: 2 items, 1 bronnen") and "2 waarschuwing(en)" in lines[-1]


def test_a_broken_yaml_file_gives_one_line_and_no_knock_on_errors(kb_copy: Path) -> None:
    path = kb_copy / "partners.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(30, "  oops: [niet gesloten")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = _problems(kb_copy)
    # Without partners.yaml every route would point at unknown partners: hundreds of lines.
    assert len(problems) == 1, problems
    assert problems[0].startswith("partners.yaml, regel 3")
    assert "niet goed gesloten" in problems[0] and "De rest van dit bestand" in problems[0]
    assert "regel 31" in problems[0]  # where the unclosed list starts


def test_an_impossible_date_is_one_clear_line(kb_copy: Path) -> None:
    (kb_copy / "extra.yaml").write_text("entries:\n" + _entry("nieuwe-tip").replace(
        "2026-11-01", "2026-13-01"), encoding="utf-8")
    problems = _problems(kb_copy)
    assert problems == ["extra.yaml, regel 11: '2026-13-01' is geen bestaande datum: schrijf "
                        "jjjj-mm-dd, bijvoorbeeld 2026-11-22. De rest van dit bestand is niet "
                        "gecontroleerd"]


def test_a_date_in_another_format_gets_a_hint(kb_copy: Path) -> None:
    (kb_copy / "extra.yaml").write_text("entries:\n" + _entry("nieuwe-tip").replace(
        "2026-11-01", "22-11-2026"), encoding="utf-8")
    assert ("extra.yaml, regel 11, veld 'reviewed' (item nieuwe-tip): '22-11-2026' is geen "
            "geldige datum: schrijf jjjj-mm-dd, bijvoorbeeld 2026-11-22") in _problems(kb_copy)


def test_misspelt_ids_get_a_suggestion(kb_copy: Path) -> None:
    (kb_copy / "extra.yaml").write_text("""entries:
- id: nieuwe-situatie
  kind: situation
  title: Een nieuwe situatie
  summary: Een situatie om de meldingen te laten zien.
  answer: Een situatie om de meldingen te laten zien.
  steps: ["IB'er: bespreek het", "Wijkteam: denk mee"]
  partners: [wijkteem]
  related: [cgj]
  sources: [{source: lea2, section: x}]
  reviewed: 2026-11-01
""", encoding="utf-8")
    problems = _problems(kb_copy)
    assert ("extra.yaml, regel 8, veld 'partners' (item nieuwe-situatie): onbekend id 'wijkteem'; "
            "bedoel je 'wijkteam'?") in problems
    assert any("veld 'related'" in p and "bedoel je 'cjg'?" in p for p in problems)
    assert any("veld 'sources'" in p and "onbekende bron 'lea2'; bedoel je 'lea'?" in p
               for p in problems)


def test_field_and_value_mistakes_are_explained(kb_copy: Path) -> None:
    (kb_copy / "extra.yaml").write_text("""entries:
- id: Nieuwe Partner
  kind: partner
  title: Een nieuwe partner
  sumary: Een partner in de wijk.
  answer: Een partner in de wijk.
  domain: wijk
  ages: [PO]
  when: altijd
  reach: via school
  sources: [{source: lea, section: x}]
  reviewed: 2026-11-01
""", encoding="utf-8")
    problems = "\n".join(_problems(kb_copy))
    assert "veld 'id' (item Nieuwe Partner): 'Nieuwe Partner' is geen geldig id" in problems
    assert "bedoel je 'nieuwe-partner'?" in problems
    assert "regel 5, veld 'sumary'" in problems and "bedoel je 'summary'?" in problems
    assert "veld 'ages' (punt 1)" in problems and "kies uit: 0-4, po, vo; bedoel je 'po'?" \
        in problems


def test_did_you_mean_stays_quiet_when_nothing_is_close() -> None:
    assert did_you_mean("maan", ["centrum", "wijk", "gemeente", "regio"]) == ""
    assert did_you_mean("jeugdfonds", ["jeugdfonds-sport-cultuur", "jeugdhulp"]) \
        == "; bedoel je 'jeugdfonds-sport-cultuur'?"


# --- conflict rules (errors) -----------------------------------------------------------------


def test_an_off_topic_word_that_is_a_vocabulary_key_fails(tmp_path: Path) -> None:
    vocabulary = ("synonyms:\n  bruiloft: verlof\n  verjaardagen: armoede\n"
                  "offtopic: [salaris, bruiloft,\n  verjaardag]\n")
    directory = _small_kb(tmp_path, _entry("een-tip"), vocabulary=vocabulary)
    result = _kb_check(directory)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("FOUT")]
    assert ("FOUT vocabulary.yaml, regel 4, veld 'offtopic': 'bruiloft' staat ook onder "
            "'synonyms' (regel 2)") in errors[0]
    assert any("'verjaardag' heeft dezelfde stam als 'verjaardagen'" in e and "regel 5" in e
               for e in errors), errors


def test_one_question_under_two_entries_is_warned_about(tmp_path: Path) -> None:
    """A warning, not an error: the trained models learnt from the question, so removing it
    means retraining (the warning says so)."""
    directory = _small_kb(tmp_path, _entry("een-tip", question="Wie helpt bij armoede"),
                          _entry("andere-tip", question="wie helpt bij armoede"))
    result = _kb_check(directory)
    assert ("WAARSCHUWING tips.yaml, regel 19, veld 'questions' (item andere-tip): de vraag "
            "'wie helpt bij armoede' staat ook bij item 'een-tip' (tips.yaml, regel 9)"
            ) in result.stdout
    assert "wijkwijzer train" in result.stdout


def test_duplicate_ids_fail(tmp_path: Path) -> None:
    directory = _small_kb(tmp_path, _entry("een-tip"), _entry("een-tip", question="iets anders"))
    result = _kb_check(directory)
    assert result.returncode == 1
    assert ("FOUT tips.yaml, regel 12, veld 'id': het id 'een-tip' bestaat al (in tips.yaml, "
            "regel 2)") in result.stdout


# --- language rules (warnings) ---------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Vraag een toelaatbaarheidsverklaring (TLV) aan.",
    "Vraag een TLV (toelaatbaarheidsverklaring) aan.",
    "Het afwegingskader, een vaste lijst vragen, helpt.",
    "Zo'n intermediair kan het fonds aanvragen: iemand die namens het gezin aanvraagt.",
    "Tot je 18e geldt de kwalificatieplicht. Kwalificatieplicht betekent: naar school.",
    "Interprofessioneel werken betekent samenwerken over vakgrenzen.",
    "Dat heet handelingsverlegen: de school weet het niet meer.",
])
def test_jargon_explained_where_it_is_first_used_passes(tmp_path: Path, text: str) -> None:
    kb = load_knowledge(_small_kb(tmp_path, _entry("een-tip", answer=text)))
    assert kbcheck.unexplained_jargon(kb, kbcheck.Locations(kb)) == []


def test_unexplained_jargon_is_named_with_its_line(tmp_path: Path) -> None:
    answer = "Gebruik het afwegingskader. Het afwegingskader: een lijst vragen."
    directory = _small_kb(tmp_path, _entry("een-tip", summary="Bespreek de OPP met de ouders.",
                                           answer=answer))
    kb = load_knowledge(directory)
    problems = [str(p) for p in kbcheck.unexplained_jargon(kb, kbcheck.Locations(kb))]
    assert problems == [
        "tips.yaml, regel 6, veld 'summary' (item een-tip): 'OPP' is vakjargon: leg het uit waar "
        "het item het voor het eerst gebruikt, bijvoorbeeld 'OPP (…)', of schrijf het in gewone "
        "woorden"]  # the answer explains afwegingskader in the paragraph that first uses it


def test_jargon_the_vocabulary_spells_out_passes(tmp_path: Path) -> None:
    directory = _small_kb(tmp_path, _entry("een-tip", answer="Bespreek de OPP met de ouders."),
                          vocabulary="abbreviations:\n  opp: ontwikkelingsperspectief\n")
    kb = load_knowledge(directory)
    assert kbcheck.unexplained_jargon(kb, kbcheck.Locations(kb)) == []


def test_the_jargon_list_is_written_as_the_texts_write_it() -> None:
    for term in JARGON:
        assert term == term.strip() and (term.isupper() or term.islower()
                                         or any(c.isdigit() for c in term)), term


def test_an_answer_over_120_words_is_warned_about(tmp_path: Path) -> None:
    answer = " ".join(["Een korte zin van zes woorden."] * 21)  # 126 words
    kb = load_knowledge(_small_kb(tmp_path, _entry("een-tip", answer=answer)))
    assert [str(p) for p in kbcheck.long_answers(kb, kbcheck.Locations(kb))] == [
        "tips.yaml, regel 7, veld 'answer' (item een-tip): het antwoord telt 126 woorden; houd "
        "het onder 120: wie op 'Meer' tikt, leest het op een telefoon. Zet een opsomming liever "
        "in 'steps'"]


def test_an_entry_with_few_questions_is_warned_about(tmp_path: Path) -> None:
    directory = _small_kb(tmp_path, _entry("een-tip").replace(
        "questions: [een vraag over iets, een vraag over iets 2, een vraag over iets 3]",
        "questions: [een vraag]"))
    kb = load_knowledge(directory)
    assert [str(p) for p in kbcheck.thin_questions(kb, kbcheck.Locations(kb))] == [
        "tips.yaml, regel 9, veld 'questions' (item een-tip): 1 vraag/vragen: schrijf er 4 tot "
        "10, zoals medewerkers het typen, anders herkent de bot dit item slecht"]


def test_entries_and_sources_due_for_review_name_their_line(tmp_path: Path) -> None:
    import datetime as dt

    from bot.knowledge import stale_warnings

    kb = load_knowledge(_small_kb(tmp_path, _entry("een-tip")))
    where = kbcheck.Locations(kb)
    later = dt.date(2028, 1, 1)
    assert stale_warnings(kb, later, where.reviewed_line) == [
        "tips.yaml, regel 11, veld 'reviewed' (item een-tip): sinds 2026-11-01 niet nagekeken; "
        "controleer het en zet 'reviewed' op de datum van vandaag",
        "sources.yaml, regel 4, veld 'reviewed' (bron lea): sinds 2026-11-01 niet nagekeken; "
        "controleer of de pagina nog klopt en zet 'reviewed' op vandaag"]


def test_find_line_crosses_yaml_line_breaks_and_quotes() -> None:
    lines = ["  answer: >-", "    Eerst dit. Bespreek het", "    met de IB''er vandaag."]
    assert kbcheck.find_line(lines, 1, "Bespreek het met de IB'er vandaag.") == 2
    assert kbcheck.find_line(lines, 1, "met de IB'er") == 3
    assert kbcheck.find_line(lines, 1, "bestaat niet") == 0


def test_shipped_knowledge_keeps_sentences_short_and_explains_its_jargon(
        kb: KnowledgeBase) -> None:
    where = kbcheck.Locations(kb)
    assert [str(p) for p in kbcheck.long_sentences(kb, where)] == []
    assert [str(p) for p in kbcheck.long_answers(kb, where)] == []
    assert [str(p) for p in kbcheck.unexplained_jargon(kb, where)] == []


# --- the JSON Schema -------------------------------------------------------------------------


def test_the_shipped_schema_is_up_to_date_with_the_models() -> None:
    # After changing a model in bot/knowledge.py: python -m bot.knowledge
    assert outdated_schemas(shipped_knowledge_dir()) == []


def test_every_knowledge_file_points_at_its_schema() -> None:
    directory = shipped_knowledge_dir()
    for path in sorted(directory.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == schema_line(path.name), path.name
        target = directory / first.split("$schema=")[1]
        assert target.is_file(), target
    assert {schema_line(n) for n in SPECIAL_FILES} >= {
        "# yaml-language-server: $schema=schema/sources.json"}


def test_the_entry_schema_knows_every_field_and_the_rules_per_kind() -> None:
    schema = json.loads((shipped_knowledge_dir() / "schema" / "entries.json").read_text(
        encoding="utf-8"))
    entry = schema["$defs"]["EntryModel"]
    assert set(entry["properties"]) == set(EntryModel.model_fields)
    assert entry["additionalProperties"] is False
    assert all(entry["properties"][name].get("description") for name in entry["properties"])
    rules = {r["if"]["properties"]["kind"]["const"]: set(r["then"]["required"])
             for r in entry["allOf"]}
    assert rules == {"partner": {"domain", "ages", "when", "reach"},
                     "situation": {"steps", "partners"}}


def test_python_m_bot_knowledge_writes_the_schema(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", str(tmp_path)],
                            capture_output=True, text=True, check=False, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert outdated_schemas(tmp_path) == []
    check = subprocess.run([sys.executable, "-m", "bot.knowledge", "--check", str(tmp_path)],
                           capture_output=True, text=True, check=False, cwd=ROOT, timeout=60)
    assert check.returncode == 0


# --- ask --explain in words ------------------------------------------------------------------

LEARNED = kbcheck.DecisionRules(True, 51.0, 2.0, 60.0, 30.0, 10.0)
LEXICAL = kbcheck.DecisionRules(False, 43.5, 3.5, 20.0, 43.5, 22.0, 5)


def _explain(*scores: float, off_topic: str = "", words: int = 2) -> dict[str, object]:
    typed = [{"word": f"w{i}", "weight": 1.0, "stems": {}, "notes": []} for i in range(words)]
    if off_topic:
        typed[0] = {"word": off_topic, "weight": 7.0, "stems": {}, "notes": ["off topic"]}
    return {"words": typed,
            "candidates": [{"id": f"e{i}", "title": "", "score": s, "cover": 0.5, "phrase": 0.5,
                            "title_cover": 0.0, "matched": []} for i, s in enumerate(scores)]}


def test_explain_says_why_an_answer_is_sure_enough() -> None:
    lines = kbcheck.decision_lines(_explain(61.0, 5.0), LEARNED)
    assert "  zeker genoeg: 61 ≥ 51 voor 'e0'" in lines


def test_explain_says_when_two_answers_are_too_close() -> None:
    lines = kbcheck.decision_lines(_explain(70.0, 40.0), LEARNED)
    assert any(line.startswith("  te dicht bij elkaar: kies.") and "kansverhouding 3,5× ≤ 7,4×"
               in line for line in lines), lines
    lexical = kbcheck.decision_lines(_explain(50.0, 48.0), LEXICAL)
    assert any("te dicht bij elkaar: kies" in line and "verschil 2 ≤ 3,5" in line
               for line in lexical), lexical


def test_explain_says_when_nothing_is_sure_enough() -> None:
    lines = kbcheck.decision_lines(_explain(38.0, 12.0), LEARNED)
    assert "  niet zeker genoeg: 38 < 51 voor 'e0': geen antwoord" in lines
    assert "  suggestie: 'e0' 38 ≥ 10" in lines


def test_explain_names_an_off_topic_word() -> None:
    vetoed = kbcheck.decision_lines(_explain(60.0, off_topic="salaris"), LEXICAL)
    assert any(line.startswith("  buiten het onderwerp: 'salaris'") and "alleen suggesties"
               in line for line in vetoed), vetoed
    assert not any("zeker genoeg:" in line for line in vetoed)
    learned = kbcheck.decision_lines(_explain(20.0, off_topic="salaris"), LEARNED)
    assert any(line.startswith("  buiten het onderwerp: 'salaris'") for line in learned)


def test_ask_explain_prints_the_decision_against_the_threshold() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--explain",
                             "wat doet het cjg"], capture_output=True, text=True, check=False,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0
    out = result.stdout
    assert "Waarom dit antwoord (voor beheerders):" in out
    rules = kbcheck.decision_rules(shipped_knowledge_dir().resolve())
    assert f"≥ {kbcheck.number(rules.answer)} voor 'cjg'" in out
