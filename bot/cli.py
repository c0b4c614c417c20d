"""The `wijkwijzer` command: ask, chat, kb check/stats, eval, run.

Standard output carries results only (JSON for --json); logs and errors go to standard error as
one clear line with a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

from bot import __version__, render, texts
from bot.config import Settings, SettingsError, load_settings
from bot.evaluation import EvalFileError, evaluate, load_cases
from bot.knowledge import (
    AGE_LABELS,
    DOMAIN_LABELS,
    KIND_LABELS,
    KnowledgeBase,
    KnowledgeError,
    load_knowledge,
    shipped_knowledge_dir,
    stale_warnings,
)
from bot.matcher import Index
from bot.normalize import fold
from bot.service import Service

log = logging.getLogger("wijkwijzer")
T = TypeVar("T")

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A problem to report in one line, with an exit status."""

    def __init__(self, message: str, status: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.status = status


def _knowledge_dir(settings: Settings) -> Path:
    return settings.knowledge_dir or shipped_knowledge_dir()


def _service(settings: Settings) -> Service:
    from bot.areas import load_areas

    try:
        kb = load_knowledge(_knowledge_dir(settings))
        return Service(kb, load_areas(settings.wijken_path, kb=kb))
    except KnowledgeError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more; run 'wijkwijzer kb check')" \
            if len(exc.problems) > 1 else ""
        raise CliError(f"knowledge base cannot be loaded: {first}{more}") from exc


