"""A built wheel carries the knowledge base and finds it without the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("wijkwijzer-*.whl"))


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
