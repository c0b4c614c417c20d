"""The wijken of one deployment and what partners are called there (operator YAML).

The shipped `knowledge/wijken.yaml` is a labelled example; `WIJKWIJZER_WIJKEN` points at the
operator's own file. Checked at load like the knowledge base: file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


_Name = Annotated[str, Field(min_length=2, max_length=80)]


class _GemeenteModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    name: _Name
    local_names: dict[str, _Name] = {}
    wijken: Annotated[list[_WijkModel], Field(min_length=1)]


class _AreasModel(BaseModel):
    """One gemeente (`gemeente`, `local_names`, `wijken`) or a region (`regio` and a list of
    `gemeenten`, each with its own local names and wijken)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    example: bool = False
    gemeente: _Name | None = None
    local_names: dict[str, _Name] = {}
    wijken: list[_WijkModel] = []
    regio: _Name | None = None
    gemeenten: list[_GemeenteModel] = []

    def parts(self) -> list[_GemeenteModel]:
        if self.gemeenten:
            return list(self.gemeenten)
        return [_GemeenteModel(name=self.gemeente or "", local_names=self.local_names,
                               wijken=self.wijken)]


@dataclass(frozen=True, slots=True)
class Wijk:
    id: str
    name: str
    schools: tuple[str, ...]
    gemeente: str = ""


@dataclass(frozen=True, slots=True)
class Areas:
    gemeente: str  # the gemeente, or the region's name
    example: bool
    local_names: dict[str, str]  # names for the whole deployment (one gemeente only)
    wijken: tuple[Wijk, ...]
    # per gemeente: its local names (a region's gemeenten name their partners differently)
    names_by_gemeente: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, wijk_id: str) -> Wijk | None:
        return next((w for w in self.wijken if w.id == wijk_id), None)

    @property
    def gemeenten(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w.gemeente for w in self.wijken))

    def names_for(self, wijk_id: str | None) -> tuple[str, dict[str, str]]:
        """(gemeente, local names) that apply to a user of this wijk; without a wijk (or in
        a region without one chosen) the deployment-wide ones."""
        wijk = self.get(wijk_id) if wijk_id else None
        if wijk is None or not self.names_by_gemeente:
            return self.gemeente, self.local_names
        return wijk.gemeente, self.names_by_gemeente.get(wijk.gemeente, {})


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
    if model.gemeenten and (model.gemeente or model.wijken or model.local_names):
        problems.append(f"{source.name}: either 'gemeente' with 'wijken', or 'regio' with "
                        "'gemeenten', not both")
    if not model.gemeenten and not (model.gemeente and model.wijken):
        problems.append(f"{source.name}: 'gemeente' and at least one wijk are needed (or "
                        "'regio' with 'gemeenten')")
    parts = model.parts()
    ids = [w.id for part in parts for w in part.wijken]
    for wijk_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{source.name}: duplicate wijk id '{wijk_id}'")
    if kb is not None:
        for part in parts:
            for partner_id in part.local_names:
                entry = kb.get(partner_id)
                if entry is None or entry.kind != "partner":
                    problems.append(f"{source.name}, field 'local_names.{partner_id}': "
                                    "not a partner id of the knowledge base")
    if problems:
        raise KnowledgeError(problems)
    wijken = tuple(Wijk(w.id, w.name, tuple(w.schools), part.name)
                   for part in parts for w in part.wijken)
    if model.gemeenten:
        return Areas(model.regio or "de regio", model.example, {}, wijken,
                     {part.name: dict(part.local_names) for part in parts})
    return Areas(model.gemeente or "", model.example, dict(model.local_names), wijken)