def _read_lines(source: str) -> Iterator[str]:
    """Questions one per line; undecodable bytes become U+FFFD instead of stopping the run."""
    try:
        if source == "-":
            stream: IO[bytes] = sys.stdin.buffer
            for raw in stream:
                yield raw.decode("utf-8", errors="replace").rstrip("\r\n")
            return
        with Path(source).open("rb") as handle:
            for raw in handle:
                yield raw.decode("utf-8", errors="replace").rstrip("\r\n")
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror}", EXIT_USAGE) from exc


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is None and not args.question:
        raise CliError("ask needs a QUESTION or --batch FILE (use - for standard input)",
                       EXIT_USAGE)
    if args.top < 1:
        raise CliError("--top must be at least 1", EXIT_USAGE)
    if args.jobs is not None and args.jobs < 1:
        raise CliError("--jobs must be at least 1", EXIT_USAGE)
    service = _service(settings)
    local = _ask_routes(settings, service, args.wijk) if args.wijk else None
    global _ASKING
    _ASKING = (service, args, local)
    out = sys.stdout
    if args.batch is None:
        out.write(_answer_text(" ".join(args.question)))
    else:
        # Standard input is answered line by line as it comes (a pipe may stay open) unless
        # workers are asked for; a file is read first and shared out.
        streaming = args.batch == "-" and args.jobs is None
        lines: Iterator[str] | list[str] = (
            _read_lines(args.batch) if streaming else list(_read_lines(args.batch)))
        jobs = 1 if isinstance(lines, Iterator) else \
            min(args.jobs or _cores(), max(1, len(lines) // BATCH_PER_JOB))
        context = _fork_context() if jobs > 1 else None
        if context is None:
            for question in lines:
                out.write(_answer_text(question))
        else:
            # Workers forked after loading share the knowledge and models; answers come back
            # in input order.
            with context.Pool(jobs) as pool:
                for text in pool.imap(_answer_text, lines, chunksize=BATCH_CHUNK):
                    out.write(text)
    out.flush()
    return EXIT_OK


BATCH_PER_JOB = 100  # a smaller batch is not worth a process
BATCH_CHUNK = 25
# What `ask` works with, set before a batch's workers are forked (they inherit it).
_ASKING: tuple[Service, argparse.Namespace, Callable[[list[str]], list[Any]] | None] | None = None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _fork_context() -> Any:
    """Forked workers start at once and share the loaded models; where fork is not offered
    (Windows), a batch runs in this process."""
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _answer_text(question: str) -> str:
    """What `ask` prints for one question."""
    assert _ASKING is not None
    service, args, local = _ASKING
    reply = service.ask(question, top=args.top, explain=args.explain)
    routes = ({a.id: local(list(a.route_ids)) for a in reply.answers}
              if local is not None else {})
    if args.json:
        data = reply.as_dict()
        if local is not None:
            for answer in data["answers"]:
                answer["local"] = [_route_dict(r) for r in routes[answer["id"]]]
        return json.dumps(data, ensure_ascii=False) + "\n"
    parts = [render.render_reply(reply) + "\n"]
    if reply.answers and routes.get(reply.answers[0].id):
        parts.append(_routes_text(args.wijk, routes[reply.answers[0].id]) + "\n")
    if args.explain and reply.explain is not None:
        parts.append(_explain_text(reply.explain, service) + "\n")
    if args.batch is not None:
        parts.append("\n" + "-" * 40 + "\n")
    return "".join(parts)


def _ask_routes(settings: Settings, service: Service,
                wijk_id: str) -> Callable[[list[str]], list[Any]]:
    """For `ask --wijk`: the wijk's public routes for an answer's entries, read once at start
    through LocalRoutes (the same rules as a teacher without a membership)."""
    from bot.local_routes import PUBLIC

    areas, run = _local_routes(settings, service)
    if areas.get(wijk_id) is None:
        raise CliError(f"unknown wijk '{wijk_id}' (see the area list)", EXIT_USAGE)
    if not settings.db_path.exists():
        return lambda entry_ids: []
    every = run(lambda local: local.wijk_view(PUBLIC, wijk_id)).routes

    def for_entries(entry_ids: list[str]) -> list[Any]:
        order = {e: i for i, e in enumerate(entry_ids)}
        return sorted((r for r in every if r.entry_id in order),
                      key=lambda r: (order[r.entry_id], r.id))

    return for_entries


def _route_dict(route: Any) -> dict[str, Any]:
    return {"entry": route.entry_id, "organisation": route.organisation, "phone": route.phone,
            "email": route.email, "website": route.website, "hours": route.hours,
            "note": route.note, "checked": route.checked[:10]}


def _routes_text(wijk_id: str, routes: list[Any]) -> str:
    from bot.routes import contact_line

    lines = [f"In je wijk ({wijk_id}):"]
    lines += [f"  📍 {contact_line(r)}" + (f" – {r.note}" if r.note else "") for r in routes]
    return "\n".join(lines)


def _explain_text(explain: dict[str, Any], service: Service) -> str:
    """For curators: the words, the candidates and the decision against the thresholds the
    service itself decided with (no second read of the model file)."""
    from bot import kbcheck

    return kbcheck.explain_text(explain, kbcheck.rules_for(service.ranker))


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    service = _service(settings)
    out = sys.stdout
    interactive = sys.stdin.isatty()
    out.write("Wijkwijzer — vraag wie je in de wijk kunt inschakelen. Typ 'stop' om te stoppen.\n"
              + texts.PRIVACY_REMINDER + "\n\n")
    last_options: list[str] = []
    last_answer: str | None = None  # one turn of context for a follow-up
    reminded = False
    while True:
        try:
            line = input("Vraag> ") if interactive else sys.stdin.readline()
        except EOFError:
            line = ""
            if interactive:
                out.write("\n")
            break
        except KeyboardInterrupt:
            out.write("\n")
            break
        if not interactive and line == "":
            break
        question = line.strip()
        if question.lower() in {"stop", "exit", "quit", "doei"}:
            break
        if question.isdigit() and 1 <= int(question) <= len(last_options):
            answer = service.answer_for(last_options[int(question) - 1])
            if answer is not None:
                out.write(render.render_answer(answer) + "\n\n")
                last_answer = answer.id
                continue
        reply = service.ask(question, after=last_answer)
        last_answer = reply.answers[0].id if reply.answers and not reply.clarify else None
        out.write(render.render_reply(reply) + "\n")
        if reply.personal_data and not reminded:
            reminded = True
            out.write("\n" + texts.PRIVACY_REMINDER + "\n")
        last_options = [a.id for a in reply.answers] if reply.clarify else \
            [s.id for s in reply.suggestions]
        if last_options:
            out.write("(Typ een nummer om een onderwerp te openen: "
                      + ", ".join(f"{i}" for i in range(1, len(last_options) + 1)) + ")\n")
        out.write("\n")
    out.write("Tot ziens!\n")
    return EXIT_OK


def cmd_kb_check(args: argparse.Namespace, settings: Settings) -> int:
    """Every problem for the curators, in Dutch with file, line and field: FOUT (exit 1) and
    WAARSCHUWING (exit 0); the models' staleness lines keep their own form."""
    from bot import kbcheck
    from bot.training import model_problems

    directory = Path(args.dir) if args.dir else _knowledge_dir(settings)
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(f"FOUT {problem}")
        print(f"{len(exc.problems)} fout(en) in {directory}: herstel ze en draai "
              "'wijkwijzer kb check' opnieuw", file=sys.stderr)
        return EXIT_ERROR
    where = kbcheck.Locations(kb)
    report = kbcheck.check(kb, where)
    models = model_problems(kb, directory.resolve() == shipped_knowledge_dir().resolve())
    warnings = stale_warnings(kb, line_of=where.reviewed_line) + report.warnings \
        + lint_warnings(kb, where)
    for error in report.errors:
        print(f"FOUT {error}")
    for problem in models:
        print(f"ERROR {problem}")
    for warning in warnings:
        print(f"WAARSCHUWING {warning}")
    errors = len(report.errors) + len(models)
    if errors:
        print(f"{errors} fout(en) en {len(warnings)} waarschuwing(en) in {directory}",
              file=sys.stderr)
        return EXIT_ERROR
    print(f"OK: {len(kb)} items, {len(kb.sources)} bronnen, {len(kb.vocabulary)} woorden in de "
          f"woordenlijst in {directory}" + (f"; {len(warnings)} waarschuwing(en), die het "
                                            "laden niet tegenhouden" if warnings else ""))
    return EXIT_OK


def lint_warnings(kb: KnowledgeBase, where: Any = None) -> list[str]:
    """Things that load but hurt matching: shared names, off-topic words the entries use."""
    from bot import kbcheck
    from bot.knowledge import Problem

    where = where or kbcheck.Locations(kb)
    owners: dict[str, list[Any]] = {}
    for entry in kb:
        for name in dict.fromkeys(fold(n) for n in entry.names):
            owners.setdefault(name, []).append(entry)
    problems = [Problem(
        entries[-1].file,
        f"de naam '{name}' hoort bij {', '.join(e.id for e in entries)}: een vraag met die naam "
        "kan ze niet uit elkaar houden; geef hem aan één item",
        where.text_line(entries[-1], "names", name), "'names'", entries[-1].id)
        for name, entries in sorted(owners.items()) if len(entries) > 1]
    vocabulary = where.file_text("vocabulary.yaml")
    start = kb.vocabulary.offtopic_line
    problems += [Problem(
        "vocabulary.yaml", f"het woord '{w}' uit de lijst offtopic staat ook in de kennisbank "
        "zelf en wordt daarom genegeerd: haal het uit de lijst",
        kbcheck.find_line(vocabulary, start, w) or start, "'offtopic'")
        for w in Index(kb).offtopic_conflicts]
    return [str(p) for p in problems]


def cmd_kb_stats(args: argparse.Namespace, settings: Settings) -> int:
    service = _service(settings)
    kb = service.kb
    kinds = Counter(e.kind for e in kb)
    print(f"Entries: {len(kb)}")
    for kind, label in KIND_LABELS.items():
        print(f"  {label:<24} {kinds.get(kind, 0)}")
    partners = [e for e in kb if e.kind == "partner"]
    print("Partners per domain:")
    for domain, label in DOMAIN_LABELS.items():
        print(f"  {label:<24} {sum(1 for p in partners if p.domain == domain)}")
    print("Partners per age group:")
    for age, label in AGE_LABELS.items():
        print(f"  {label:<24} {sum(1 for p in partners if age in p.ages)}")
    print(f"Alternate questions: {sum(len(e.questions) for e in kb)}")
    print(f"Keywords: {sum(len(e.keywords) for e in kb)}")
    print(f"Vocabulary terms: {len(kb.vocabulary)}")
    print(f"Sources: {len(kb.sources)} (cited: "
          f"{len({c.source.id for e in kb for c in e.citations})})")
    print(f"Index: {len(service.index.postings)} stems")
    print(f"Last reviewed: {kb.last_reviewed.isoformat()}")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    try:
        cases = load_cases(Path(args.file))
    except EvalFileError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    service = _service(settings)
    if args.blind:
        from bot.corpus import load_corpus, near_duplicates
        from bot.training import tuning_sets

        # The development sets teach the models as well: a repeat of one is no test either.
        corpus = load_corpus(service.kb.directory)
        tuning = [c.q for cases in tuning_sets(service.kb.directory) for c in cases]
        repeats = near_duplicates([c.q for c in cases], corpus, tuning)
        for case, repeat in zip(cases, repeats, strict=True):
            if repeat is not None:
                print(f"DROP {case.q!r} (near a training question: {repeat!r})")
        cases = [c for c, r in zip(cases, repeats, strict=True) if r is None]
        print(f"{sum(r is not None for r in repeats)} case(s) dropped as near-duplicates "
              "of the corpus or the development sets", file=sys.stderr)
    started = time.perf_counter()
    without = args.no_context

    def ask_after(question: str, context: str | None) -> Any:
        return service.ask(question, after=None if without else context)

    result = evaluate(cases, service.ask, ask_after)
    elapsed = time.perf_counter() - started
    for failure in result.failures:
        print(f"FAIL {failure}")
    print(f"{len(cases)} cases in {elapsed:.2f} s", file=sys.stderr)
    print(json.dumps(result.summary()))
    return EXIT_OK


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    directory = Path(args.dir) if args.dir else _knowledge_dir(settings)
    try:
        import sklearn  # noqa: F401  (only training needs it)
    except ImportError as exc:
        raise CliError("training needs scikit-learn: pip install 'wijkwijzer[train]'") from exc
    from bot import training

    try:
        kb = load_knowledge(directory)
        started = time.perf_counter()
        trained = training.train(kb, log=lambda line: print(line, file=sys.stderr))
    except KnowledgeError as exc:
        raise CliError(f"cannot train: {exc.problems[0]}"
                       + (f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1
                          else "")) from exc
    paths = training.write(trained, directory)
    print(json.dumps(trained.report, sort_keys=True, indent=1))
    print(f"wrote {', '.join(str(p) for p in paths)} in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    return EXIT_OK


def cmd_routes_export(args: argparse.Namespace, settings: Settings) -> int:
    import yaml as yaml_module

    from bot.routes import to_yaml_item
    from bot.storage import RouteStore, Storage  # aiosqlite: loaded only for these commands

    async def main() -> list[dict[str, Any]]:
        async with await Storage.open(settings.db_path) as storage:
            return [to_yaml_item(r) for r in await RouteStore(storage).all_routes()]

    items = _run_storage(main())
    text = yaml_module.safe_dump({"routes": items}, allow_unicode=True, sort_keys=False)
    if args.file == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.file}: {exc.strerror}") from exc
    print(f"{len(items)} route(s) exported", file=sys.stderr)
    return EXIT_OK


def cmd_routes_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.local_routes import OPERATOR, LocalRoutes
    from bot.routes import MAX_FILE_BYTES, RouteFileError, parse_routes_file, plan_import

    service = _service(settings)
    areas, run = _local_routes(settings, service)
    try:
        with Path(args.file).open("rb") as handle:
            data = parse_routes_file(handle.read(MAX_FILE_BYTES + 1))
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}", EXIT_USAGE) from exc
    except RouteFileError as exc:
        raise CliError(f"{args.file}: {exc}", EXIT_USAGE) from exc
    items = data.get("routes") if isinstance(data, dict) else None

    async def main(local: LocalRoutes) -> int:
        existing = {r.id: r for r in await local.routes.all_routes()}
        plan = plan_import(items, existing, service.kb, areas)
        for problem in plan.problems:
            print(f"ERROR {problem}")
        if plan.problems:
            print(f"nothing imported: {len(plan.problems)} problem(s)", file=sys.stderr)
            return EXIT_ERROR
        verb = "would" if args.dry_run else "will"
        print(f"{verb} add {len(plan.adds)}, change {len(plan.changes)}, leave "
              f"{plan.unchanged} unchanged")
        for draft in plan.adds:
            print(f"  + {draft.wijk_id} / {draft.entry_id}: {draft.organisation}")
        for route_id, draft in plan.changes:
            print(f"  ~ #{route_id} {draft.wijk_id} / {draft.entry_id}: {draft.organisation}")
        if not args.dry_run:
            await local.apply_import(OPERATOR, plan)
        return EXIT_OK

    status: int = run(main)
    return status


def _run_storage(coro: Coroutine[Any, Any, T]) -> T:
    from bot.storage import StorageError

    try:
        return asyncio.run(coro)
    except StorageError as exc:
        raise CliError(f"database: {exc}") from exc


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """For the curators: what nobody could answer, and the answers with the most 👎."""
    from bot.storage import CuratorLog, Storage  # aiosqlite: loaded only for this command

    service = _service(settings)

    async def main() -> tuple[list[tuple[str, int]], list[tuple[str, int, int]], list[str]]:
        async with await Storage.open(settings.db_path) as storage:
            log = CuratorLog(storage)
            return (await log.unanswered(args.top), await log.feedback(args.top),
                    await log.missing(args.top))

    unanswered, feedback, missing = _run_storage(main())
    print(f"Unanswered questions (redacted, last {90} days), most frequent first:")
    for text, count in unanswered:
        print(f"  {count:4d}  {text}")
    if not unanswered:
        print("  (none)")
    print("Answers with the most 👎 in the same period (👎 / 👍):")
    for entry_id, down, up in feedback:
        entry = service.kb.get(entry_id)
        title = entry.title if entry else f"{entry_id} (no longer in the knowledge base)"
        print(f"  {down:4d} / {up:4d}  {title}")
    if not feedback:
        print("  (none)")
    print("What users missed after a 👎 (entry: their words, redacted), newest first:")
    for line in missing:
        print(f"  {line}")
    if not missing:
        print("  (none)")
    return EXIT_OK


def _local_routes(settings: Settings, service: Service) -> tuple[Any, Any]:
    """The wijken and a function that runs a LocalRoutes operation on the database."""
    from bot.areas import load_areas

    try:
        areas = load_areas(settings.wijken_path, kb=service.kb)
    except KnowledgeError as exc:
        raise CliError(f"wijken: {exc.problems[0]}") from exc

    def run(operation: Callable[[Any], Coroutine[Any, Any, T]]) -> T:
        from bot.local_routes import LocalRoutes
        from bot.storage import Storage  # aiosqlite: loaded only for these commands

        async def main() -> T:
            async with await Storage.open(settings.db_path) as storage:
                return await operation(LocalRoutes(storage, areas, service.kb))

        return _run_storage(main())

    return areas, run


def _wijk_data(settings: Settings, service: Service, wijk_id: str | None,
               internal: bool = False) -> tuple[Any, list[Any], dict[str, tuple[str, str]]]:
    """The wijk (or None), the routes a reader may see (public ones unless `internal`) and its
    praatplaat marks, for the picture and the kaart."""
    from bot.local_routes import OPERATOR, PUBLIC

    areas, run = _local_routes(settings, service)
    wijk = areas.get(wijk_id) if wijk_id else None
    if wijk_id and wijk is None:
        raise CliError(f"unknown wijk '{wijk_id}' (see the area list)", EXIT_USAGE)
    if wijk is None or not settings.db_path.exists():
        return wijk, [], {}
    view = run(lambda local: local.wijk_view(OPERATOR if internal else PUBLIC, wijk.id))
    return wijk, list(view.routes), view.marks


def cmd_praatplaat(args: argparse.Namespace, settings: Settings) -> int:
    """The praatplaat as PNG or SVG (by the suffix of -o); its text version on stdout."""
    output = Path(args.output)
    if output.suffix.lower() not in (".png", ".svg"):
        raise CliError("-o needs a file name ending in .png or .svg", EXIT_USAGE)
    service = _service(settings)
    wijk, routes, marks = _wijk_data(settings, service, args.wijk)
    from bot import praatplaat  # matplotlib: loaded only for this command
    from bot.routes import last_change, plate_statuses

    changed = last_change(routes, service.kb, marks)
    items = praatplaat.items_for(service.kb, plate_statuses(routes, service.kb, marks))
    title = f"Praatplaat {wijk.name}" if wijk else "Praatplaat: alle partners"
    try:
        praatplaat.render(items, title, changed, output)
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from exc
    print(praatplaat.text_version(items, title, changed))
    return EXIT_OK


def cmd_kaart(args: argparse.Namespace, settings: Settings) -> int:
    """The sociale kaart as PDF or Markdown (by the suffix of -o)."""
    output = Path(args.output)
    if output.suffix.lower() not in (".pdf", ".md"):
        raise CliError("-o needs a file name ending in .pdf or .md", EXIT_USAGE)
    service = _service(settings)
    wijk, routes, marks = _wijk_data(settings, service, args.wijk, args.intern)
    from bot import kaart
    from bot.routes import last_change

    changed = last_change(routes, service.kb, marks)
    title = f"Sociale kaart {wijk.name}" if wijk else "Sociale kaart: alle partners"
    try:
        if output.suffix.lower() == ".md":
            output.write_text(kaart.markdown(service.kb, routes, title, changed),
                              encoding="utf-8")
        else:
            output.write_bytes(kaart.pdf(service.kb, routes, title, changed))
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from exc
    print(f"{title} written to {output}", file=sys.stderr)
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    """A consistent copy while the bot runs (SQLite's online backup), checked before done."""
    import sqlite3

    source_path, target = settings.db_path, Path(args.file)
    if not source_path.exists():
        raise CliError(f"no database at {source_path} (WIJKWIJZER_DB)")
    if target.exists():
        raise CliError(f"{target} exists already; choose a new file name", EXIT_USAGE)
    try:
        with sqlite3.connect(source_path, timeout=10) as source, \
                sqlite3.connect(target) as copy:
            source.backup(copy)
            result = copy.execute("PRAGMA integrity_check").fetchone()
        source.close()
        copy.close()
    except sqlite3.Error as exc:
        raise CliError(f"backup failed: {exc}") from exc
    if not result or result[0] != "ok":
        raise CliError(f"the copy in {target} failed its integrity check")
    print(f"backup of {source_path} written to {target}", file=sys.stderr)
    return EXIT_OK


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    """Every variable, its value (secrets hidden) and where it came from."""
    from bot.config import VARIABLES

    meanings = {v.name: v.meaning for v in VARIABLES}
    for name, value, source in settings.shown():
        print(f"{name}={value}")
        print(f"    # {meanings[name]}; from {source}")
    return EXIT_OK


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """One line per check; exit 0 when all pass (the container's HEALTHCHECK uses this)."""
    from bot.health import run_checks

    checks = run_checks(settings.db_path, settings.knowledge_dir)
    for found in checks:
        print(f"{'ok  ' if found.ok else 'FAIL'} {found.name}: {found.detail}")
    return EXIT_OK if all(c.ok for c in checks) else EXIT_ERROR


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.token:
        raise CliError(
            "no TELEGRAM_BOT_TOKEN set: create a bot with @BotFather in Telegram, put the token "
            "in .env as TELEGRAM_BOT_TOKEN=..., and meanwhile try 'wijkwijzer chat'", EXIT_USAGE)
    service = _service(settings)
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot import app as telegram_app  # PTB is loaded only here
    from bot.storage import StorageError

    telegram_app.configure_logging(settings.token.reveal(),
                                   logging.DEBUG if args.verbose else logging.INFO)
    application = telegram_app.build_application(settings, service)
    telegram_app.freeze_heap()
    try:
        if getattr(args, "webhook", None):
            telegram_app.run_webhook(application, args.webhook, args.listen, args.port,
                                     settings.webhook_secret.reveal() or None,
                                     settings.startup_retries)
        else:
            telegram_app.run_polling(application, settings.startup_retries)
    except StorageError as exc:
        raise CliError(f"database: {exc}") from exc
    except InvalidToken as exc:
        raise CliError("Telegram refused the token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
                       ) from exc
    except NetworkError as exc:
        raise CliError(f"cannot reach the Telegram Bot API ({exc.__class__.__name__}): check "
                       "the network or TELEGRAM_API_BASE_URL") from exc
    except TelegramError as exc:
        raise CliError("Telegram error: " + str(exc).replace(settings.token.reveal(), "[token]")
                       ) from exc
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see '{self.prog} --help')", EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wijkwijzer",
        description="Wijkwijzer: wie schakel je in de wijk in? Without a command: the Telegram "
                    "bot when TELEGRAM_BOT_TOKEN is set, otherwise the console chat.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser.add_argument("--version", action="version", version=f"wijkwijzer {__version__}")
    parser.add_argument("--env-file", metavar="FILE", type=Path, default=None,
                        help="settings file (default: .env in the current directory)")
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="answer one question (or a batch)")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--explain", action="store_true", help="show why an answer won")
    ask.add_argument("--top", type=int, default=3, help="at most N answers (default 3)")
    ask.add_argument("--batch", metavar="FILE", help="one question per line; - for stdin")
    ask.add_argument("--wijk", metavar="ID",
                     help="add the public local routes of this wijk to the answers")
    ask.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="a batch's worker processes (default: one per core)")
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", help="a conversation in the console")
    chat.set_defaults(func=cmd_chat)

    kb = sub.add_parser("kb", help="check or describe the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="print every problem; non-zero exit if any")
    check.add_argument("dir", nargs="?", help="knowledge directory (default: the configured one)")
    check.set_defaults(func=cmd_kb_check)
    stats = kb_sub.add_parser("stats", help="counts per kind, domain and age group")
    stats.set_defaults(func=cmd_kb_stats)

    ev = sub.add_parser("eval", help="score an evaluation file")
    ev.add_argument("file")
    ev.add_argument("--no-context", action="store_true",
                    help="ask follow-up cases on their own (to measure what context adds)")
    ev.add_argument("--blind", action="store_true",
                    help="drop cases that nearly repeat a corpus message (ratio >= 85)")
    ev.set_defaults(func=cmd_eval)

    train = sub.add_parser("train", help="build the learned models from the corpus")
    train.add_argument("dir", nargs="?", help="knowledge directory (default: the configured one)")
    train.set_defaults(func=cmd_train)

    routes = sub.add_parser("routes", help="export or import local contact routes (YAML)")
    routes_sub = routes.add_subparsers(dest="routes_command", required=True)
    export = routes_sub.add_parser("export", help="write every route to FILE (- for stdout)")
    export.add_argument("file")
    export.set_defaults(func=cmd_routes_export)
    imp = routes_sub.add_parser("import", help="add and change routes from FILE")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="report what would change")
    imp.set_defaults(func=cmd_routes_import)

    report = sub.add_parser("report", help="for curators: unanswered questions, most 👎")
    report.add_argument("--top", type=int, default=20, help="at most N rows per list")
    report.set_defaults(func=cmd_report)

    plate = sub.add_parser("praatplaat", help="draw the wijk's praatplaat (PNG or SVG)")
    plate.add_argument("--wijk", help="wijk id (default: all partners, none marked)")
    plate.add_argument("-o", "--output", required=True, help="FILE.png or FILE.svg")
    plate.set_defaults(func=cmd_praatplaat)

    card = sub.add_parser("kaart", help="the sociale kaart (PDF or Markdown)")
    card.add_argument("--wijk", help="wijk id (default: all partners, no local routes)")
    card.add_argument("--intern", action="store_true",
                      help="include the wijk's internal routes (for its members only)")
    card.add_argument("-o", "--output", required=True, help="FILE.pdf or FILE.md")
    card.set_defaults(func=cmd_kaart)

    db = sub.add_parser("db", help="the SQLite file")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    backup = db_sub.add_parser("backup", help="a consistent copy, also while the bot runs")
    backup.add_argument("file")
    backup.set_defaults(func=cmd_db_backup)

    config = sub.add_parser("config", help="the effective settings and where each came from")
    config.set_defaults(func=cmd_config)

    health = sub.add_parser("health", help="check knowledge, database and the update journal")
    health.set_defaults(func=cmd_health)

    run = sub.add_parser("run", help="start the Telegram bot (long polling, or --webhook)")
    run.add_argument("--webhook", metavar="URL", help="public HTTPS URL Telegram posts to")
    run.add_argument("--listen", default="127.0.0.1", help="address to listen on (webhook)")
    run.add_argument("--port", type=int, default=8443, help="port to listen on (webhook)")
    run.set_defaults(func=cmd_run)
    return parser


def _fail(message: str, status: int) -> NoReturn:
    sys.stderr.write(f"wijkwijzer: {message}\n")
    sys.stderr.flush()
    raise SystemExit(status)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.env_file is not None and not args.env_file.is_file():
        _fail(f"--env-file {args.env_file}: no such file", EXIT_USAGE)
    try:
        settings = load_settings(dotenv=args.env_file)
    except SettingsError as exc:
        _fail(f"setting {exc}", EXIT_USAGE)
    if args.command is None:
        args.func = cmd_run if settings.token else cmd_chat
        args.webhook = None
    try:
        status: int = args.func(args, settings)
    except CliError as exc:
        _fail(str(exc), exc.status)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        log.debug("unexpected error", exc_info=True)
        _fail(f"unexpected error: {exc.__class__.__name__}: {exc}", EXIT_ERROR)
    return status


if __name__ == "__main__":
    sys.exit(main())
