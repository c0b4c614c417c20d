"""Packaging and deployment: the wheel and sdist, the version, the licence, the lock file, the
container, the systemd unit, publiccode.yml and the changelog."""

from __future__ import annotations

import asyncio
import email
import json
import re
import shlex
import sqlite3
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from contextlib import closing
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import bot
from bot.cli import main
from bot.storage import Storage
from bot.storage.migrations import SCHEMA_VERSION
from tests.conftest import ROOT

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("wijkwijzer-*.whl"))


@pytest.fixture(scope="module")
def wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(archive.read(name))


@pytest.fixture(scope="module")
def sdist_names(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The member names of an sdist built by the project's backend (hatchling), without the
    top directory."""
    out = tmp_path_factory.mktemp("sdist")
    built = subprocess.run([sys.executable, "-c",
                            f"from hatchling.build import build_sdist; build_sdist({str(out)!r})"],
                           cwd=ROOT, check=False, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    with tarfile.open(next(out.glob("wijkwijzer-*.tar.gz"))) as archive:
        return [n.split("/", 1)[1] for n in archive.getnames() if "/" in n]


def test_the_wheel_contains_the_knowledge_yaml(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "bot/knowledge/sources.yaml" in names
    assert "bot/knowledge/partners.yaml" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_the_installed_code_finds_the_shipped_knowledge(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("from bot.knowledge import shipped_knowledge_dir, load_knowledge; "
            "d = shipped_knowledge_dir(); kb = load_knowledge(d); print(d, len(kb))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(site)}, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    where, count = result.stdout.split()
    assert where.startswith(str(site)) and int(count) >= 100


# --- the version ------------------------------------------------------------------------------

def test_the_version_is_written_once() -> None:
    version = bot.__version__
    assert str(Version(version)) == version  # a valid, normalised PEP 440 version
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "bot/__init__.py"
    places = [ROOT / "pyproject.toml", ROOT / "Dockerfile", ROOT / "compose.yaml",
              ROOT / "deploy" / "wijkwijzer.service", *sorted((ROOT / "bot").rglob("*.py")),
              *sorted((ROOT / "handlers").rglob("*.py"))]
    written = [p.relative_to(ROOT).as_posix() for p in places
               if f'"{version}"' in p.read_text(encoding="utf-8")]
    assert written == ["bot/__init__.py"]


def test_wijkwijzer_version_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"wijkwijzer {bot.__version__}\n"


def test_the_built_package_carries_that_version(wheel: Path, wheel_metadata: Message) -> None:
    assert wheel_metadata["Version"] == bot.__version__
    assert wheel.name.startswith(f"wijkwijzer-{bot.__version__}-")


# --- licence, classifiers, sdist --------------------------------------------------------------

def test_the_licence_is_the_whole_eupl_1_2() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n\nEUPL © the European Union "
                           "2007, 2016\n")
    headings = ["Definitions", "Scope of the rights granted by the Licence",
                "Communication of the Source Code", "Limitations on copyright",
                "Obligations of the Licensee", "Chain of Authorship", "Disclaimer of Warranty",
                "Disclaimer of Liability", "Additional agreements", "Acceptance of the Licence",
                "Information to the public", "Termination of the Licence", "Miscellaneous",
                "Jurisdiction", "Applicable Law"]
    found = re.findall(r"^(\d+)\. (.+)$", text, flags=re.MULTILINE)
    assert found == [(str(i), h) for i, h in enumerate(headings, start=1)]
    flat = " ".join(text.split())
    for line in ("Copyleft clause: If the Licensee distributes or communicates copies of the "
                 "Original Works or Derivative Works",
                 "for example by communicating ‘EUPL v. 1.2 only’",
                 "as laid down in article 272 of the Treaty on the Functioning of the European "
                 "Union",
                 "this licence shall be governed by Belgian law if the Licensor has no seat",
                 "‘Compatible Licences’ according to Article 5 EUPL are:",
                 "GNU General Public License (GPL) v. 2, v. 3",
                 "Québec Free and Open-Source Licence — Reciprocity (LiLiQ-R) or Strong "
                 "Reciprocity (LiLiQ-R+).",
                 "All other changes or additions to this Appendix require the production of a "
                 "new EUPL version."):
        assert line in flat, line
    assert flat.endswith("require the production of a new EUPL version.")
    assert len(flat.split()) == 2237  # the official English text, word for word


def test_the_metadata_declares_the_licence_the_pep_639_way(wheel: Path,
                                                           wheel_metadata: Message) -> None:
    assert PYPROJECT["project"]["license"] == "EUPL-1.2"
    assert wheel_metadata["License-Expression"] == "EUPL-1.2"
    assert wheel_metadata.get_all("License-File") == ["LICENSE"]
    # PEP 639 replaces the licence classifiers; PyPI refuses an upload that has both.
    classifiers = wheel_metadata.get_all("Classifier") or []
    assert not [c for c in classifiers if c.startswith("License ::")]
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_classifiers_and_urls(wheel_metadata: Message) -> None:
    classifiers = wheel_metadata.get_all("Classifier") or []
    for expected in ("Programming Language :: Python :: 3.11",
                     "Programming Language :: Python :: 3.12",
                     "Programming Language :: Python :: 3.13",
                     "Natural Language :: Dutch", "Topic :: Communications :: Chat"):
        assert expected in classifiers
    trove = pytest.importorskip("trove_classifiers")
    assert set(classifiers) <= trove.classifiers
    assert not set(classifiers) & set(trove.deprecated_classifiers)
    urls = {label: url for label, _, url in (u.partition(", ") for u in
                                                wheel_metadata.get_all("Project-URL") or [])}
    assert {"Source", "Issues", "Changelog"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())


def test_the_sdist_carries_the_documents_and_the_deployment_files(
        sdist_names: list[str]) -> None:
    for name in ("PRIVACY.md", "LICENSE", "CHANGELOG.md", "README.md", "requirements.lock",
                 "publiccode.yml", "Dockerfile", ".dockerignore", "compose.yaml",
                 "deploy/wijkwijzer.service", "pyproject.toml", "bot/__init__.py",
                 "knowledge/partners.yaml"):
        assert name in sdist_names, name
    assert not [n for n in sdist_names if n == ".env" or n.endswith(".sqlite3")]


# --- the lock file ----------------------------------------------------------------------------

def _locked() -> dict[str, list[tuple[Version, list[str]]]]:
    """Package -> [(version, hashes)] from requirements.lock (a package may be pinned twice,
    under different environment markers)."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    locked: dict[str, list[tuple[Version, list[str]]]] = {}
    for block in re.split(r"\n(?=\S)", text):
        first = block.split("\\", 1)[0].strip()
        if not first or first.startswith("#"):
            continue
        requirement = Requirement(first)
        pins = [s for s in requirement.specifier if s.operator == "=="]
        assert len(pins) == 1, f"not pinned: {first}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        locked.setdefault(canonicalize_name(requirement.name), []).append(
            (Version(pins[0].version), hashes))
    return locked


