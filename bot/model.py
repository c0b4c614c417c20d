"""Learned text models as plain data: loading them never executes code.

A model file is a small header (JSON: labels, feature names, array shapes, what it was trained
on) followed by raw little-endian arrays. Answering needs only numpy: a question's features pick
rows of the first weight matrix, a dot product or two give a score per label. scikit-learn,
which trains the weights (bot/training.py), is never imported here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from bot.features import Vectorizer

MAGIC = b"WIJKWIJZER-MODEL 1\n"
Link = Literal["softmax", "sigmoid"]


class ModelError(Exception):
    """A model file that cannot be used (missing, truncated, of another format)."""


@dataclass(frozen=True, slots=True)
class Layer:
    weights: np.ndarray  # (inputs, outputs): float16 for a first layer read from a file
    bias: np.ndarray  # (outputs,) float32


@dataclass(frozen=True)
class TextModel:
    """A small feed-forward model over the text features of `vectorizer`: one layer is a
    linear model; more layers have ReLU between them. One output per label."""

    name: str
    labels: tuple[str, ...]
    vectorizer: Vectorizer
    layers: tuple[Layer, ...]
    link: Link
    meta: dict[str, Any] = field(default_factory=dict)  # thresholds, inputs, parameters

    def scores(self, text: str, concepts: Iterable[str] = ()) -> np.ndarray:
        """Raw scores per label. The first layer only reads the rows of the features present."""
        idx, values = self.vectorizer.transform(text, concepts)
        first = self.layers[0]
        out = (values @ first.weights[idx].astype(np.float32)).astype(np.float64) + first.bias
        for layer in self.layers[1:]:
            out = np.maximum(out, 0.0) @ layer.weights + layer.bias
        return np.asarray(out, dtype=np.float64)

    def probabilities(self, text: str, concepts: Iterable[str] = ()) -> dict[str, float]:
        raw = self.scores(text, concepts)
        if self.link == "softmax":
            exp = np.exp(raw - raw.max())
            probs = exp / exp.sum()
        else:
            probs = 1.0 / (1.0 + np.exp(-raw))
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}

    # --- the file format ------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The same model always gives the same bytes (sorted keys, fixed dtypes)."""
        arrays: dict[str, np.ndarray] = {"idf": self.vectorizer.idf.astype("<f4"),
                                         "group": self.vectorizer.group.astype("i1")}
        for n, layer in enumerate(self.layers):
            arrays[f"w{n}"] = layer.weights.astype("<f2")
            arrays[f"b{n}"] = layer.bias.astype("<f4")
        layout: dict[str, dict[str, Any]] = {}
        blobs: list[bytes] = []
        offset = 0
        for key, array in arrays.items():
            data = np.ascontiguousarray(array).tobytes()
            layout[key] = {"dtype": array.dtype.str, "shape": list(array.shape),
                           "offset": offset, "size": len(data)}
            blobs.append(data)
            offset += len(data)
        features = sorted(self.vectorizer.columns, key=self.vectorizer.columns.__getitem__)
        header = {"name": self.name, "labels": list(self.labels), "link": self.link,
                  "layers": len(self.layers), "features": features, "arrays": layout,
                  "meta": self.meta}
        head = json.dumps(header, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        return MAGIC + len(head).to_bytes(8, "little") + head + b"".join(blobs)

    @classmethod
    def from_bytes(cls, data: bytes) -> TextModel:
        if not data.startswith(MAGIC):
            raise ModelError("not a Wijkwijzer model file")
        start = len(MAGIC) + 8
        try:
            size = int.from_bytes(data[len(MAGIC):start], "little")
            header = json.loads(data[start:start + size].decode("utf-8"))
            body = memoryview(data)[start + size:]
            arrays = {}
            for key, spec in header["arrays"].items():
                chunk = body[spec["offset"]:spec["offset"] + spec["size"]]
                arrays[key] = np.frombuffer(chunk, dtype=np.dtype(spec["dtype"])).reshape(
                    spec["shape"])
            features = header["features"]
            vectorizer = Vectorizer({f: i for i, f in enumerate(features)},
                                    arrays["idf"].astype(np.float32), arrays["group"])
            # The first layer stays float16 (only the rows of a question's features are read,
            # and widened then); the small later layers are widened once.
            layers = tuple(Layer(arrays[f"w{n}"] if n == 0 else
                                 arrays[f"w{n}"].astype(np.float32),
                                 arrays[f"b{n}"].astype(np.float32))
                           for n in range(int(header["layers"])))
            width = len(features)
            for layer in layers:
                if layer.weights.shape[0] != width or layer.bias.shape != layer.weights.shape[1:]:
                    raise ModelError("the layers do not fit together")
                width = layer.weights.shape[1]
            if not layers or width != len(header["labels"]):
                raise ModelError("the last layer does not fit the labels")
            return cls(header["name"], tuple(header["labels"]), vectorizer, layers,
                       header["link"], header.get("meta", {}))
        except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
            raise ModelError(f"damaged model file ({exc.__class__.__name__})") from exc

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> TextModel:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"cannot read {path.name} ({exc.strerror})") from exc
        return cls.from_bytes(data)


def digest(parts: list[bytes]) -> str:
    """A short fingerprint of what a model was trained on, to tell when it is stale."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:16]


SAFETY_MODEL_PATH = Path(__file__).resolve().parent / "data" / "safety-model.bin"


def intent_model_path(knowledge: Path) -> Path:
    return knowledge / "model" / "intent-model.bin"


@dataclass(frozen=True)
class Models:
    """The learned models the service uses; either may be absent (rules alone then decide).

    The intent model belongs to the knowledge base it was trained on; the safety model ships
    with the code, so that a replaced knowledge directory can never weaken the safety check.
    """

    intent: TextModel | None = None
    safety: TextModel | None = None
    problems: tuple[str, ...] = ()  # why a model could not be used, for the log and kb check

    @classmethod
    def load(cls, knowledge: Path) -> Models:
        problems: list[str] = []

        def read(path: Path, name: str) -> TextModel | None:
            if not path.exists():
                problems.append(f"no {name} model ({path.name})")
                return None
            try:
                model = TextModel.load(path)
            except ModelError as exc:
                problems.append(f"{name} model unusable: {exc}")
                return None
            if model.name != name:
                problems.append(f"{path.name} holds a {model.name} model, not a {name} model")
                return None
            return model

        return cls(read(intent_model_path(knowledge), "intent"),
                   read(SAFETY_MODEL_PATH, "safety"), tuple(problems))
