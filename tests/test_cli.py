"""The `wijkwijzer` command, run as a real process: the contract of DESIGN.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EVAL_DIR, ROOT, db_rows


def run(*args: str, stdin: bytes | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("TELEGRAM_BOT_TOKEN", "WIJKWIJZER_KNOWLEDGE")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin,
                          capture_output=True, env=full_env, cwd=ROOT, check=False, timeout=60)


def test_ask_json_prints_one_json_object() -> None:
    result = run("ask", "--json", "wat", "doet", "het", "CJG?")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["query"] == "wat doet het CJG?"
    assert data["answers"][0]["title"]


def test_ask_json_exits_0_when_nothing_matched() -> None:
    result = run("ask", "--json", "schrijf een gedicht over de herfst")
    assert result.returncode == 0
    assert json.loads(result.stdout)["answers"] == []


def test_ask_top_limits_the_answers() -> None:
    result = run("ask", "--json", "--top", "1", "ouders")
    assert len(json.loads(result.stdout)["answers"]) <= 1


def test_batch_prints_one_json_line_per_input_line_in_order(tmp_path: Path) -> None:
    questions = ["wat doet het cjg", "", "qwertyuiop", "vermoeden van kindermishandeling"]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(questions) + "\n", encoding="utf-8")
    result = run("ask", "--json", "--batch", str(path))
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0
    assert [json.loads(line)["query"] for line in lines] == questions
    assert json.loads(lines[3])["safety"]["level"] == "meldcode"


def test_a_batch_shared_over_workers_prints_what_one_process_prints(tmp_path: Path) -> None:
    questions = ["wat doet het cjg", "", "qwertyuiop", "vermoeden van kindermishandeling",
                 "leerling spijbelt", "de beamer in lokaal 112 doet het niet"] * 40
    path = tmp_path / "q.txt"
    path.write_text("\n".join(questions) + "\n", encoding="utf-8")
    alone = run("ask", "--json", "--batch", str(path), "--jobs", "1")
    shared = run("ask", "--json", "--batch", str(path), "--jobs", "2")
    assert alone.returncode == shared.returncode == 0
    assert shared.stdout == alone.stdout
    assert len(shared.stdout.decode().splitlines()) == len(questions)


def test_batch_reads_standard_input_and_survives_binary() -> None:
    result = run("ask", "--json", "--batch", "-", stdin=b"bieb\n\xff\xfe\x00garbage\nsmw\n")
    assert result.returncode == 0
    assert len(result.stdout.decode().splitlines()) == 3


def test_standard_output_holds_json_only() -> None:
    result = run("-v", "ask", "--json", "leerplicht")
    json.loads(result.stdout)


def test_explain_adds_a_key_and_keeps_the_contract() -> None:
    data = json.loads(run("ask", "--json", "--explain", "bieb").stdout)
    assert {"query", "answers", "clarify", "suggestions", "safety", "explain"} <= set(data)


def test_ask_without_a_question_is_a_one_line_error() -> None:
    result = run("ask")
    assert result.returncode == 2
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_a_missing_batch_file_is_a_one_line_error() -> None:
    result = run("ask", "--batch", "/nonexistent/file.txt")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("wijkwijzer: cannot read")


def test_a_broken_knowledge_directory_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("entries: [", encoding="utf-8")
    result = run("ask", "wijkteam", env={"WIJKWIJZER_KNOWLEDGE": str(tmp_path)})
    assert result.returncode == 1
    err = result.stderr.decode().strip()
    assert err.startswith("wijkwijzer: knowledge base cannot be loaded") and "\n" not in err


def test_kb_stats_counts_the_kinds() -> None:
    result = run("kb", "stats")
    assert result.returncode == 0
    assert b"Partners per domain" in result.stdout


def test_eval_prints_failures_then_a_json_summary() -> None:
    result = run("eval", str(EVAL_DIR / "sample.yaml"))
    assert result.returncode == 0
    summary = json.loads(result.stdout.decode().strip().splitlines()[-1])
    assert set(summary) >= {"top1", "top3", "oos_rejected", "safety", "facts", "calm",
                            "n_in", "n_oos", "n_safety", "n_fact", "n_calm"}


def test_eval_of_a_malformed_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("cases: [{kind: nope}]", encoding="utf-8")
    result = run("eval", str(path))
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def test_chat_answers_and_ends_cleanly_on_eof() -> None:
    result = run("chat", stdin=b"wat doet het cjg\n\nqwertyuiop\n")
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "CENTRUM VOOR JEUGD" in out.upper() and out.rstrip().endswith("Tot ziens!")


def test_bare_command_without_token_starts_the_chat() -> None:
    result = run(stdin=b"")
    assert result.returncode == 0 and "Wijkwijzer" in result.stdout.decode()


@pytest.mark.parametrize("command", [["run"], []])
def test_a_dead_network_is_one_clear_line_without_the_token(command: list[str],
                                                            tmp_path: Path) -> None:
    result = run(*command, env={"TELEGRAM_BOT_TOKEN": "123:abcSECRET",
                                "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
                                "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3"),
                                "WIJKWIJZER_STARTUP_RETRIES": "0"})
    err = result.stderr.decode()
    assert result.returncode == 1
    assert "Traceback" not in err and "abcSECRET" not in err + result.stdout.decode()
    # the retries say what they do; the end is one line of its own
    errors = [line for line in err.strip().splitlines() if "retrying in" not in line]
    assert len(errors) == 1 and errors[0].startswith("wijkwijzer: cannot reach the Telegram")


def test_run_without_a_token_says_how_to_get_one() -> None:
    result = run("run")
    assert result.returncode == 2 and b"BotFather" in result.stderr


def test_the_answering_path_imports_no_telegram_or_plotting_library() -> None:
    code = ("import sys, io, contextlib; from bot.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['ask', '--json', 'bieb'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('telegram', 'matplotlib', 'httpx', 'aiosqlite')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_routes_import_checks_reports_and_round_trips(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")}
    source = tmp_path / "routes.yaml"
    source.write_text(
        "routes:\n"
        "- {wijk: voorbeeld-noord, entry: wijkteam, organisation: Wijkteam Noord,"
        " phone: 020-1234567}\n", encoding="utf-8")
    dry = run("routes", "import", str(source), "--dry-run", env=env)
    assert dry.returncode == 0 and b"would add 1" in dry.stdout
    assert b"0 route(s) exported" in run("routes", "export", "-", env=env).stderr
    assert run("routes", "import", str(source), env=env).returncode == 0
    exported = tmp_path / "out.yaml"
    assert run("routes", "export", str(exported), env=env).returncode == 0
    assert "020 123 4567" in exported.read_text(encoding="utf-8")
    again = run("routes", "import", str(exported), "--dry-run", env=env)
    assert b"add 0, change 0, leave 1 unchanged" in again.stdout


def test_ask_with_a_wijk_adds_its_public_routes_only(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")}
    source = tmp_path / "routes.yaml"
    source.write_text(
        "routes:\n"
        "- {wijk: voorbeeld-noord, entry: cjg, organisation: CJG Noord, phone: 020-1234567}\n"
        "- {wijk: voorbeeld-noord, entry: cjg, organisation: CJG intern, phone: 020-7654321,"
        " internal: true}\n", encoding="utf-8")
    assert run("routes", "import", str(source), env=env).returncode == 0
    result = run("ask", "--json", "--wijk", "voorbeeld-noord", "wat doet het cjg", env=env)
    answer = json.loads(result.stdout)["answers"][0]
    assert [r["organisation"] for r in answer["local"]] == ["CJG Noord"]
    text = run("ask", "--wijk", "voorbeeld-noord", "wat doet het cjg", env=env).stdout.decode()
    assert "CJG Noord · 020 123 4567" in text and "CJG intern" not in text
    assert run("ask", "--wijk", "maan", "cjg", env=env).returncode == 2


def test_routes_import_refuses_a_file_with_any_bad_route(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")}
    source = tmp_path / "routes.yaml"
    source.write_text(
        "routes:\n"
        "- {wijk: voorbeeld-noord, entry: wijkteam, organisation: Goed, phone: 0201234567}\n"
        "- {wijk: maan, entry: wijkteam, organisation: Fout, phone: 0201234567}\n"
        "- {wijk: voorbeeld-noord, entry: cjg, organisation: Fout, phone: '12'}\n",
        encoding="utf-8")
    result = run("routes", "import", str(source), env=env)
    assert result.returncode == 1
    assert b"route 2: Onbekende wijk" in result.stdout and b"route 3:" in result.stdout
    assert b"0 route(s) exported" in run("routes", "export", "-", env=env).stderr


def test_a_backup_is_a_consistent_copy(tmp_path: Path) -> None:

    env = {"WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")}
    source = tmp_path / "routes.yaml"
    source.write_text("routes:\n- {wijk: voorbeeld-noord, entry: cjg, organisation: CJG,"
                      " phone: 0201234567}\n", encoding="utf-8")
    assert run("routes", "import", str(source), env=env).returncode == 0
    copy = tmp_path / "copy.sqlite3"
    result = run("db", "backup", str(copy), env=env)
    assert result.returncode == 0, result.stderr
    assert db_rows(copy, "SELECT count(*) FROM routes")[0][0] == 1
    again = run("db", "backup", str(copy), env=env)
    assert again.returncode == 2 and b"exists already" in again.stderr


def test_report_lists_unanswered_questions_and_thumbs_down(tmp_path: Path) -> None:
    import asyncio

    from bot.storage import CuratorLog, Storage

    db = tmp_path / "db.sqlite3"

    async def fill() -> None:
        async with await Storage.open(db) as storage:
            await storage.record_feedback("cjg", False)
            await storage.record_feedback("cjg", False)
            await storage.record_feedback("cjg", True)
            await CuratorLog(storage).log_unanswered("wat doet de wijk", 1, lambda w: True)

    asyncio.run(fill())
    result = run("report", env={"WIJKWIJZER_DB": str(db)})
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "wat doet de wijk" in out and "2 /    1  Centrum voor Jeugd en Gezin" in out


def test_routes_import_reads_utf16_as_spreadsheets_save_it(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")}
    source = tmp_path / "routes.yaml"
    source.write_bytes("routes:\n- {wijk: voorbeeld-noord, entry: cjg, organisation: CJG "
                       "Noord-Oost ë, phone: 020-1234567}\n".encode("utf-16"))
    result = run("routes", "import", str(source), "--dry-run", env=env)
    assert result.returncode == 0 and b"would add 1" in result.stdout


@pytest.mark.parametrize(("content", "message"), [
    (b"routes:\n- {wijk: voorbeeld-noord, wijk: maan, entry: cjg, organisation: X}\n",
     b"duplicate key 'wijk'"),
    (b"a: &a ['x','x','x','x','x','x','x','x','x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
     b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nroutes: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
     b"aliases (*name) are not allowed"),
    (b"routes:\n- {wijk: voorbeeld-noord, entry: cjg, organisation: \xff\xfe\xfa}\n",
     b"not UTF-8 text"),
    (b"routes: [\n", b"not valid YAML"),
])
def test_routes_import_refuses_a_file_it_cannot_trust_in_one_line(
        tmp_path: Path, content: bytes, message: bytes) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")}
    source = tmp_path / "routes.yaml"
    source.write_bytes(content)
    result = run("routes", "import", str(source), env=env)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_health_passes_on_a_started_deployment_and_fails_on_a_broken_database(
        tmp_path: Path) -> None:
    import asyncio

    from bot.storage import Storage

    db = tmp_path / "db.sqlite3"
    missing = run("health", env={"WIJKWIJZER_DB": str(db)})
    assert missing.returncode == 1 and b"FAIL database" in missing.stdout
    assert not db.exists()  # the check never creates one

    async def start() -> None:
        await (await Storage.open(db)).close()
    asyncio.run(start())
    started = run("health", env={"WIJKWIJZER_DB": str(db)})
    assert started.returncode == 0 and b"ok   knowledge: 120 entries, with models" in \
        started.stdout
    db.write_bytes(b"this is not a database" * 100)
    broken = run("health", env={"WIJKWIJZER_DB": str(db)})
    assert broken.returncode == 1 and b"FAIL database" in broken.stdout


def test_health_fails_when_an_update_waits_unanswered_for_minutes(tmp_path: Path) -> None:
    import sqlite3
    import time

    db = tmp_path / "db.sqlite3"
    with sqlite3.connect(tmp_path / "db.sqlite3.updates") as journal:
        journal.execute("CREATE TABLE updates (update_id INTEGER PRIMARY KEY, body TEXT, "
                        "attempts INTEGER NOT NULL DEFAULT 0, received REAL NOT NULL)")
        journal.execute("INSERT INTO updates VALUES (1, '{}', 0, ?)", (time.time() - 900,))
    journal.close()
    result = run("health", env={"WIJKWIJZER_DB": str(db)})
    assert result.returncode == 1 and b"the oldest for 15 minutes" in result.stdout
