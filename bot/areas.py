"""The wijken of one deployment and what partners are called there (operator YAML).

The shipped `knowledge/wijken.yaml` is a labelled example; `WIJKWIJZER_WIJKEN` points at the
operator's own file. Checked at load like the knowledge base: file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.knowledge import KnowledgeBase, KnowledgeError, read_yaml, shipped_knowledge_dir
from bot.knowledge import validation_problems as _problems

_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _WijkModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    id: Annotated[str, Field(pattern=_ID, max_length=32)]
    name: Annotated[str, Field(min_length=2, max_length=80)]
    schools: list[Annotated[str, Field(min_length=2, max_length=120)]] = []


class _AreasModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    example: bool = False
    gemeente: Annotated[str, Field(min_length=2, max_length=80)]
    local_names: dict[str, Annotated[str, Field(min_length=2, max_length=80)]] = {}
    wijken: Annotated[list[_WijkModel], Field(min_length=1)]


@dataclass(frozen=True, slots=True)
class Wijk:
    id: str
    name: str
    schools: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Areas:
    gemeente: str
    example: bool
    local_names: dict[str, str]
    wijken: tuple[Wijk, ...]

    def get(self, wijk_id: str) -> Wijk | None:
        return next((w for w in self.wijken if w.id == wijk_id), None)


def load_areas(path: Path | None = None, kb: KnowledgeBase | None = None) -> Areas:
    """Load and check the area file (None: the shipped example, WIJKWIJZER_WIJKEN in the
    settings names the operator's); local names must name partners of `kb` when given."""
    source = path or shipped_knowledge_dir() / "wijken.yaml"
    data = read_yaml(source)
    try:
        model = _AreasModel.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError(_problems(source, data, exc, "wijken")) from exc
    problems = []
    ids = [w.id for w in model.wijken]
    for wijk_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{source.name}: duplicate wijk id '{wijk_id}'")
    if kb is not None:
        for partner_id in model.local_names:
            entry = kb.get(partner_id)
            if entry is None or entry.kind != "partner":
                problems.append(f"{source.name}, field 'local_names.{partner_id}': "
                                "not a partner id of the knowledge base")
    if problems:
        raise KnowledgeError(problems)
    return Areas(model.gemeente, model.example, dict(model.local_names),
                 tuple(Wijk(w.id, w.name, tuple(w.schools)) for w in model.wijken))