def test_the_lock_pins_every_dependency_with_hashes() -> None:
    locked = _locked()
    assert locked
    for name, pins in locked.items():
        for version, hashes in pins:
            assert hashes, f"{name}=={version} has no hash"
    for raw in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(raw)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is a dependency but not in requirements.lock: " \
                               "make the lock again (README, Packaging)"
        for version, _ in locked[name]:
            assert requirement.specifier.contains(version, prereleases=True), \
                f"requirements.lock pins {name}=={version}, pyproject asks {requirement}"
    # the deployment lock holds what the bot runs with, not the training or test tools
    assert not {"scikit-learn", "scipy", "pytest", "mypy"} & set(locked)


# --- the container ----------------------------------------------------------------------------

def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined, comments dropped and the
    defaults of ARGs substituted."""
    lines: list[str] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    instructions = [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]
    defaults = {name: value for name, _, value in
                (a.partition("=") for op, a in instructions if op == "ARG" and "=" in a)}
    for name, value in defaults.items():
        instructions = [(op, a.replace("${" + name + "}", value)) for op, a in instructions]
    return instructions


def _healthcheck_command() -> list[str]:
    checks = [args for op, args in _dockerfile() if op == "HEALTHCHECK"]
    assert len(checks) == 1
    parsed = json.loads(checks[0].split(" CMD ", 1)[1])  # the exec form is a JSON array
    assert isinstance(parsed, list)
    return [str(p) for p in parsed]


def test_the_image_runs_unprivileged_with_the_database_on_a_volume() -> None:
    instructions = _dockerfile()
    stages = [i for i, (op, _) in enumerate(instructions) if op == "FROM"]
    final = instructions[stages[-1]:]
    assert all("python:3.12-slim" in args for op, args in instructions if op == "FROM")
    users = [args for op, args in final if op == "USER"]
    assert users, "the final stage must switch to a user"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    volumes = [v for op, args in final if op == "VOLUME"
               for v in (json.loads(args) if args.startswith("[") else args.split())]
    env = " ".join(args for op, args in final if op == "ENV")
    db = re.search(r"WIJKWIJZER_DB=(\S+)", env)
    assert db is not None and any(db.group(1).startswith(v.rstrip("/") + "/") for v in volumes)
    assert _healthcheck_command()
    runs = " ".join(args for op, args in instructions if op == "RUN")
    assert "--require-hashes" in runs and "requirements.lock" in runs


def test_the_build_context_keeps_secrets_out_and_lets_every_copy_in() -> None:
    patterns = [line.strip() for line in
                (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*"  # an allowlist: nothing is sent unless named below
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    assert not {".env", ".venv", ".git"} & allowed
    for op, args in _dockerfile():
        if op != "COPY" or args.startswith("--from"):
            continue
        *sources, _ = shlex.split(args)
        for source in sources:
            assert source.split("/")[0] in allowed, f"COPY {source} is outside the context"


def test_the_healthcheck_passes_on_a_live_database_and_fails_without_one(
        tmp_path: Path) -> None:
    command = _healthcheck_command()
    assert command == ["wijkwijzer", "health"]  # the console script the image installs
    command = [sys.executable, "-m", "bot.cli", "health"]
    db = tmp_path / "data" / "wijkwijzer.sqlite3"
    db.parent.mkdir()
    env = {"WIJKWIJZER_DB": str(db)}

    def check() -> int:
        return subprocess.run(command, env=env, capture_output=True, check=False,
                              timeout=60).returncode

    assert check() != 0
    assert not db.exists()  # read-only: the check never creates an empty database

    async def while_the_bot_has_it_open() -> int:
        storage = await Storage.open(db)
        try:
            return await asyncio.to_thread(check)
        finally:
            await storage.close()

    assert asyncio.run(while_the_bot_has_it_open()) == 0
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_compose_puts_the_database_on_the_volume_and_reads_the_env_file() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["wijkwijzer"]
    assert service["env_file"] == ".env"
    mounts = {source: target for source, target, *_ in (v.split(":") for v in service["volumes"])}
    assert mounts.get("wijkwijzer-data") == "/data"
    assert "wijkwijzer-data" in compose["volumes"]
    assert service["environment"]["WIJKWIJZER_DB"].startswith("/data/")


# --- systemd ----------------------------------------------------------------------------------

def _unit() -> dict[str, list[tuple[str, str]]]:
    sections: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for raw in (ROOT / "deploy" / "wijkwijzer.service").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
            continue
        key, _, value = line.partition("=")
        sections[current].append((key.strip(), value.strip()))
    return sections


def _values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in section if k == key]


def test_the_unit_survives_a_late_network() -> None:
    unit = _unit()
    head, service = unit["Unit"], unit["Service"]
    assert "network-online.target" in " ".join(_values(head, "After"))
    assert "network-online.target" in " ".join(_values(head, "Wants"))
    assert _values(service, "Restart") == ["on-failure"]
    restart_sec = int(_values(service, "RestartSec")[0])
    assert restart_sec >= 5
    # the start limit belongs in [Unit] and is never reached by restarts RestartSec apart
    interval = int(_values(head, "StartLimitIntervalSec")[0])
    burst = int(_values(head, "StartLimitBurst")[0])
    assert interval > 0 and burst > interval // restart_sec + 1
    assert not _values(service, "StartLimitIntervalSec") and not _values(service,
                                                                         "StartLimitBurst")


def test_the_unit_runs_hardened_as_its_own_user() -> None:
    unit = _unit()
    service = unit["Service"]
    assert _values(service, "User") == ["wijkwijzer"]
    for key, value in (("NoNewPrivileges", "true"), ("ProtectSystem", "strict"),
                       ("PrivateTmp", "true"), ("ProtectHome", "true")):
        assert _values(service, key) == [value], key
    default_db = next(v.split("=", 1)[1] for v in _values(service, "Environment")
                      if v.startswith("WIJKWIJZER_DB="))
    writable = " ".join(_values(service, "ReadWritePaths")).split()
    assert str(Path(default_db).parent) in writable
    assert _values(service, "EnvironmentFile") == ["/etc/wijkwijzer/env"]
    assert _values(service, "ExecStart") == ["/opt/wijkwijzer/.venv/bin/wijkwijzer run"]
    assert _values(unit["Install"], "WantedBy") == ["multi-user.target"]
    # systemd takes a '#' after a value as part of the value
    assert not [v for section in unit.values() for _, v in section if " #" in v]


def test_the_readme_deploys_with_these_files() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deployment = readme.split("\n## Deployment\n", 1)[1].split("\n## ", 1)[0]
    assert "deploy/wijkwijzer.service" in deployment
    assert "[Service]" not in deployment  # the unit lives in deploy/, not inline
    for path in ("/etc/wijkwijzer/env", "/opt/wijkwijzer", "/var/lib/wijkwijzer",
                 "--require-hashes -r requirements.lock", "docker compose up"):
        assert path in deployment, path
    assert "\n## Setting up the bot with BotFather\n" in readme
    botfather = readme.split("\n## Setting up the bot with BotFather\n", 1)[1].split(
        "\n## ", 1)[0]
    for command in ("/newbot", "/setinline", "/setprivacy", "/setjoingroups"):
        assert command in botfather
    assert readme.index("## Setting up the bot with BotFather") < readme.index("## Deployment")


# --- publiccode.yml ---------------------------------------------------------------------------

SCOPES = {"agriculture", "culture", "defence", "education", "emergency-services", "employment",
          "energy", "environment", "finance-and-economic-development", "foreign-affairs",
          "healthcare", "infrastructures", "justice", "local-authorities", "manufacturing",
          "research", "science-and-technology", "security", "society", "sport", "tourism",
          "transportation", "welfare"}


def test_publiccode_yml_has_the_keys_of_standard_0_4() -> None:
    code = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert {"publiccodeYmlVersion", "name", "url", "platforms", "developmentStatus",
            "softwareType", "description", "legal", "maintenance", "localisation"} <= set(code)
    assert code["publiccodeYmlVersion"] == "0.4"
    assert code["url"].startswith("https://")
    assert code["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert code["softwareType"] in {"standalone/mobile", "standalone/iot", "standalone/desktop",
                                    "standalone/web", "standalone/backend", "standalone/other",
                                    "addon", "library", "configurationFiles"}
    assert set(code["intendedAudience"]["scope"]) <= SCOPES
    assert {"nl", "en"} <= set(code["description"])
    for lang, text in code["description"].items():
        assert 0 < len(text["shortDescription"]) <= 150, lang
        assert 150 <= len(text["longDescription"]) <= 10000, lang
        assert text["features"], lang
    assert code["legal"]["license"] == PYPROJECT["project"]["license"]
    maintenance = code["maintenance"]
    assert maintenance["type"] in {"internal", "contract", "community", "none"}
    if maintenance["type"] in {"internal", "community"}:
        assert all(c["name"] for c in maintenance["contacts"])
    assert isinstance(code["localisation"]["localisationReady"], bool)
    assert code["localisation"]["availableLanguages"]
    release, date = _releases()[0]
    assert (code["softwareVersion"], code["releaseDate"]) == (release, date)


# --- the changelog ----------------------------------------------------------------------------

def _sections() -> list[tuple[str, str]]:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    parts = re.split(r"^## \[([^\]]+)\][^\n]*\n", text, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def _releases() -> list[tuple[str, str]]:
    """(version, date) of each release, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[(\d[^\]]*)\] - (\d{4}-\d{2}-\d{2})$", text, flags=re.MULTILINE)


def test_the_changelog_says_for_every_release_whether_the_database_migrates() -> None:
    sections = _sections()
    assert sections
    for title, body in sections:
        assert re.search(r"database migrates: (yes|no)\b", body, flags=re.IGNORECASE), title


def test_the_changelog_names_every_schema_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for version in range(1, SCHEMA_VERSION + 1):
        assert re.search(rf"\bschema {version}\b", text), f"schema {version}"
    newest = _sections()[0][1]
    assert re.search(rf"\bschema {SCHEMA_VERSION}\b", newest)


def test_the_changelog_matches_the_version() -> None:
    version = Version(bot.__version__)
    releases = _releases()
    assert releases
    latest = Version(releases[0][0])
    if version.is_devrelease:
        assert _sections()[0][0] == "Unreleased"
        assert version > latest
    else:
        assert version == latest
