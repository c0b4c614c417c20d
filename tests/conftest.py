"""Shared fixtures: the shipped knowledge base and service are built once per session."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import KnowledgeBase, load_knowledge, shipped_knowledge_dir
from bot.service import Service

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(__file__).resolve().parent / "eval"
TUNING_DIR = ROOT / "knowledge" / "training" / "tuning"  # development sets that tune the ranker


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(shipped_knowledge_dir())


@pytest.fixture(scope="session")
def service(kb: KnowledgeBase) -> Service:
    return Service(kb)


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory."""
    target = tmp_path / "knowledge"
    shutil.copytree(shipped_knowledge_dir(), target)
    return target


def db_dump(path: Path) -> str:
    """Everything in an SQLite file as SQL text, the connection closed again."""
    with closing(sqlite3.connect(path)) as db:
        return "\n".join(db.iterdump())


def db_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return list(db.execute(sql))
