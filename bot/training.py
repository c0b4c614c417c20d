"""Training the models from the knowledge base and the corpus (`wijkwijzer train`).

Two models over the same text features (bot/features.py):
- the intent model: which entry a message asks for, or `oos`; trained on the entries' own
  titles, names, phrasings and keywords plus the corpus;
- the safety model: one yes/no per safety level (multi-label), trained on the corpus and on the
  phrasings of entries whose questions are themselves signals.

Thresholds and the ranker that combines the intent model with the lexical matcher are fitted
on out-of-fold predictions: each writer's batch is predicted by models that never saw it, which
is the nearest thing to a blind set inside the corpus. scikit-learn is imported here only; the
answering path reads the resulting files with numpy (bot/model.py).

The same corpus and knowledge base give the same bytes: fixed fold assignment, sorted inputs,
deterministic solvers, rounded thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.corpus import Corpus, Item, corpus_dir, corpus_files, load_corpus
from bot.evaluation import Case, load_cases, normalise_expect
from bot.features import Vectorizer
from bot.knowledge import Entry, KnowledgeBase, KnowledgeError, shipped_knowledge_dir
from bot.matcher import MAX_QUESTION_CHARS, Index, title_variants
from bot.model import SAFETY_MODEL_PATH, Layer, Models, TextModel, digest, intent_model_path
from bot.ranker import OOS, Ranker, candidate_rows
from bot.safety import LEVELS, NOTICES, TOPICS, Level, detect_levels, topic_levels

TRAINING_VERSION = "2"  # bump when the training procedure changes: models become stale
FOLDS = 5
MIN_DF = 3  # a feature seen in fewer texts is noise (and 27 % more weights)
# What the answer threshold aims for on the tuning sets (the targets), and the share
# of the corpus's out-of-scope messages it must reject whatever the tuning sets say.
TARGET_TOP1 = 95.0
TARGET_OOS = 95.0
OOS_CORPUS = 0.90
# Out-of-fold targets the safety thresholds are chosen for.
# Share of calm messages (harmless, but written to look alarming) that may get any notice,
# patterns included: the limit. A lower one left the model almost no room beside the
# patterns, and a missed signal costs more than a needless notice.
CALM_ALARMS = 0.03
CLEAR_PRECISION = 0.97  # a clear signal from the model alone must be this precise
TOPIC_RECALL = 0.98  # signals with only a topic word that the topic threshold must keep
# A pattern's hit is silenced only when the model finds the whole message harmless at a level
# that loses at most this share of the corpus's real signals the patterns catch ("we oefenen
# een lockdown met de politie", "viel van het klimrek, ik stond ernaast").
VETO_MISS = 0.005


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str | None  # entry id or OOS for the intent model; None: not for the intent model
    levels: tuple[Level, ...]  # safety levels (empty: no signal)
    safety_use: bool  # False: too mixed to teach the safety model either way
    fold: int  # -1: always in training (the knowledge base's own phrasings)
    calm: bool = False
    case: Case | None = None  # for a tuning set's question: the case it comes from


def entry_phrasings(entry: Entry) -> list[str]:
    return list(dict.fromkeys([*title_variants(entry.title), *entry.names, *entry.questions,
                               *entry.keywords]))


def fold_of(batch: str, batches: Sequence[str]) -> int:
    """Batches of one kind (p1, p2, ... or s1, s2) go to different folds, so that every fold
    holds out one writer of each kind."""
    prefix = batch.rstrip("0123456789-")
    same = sorted(b for b in batches if b.rstrip("0123456789-") == prefix)
    return same.index(batch) % FOLDS


def examples(kb: KnowledgeBase, corpus: Corpus) -> list[Example]:
    out: list[Example] = []
    for entry in kb:
        levels: tuple[Level, ...] = (entry.signal,) if entry.signal in LEVELS else ()
        for text in entry_phrasings(entry):
            out.append(Example(text, entry.id, levels, entry.signal != "mixed", -1))
    batches = sorted({i.batch for i in corpus.items})
    for item in corpus.items:
        out.append(_example(kb, item, fold_of(item.batch, batches)))
    # The tuning sets' questions teach both models: they are what blind writers ask. Each set
    # is held out in one fold, so that the ranker still learns from predictions of models that
    # never saw the question; their entry labels are given later (label_tuning).
    for fold_no, cases in enumerate(tuning_sets(kb.directory)):
        for case in cases:
            levels = expected_levels(case.expect) if case.kind == "safety" else ()
            label = OOS if case.kind == "oos" else None
            out.append(Example(case.q, label, levels, True, fold_no % FOLDS,
                               case.kind == "calm", case))
    return out


def label_tuning(kb: KnowledgeBase, data: Sequence[Example], probs: np.ndarray,
                 classes: Sequence[str]) -> list[Example]:
    """A tuning question's `expect` names words of the right titles, not an entry: its label
    is the matching entry the corpus's model believes in most (`probs`, one row per example).
    Questions that match no entry, and safety and fact questions, teach the intent model
    nothing."""
    out = list(data)
    for i, example in enumerate(data):
        case = example.case
        if case is None or case.kind not in ("in", "calm") or not case.expect:
            continue
        matching = [k for k, eid in enumerate(classes)
                    if eid != OOS and _names_match(kb, eid, case.expect)]
        if matching:
            best = max(matching, key=lambda k: (probs[i, k], -k))
            out[i] = replace(example, label=classes[best])
    return out


def expected_levels(expect: Sequence[str]) -> tuple[Level, ...]:
    """The levels an evaluation case's `expect` asks for: for each alternative, the most
    urgent level whose notice contains it ("112" is acute, "113" suicide)."""
    found: set[Level] = set()
    for alternative in expect:
        wanted = normalise_expect(alternative)
        level = next((lvl for lvl in LEVELS if wanted in normalise_expect(NOTICES[lvl])), None)
        if level is not None:
            found.add(level)
    return tuple(lvl for lvl in LEVELS if lvl in found)


def _example(kb: KnowledgeBase, item: Item, fold_no: int) -> Example:
    entry = kb.get(item.entry) if item.entry else None
    levels = item.safety
    # A safety message that names no topic teaches the intent model nothing: it is neither out
    # of scope nor about an entry (the safety notice answers it).
    label = entry.id if entry is not None else (None if levels else OOS)
    use = True
    if not levels and entry is not None and not item.calm:
        if entry.signal in LEVELS:
            levels = (entry.signal,)
        use = entry.signal != "mixed"
    return Example(item.q, label, levels, use, fold_no, item.calm)


def inputs_digest(kb: KnowledgeBase) -> str:
    """What the models depend on: the corpus files, the entries' phrasings and signals, and
    the training procedure. `kb check` compares it with the one stored in the models."""
    parts = [TRAINING_VERSION.encode()]
    for path in [*corpus_files(kb.directory), *sorted(tuning_dir(kb.directory).glob("*.yaml"))]:
        parts += [path.name.encode(), path.read_bytes()]
    for entry in kb:
        parts.append("\x1f".join([entry.id, entry.signal or "", *entry_phrasings(entry)]).encode())
    return digest(parts)


# --- fitting -------------------------------------------------------------------------------


def _matrix(vectorizer: Vectorizer, texts: Sequence[str],
            concepts: Sequence[Sequence[str]] | None = None) -> Any:
    from scipy import sparse

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for i, text in enumerate(texts):
        idx, values = vectorizer.transform(text, concepts[i] if concepts else ())
        rows.append(np.full(len(idx), i, dtype=np.int64))
        cols.append(idx)
        vals.append(values)
    return sparse.csr_matrix(
        (np.concatenate(vals) if vals else np.zeros(0), (np.concatenate(rows) if rows else
                                                          np.zeros(0, np.int64),
                                                          np.concatenate(cols) if cols else
                                                          np.zeros(0, np.int64))),
        shape=(len(texts), len(vectorizer.columns)), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Recipe:
    """How a model is fitted: logistic regression (hidden=0) or one hidden ReLU layer."""

    hidden: int = 0
    c: float = 10.0  # logistic regression: inverse regularisation strength
    alpha: float = 1e-3  # hidden layer: L2 penalty
    epochs: int = 30  # hidden layer: passes over the data
    balanced: bool = False  # logistic regression, multi-label: weigh the rare class up


# One hidden layer beats logistic regression by 2-4 points on held-out writers (intent: 85.3 ->
# 87.4 % and 68.0 -> 71.2 % top-1 on two folds; safety: recall at 1 % calm alarms up 1-5 points
# per level), at the same file size for the intent model.
INTENT_RECIPE = Recipe(hidden=128, alpha=1e-4, epochs=10)
SAFETY_RECIPE = Recipe(hidden=64, alpha=1e-3, epochs=20)


def _fit(x: Any, y: np.ndarray, recipe: Recipe, multilabel: bool) -> tuple[Layer, ...]:
    """Layers for `x` -> `y`: `y` holds class indices (softmax) or a 0/1 matrix (multi-label).
    Every output column exists even when a class is missing from `y`."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    width = y.shape[1] if multilabel else int(y.max()) + 1
    n_out = width if multilabel else len(np.unique(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if recipe.hidden:
            clf = MLPClassifier(hidden_layer_sizes=(recipe.hidden,), alpha=recipe.alpha,
                                max_iter=recipe.epochs, random_state=0)
            clf.fit(x, y)
            first = Layer(clf.coefs_[0].astype(np.float32), clf.intercepts_[0].astype(np.float32))
            w_out, b_out = clf.coefs_[1], clf.intercepts_[1]
            if not multilabel and n_out == 2:  # sklearn keeps one column for two classes
                w_out, b_out = np.hstack([-w_out / 2, w_out / 2]), np.array([-b_out[0] / 2,
                                                                              b_out[0] / 2])
            weights = np.zeros((recipe.hidden, width), dtype=np.float32)
            bias = np.full(width, -30.0, dtype=np.float32)
            present = range(width) if multilabel else clf.classes_
            for k, cls in enumerate(present):
                weights[:, cls], bias[cls] = w_out[:, k], b_out[k]
            return first, Layer(weights, bias)
        weights = np.zeros((x.shape[1], width), dtype=np.float32)
        bias = np.full(width, -30.0, dtype=np.float32)
        if multilabel:
            for j in range(width):
                if y[:, j].min() == y[:, j].max():
                    bias[j] = 10.0 if y[0, j] else -10.0
                    continue
                clf = LogisticRegression(C=recipe.c, max_iter=3000, tol=1e-4,
                                         class_weight="balanced" if recipe.balanced else None)
                clf.fit(x, y[:, j])
                weights[:, j], bias[j] = clf.coef_[0], clf.intercept_[0]
            return (Layer(weights, bias),)
        clf = LogisticRegression(C=recipe.c, max_iter=3000, tol=1e-3)
        clf.fit(x, y)
        for k, cls in enumerate(clf.classes_):
            weights[:, cls], bias[cls] = clf.coef_[k], clf.intercept_[k]
        return (Layer(weights, bias),)


def _predict(layers: Sequence[Layer], x: Any, link: str) -> np.ndarray:
    """The same computation as TextModel.scores, for a sparse matrix of many texts."""
    out = np.asarray(x @ layers[0].weights, dtype=np.float64) + layers[0].bias
    for layer in layers[1:]:
        out = np.maximum(out, 0.0) @ layer.weights + layer.bias
    if link == "softmax":
        exp = np.exp(out - out.max(axis=1, keepdims=True))
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))
    return np.asarray(1.0 / (1.0 + np.exp(-out)))


@dataclass
class Trained:
    intent: TextModel
    safety: TextModel
    report: dict[str, Any]


def train(kb: KnowledgeBase, log: Callable[[str], None] = lambda _: None) -> Trained:
    corpus = load_corpus(kb.directory, {e.id for e in kb})
    data = examples(kb, corpus)
    log(f"{len(data)} examples ({len(corpus.items)} from the corpus, "
        f"{corpus.duplicates} near-duplicates dropped)")
    texts = [e.text for e in data]
    index = Index(kb)
    concepts = [_concepts(index, t) for t in texts]
    intent_vectorizer = Vectorizer.fit(texts, MIN_DF, concepts)
    safety_vectorizer = Vectorizer.fit(texts, MIN_DF)
    x_intent = _matrix(intent_vectorizer, texts, concepts)
    x_safety = _matrix(safety_vectorizer, texts)
    log(f"{len(intent_vectorizer.columns)} intent features, "
        f"{len(safety_vectorizer.columns)} safety features")
    classes = [*sorted({e.id for e in kb}), OOS]
    is_tuning = np.array([e.case is not None for e in data])

    # The entries' phrasings and the corpus label the tuning sets' questions.
    untuned = np.array([e.label is not None for e in data]) & ~is_tuning
    y_first = np.array([classes.index(e.label or OOS) for e in data])
    first_layers = _fit(x_intent[untuned], y_first[untuned], INTENT_RECIPE, multilabel=False)
    first_probs = np.zeros((len(data), len(classes)))
    first_probs[is_tuning] = _predict(first_layers, x_intent[is_tuning], "softmax")
    data = label_tuning(kb, data, first_probs, classes)
    log(f"{sum(e.label is not None for e, t in zip(data, is_tuning, strict=True) if t)} "
        "tuning questions labelled")

    y_intent = np.array([classes.index(e.label or OOS) for e in data])
    intent_rows = np.array([e.label is not None for e in data])
    safety_rows = np.array([e.safety_use for e in data])
    y_levels = np.array([[lvl in e.levels for lvl in LEVELS] for e in data], dtype=np.int64)

    folds = np.array([e.fold for e in data])
    oof_intent = np.zeros((len(data), len(classes)))
    oof_safety = np.zeros((len(data), len(LEVELS)))
    for k in range(FOLDS):
        held = folds == k
        if not held.any():
            continue
        # The tuning sets always teach the safety model (its thresholds come from the corpus).
        fit_i, fit_s = ~held & intent_rows, (~held | is_tuning) & safety_rows
        layers = _fit(x_intent[fit_i], y_intent[fit_i], INTENT_RECIPE, multilabel=False)
        oof_intent[held] = _predict(layers, x_intent[held], "softmax")
        held_s = held & ~is_tuning
        layers = _fit(x_safety[fit_s], y_levels[fit_s], SAFETY_RECIPE, multilabel=True)
        oof_safety[held_s] = _predict(layers, x_safety[held_s], "sigmoid")
        log(f"fold {k + 1}/{FOLDS}: {int(held.sum())} held out")

    held_out = (folds >= 0) & ~is_tuning
    thresholds, safety_report = _safety_thresholds(data, oof_safety, held_out & safety_rows)
    intent_layers = _fit(x_intent[intent_rows], y_intent[intent_rows], INTENT_RECIPE,
                         multilabel=False)
    safety_layers = _fit(x_safety[safety_rows], y_levels[safety_rows], SAFETY_RECIPE,
                         multilabel=True)
    ranked = [i for i, e in enumerate(data)
              if e.case is not None and e.case.kind in ("in", "oos", "calm")]
    tuning = [c for c in (data[i].case for i in ranked) if c is not None]
    tuning_probs = oof_intent[ranked]
    handles = _handles(kb)
    handle_texts = [text for text, _ in handles]
    handle_probs = _predict(intent_layers, _matrix(intent_vectorizer, handle_texts,
                                                   [_concepts(index, t) for t in handle_texts]),
                            "softmax")
    ranker_weights, decision = _fit_ranker(index, data, oof_intent, held_out & intent_rows,
                                           tuning, tuning_probs, handles, handle_probs, classes)
    inputs = inputs_digest(kb)
    params = {"folds": FOLDS, "intent": asdict(INTENT_RECIPE), "safety": asdict(SAFETY_RECIPE),
              "min_df": MIN_DF, "version": TRAINING_VERSION}
    intent = TextModel("intent", tuple(classes), intent_vectorizer, intent_layers, "softmax",
                       {"inputs": inputs, "params": params,
                        "ranker": {"weights": ranker_weights, "answer": decision["answer"]}})
    safety = TextModel("safety", LEVELS, safety_vectorizer, safety_layers, "sigmoid",
                       {"inputs": inputs, "params": params, "thresholds": thresholds,
                        "veto": safety_report["patterns"]["veto"]})
    report = {"examples": len(data), "corpus": len(corpus.items), "tuning": len(tuning),
              "duplicates": corpus.duplicates,
              "features": {"intent": len(intent_vectorizer.columns),
                           "safety": len(safety_vectorizer.columns)},
              "safety": safety_report, "ranker": decision,
              "tuning_model_top1": _model_top1(kb, data, classes,
                                               {"corpus only": first_probs,
                                                "other tuning sets too": oof_intent})}
    return Trained(intent, safety, report)


def _model_top1(kb: KnowledgeBase, data: Sequence[Example], classes: Sequence[str],
                probs: dict[str, np.ndarray]) -> dict[str, float]:
    """The intent model's own top-1 on the tuning sets' in-scope questions, for predictions
    that never saw the question: what learning from the other tuning sets adds."""
    rows = [i for i, e in enumerate(data) if e.case is not None and e.case.kind == "in"]
    out: dict[str, float] = {}
    for name, p in probs.items():
        hits = 0
        for i in rows:
            case = data[i].case
            assert case is not None
            hits += _names_match(kb, classes[int(np.argmax(p[i]))], case.expect)
        out[name] = round(100.0 * hits / max(len(rows), 1), 1)
    return out


# --- the ranker ------------------------------------------------------------------------------


def tuning_dir(knowledge: Path) -> Path:
    return corpus_dir(knowledge) / "tuning"


def tuning_sets(knowledge: Path) -> list[list[Case]]:
    """The tuning sets' cases, one list per file, in file order."""
    return [load_cases(path) for path in sorted(tuning_dir(knowledge).glob("*.yaml"))]


@dataclass(frozen=True, slots=True)
class _Question:
    source: str  # "corpus", "tuning" or "handles"
    rows: list[tuple[str, list[float]]]
    right: set[str]  # the entry ids that count as a right answer (empty: out of scope)


def _concepts(index: Index, text: str) -> list[str]:
    return index.concepts(index.analyse(text[:MAX_QUESTION_CHARS]))


def _evidence(index: Index, text: str, probs: dict[str, float]
              ) -> list[tuple[str, list[float]]]:
    """The ranker's features for `text`, as the service computes them (safety hint included)."""
    hint = " ".join(TOPICS[lvl] for lvl in detect_levels(text)[:1])
    query = index.query_for(text[:MAX_QUESTION_CHARS], hint)
    return candidate_rows(query, index.rank(query), probs)


def _handles(kb: KnowledgeBase) -> list[tuple[str, set[str]]]:
    """Every title, title head and name, with the entries it names: what a user types who
    knows what they look for ("Psychische klachten", "smw")."""
    owners: dict[str, set[str]] = {}
    for entry in kb:
        for text in [*title_variants(entry.title), *entry.names]:
            owners.setdefault(text, set()).add(entry.id)
    return sorted(owners.items())


def _fit_ranker(index: Index, data: list[Example], oof: np.ndarray, rows: np.ndarray,
                tuning: list[Case], tuning_probs: np.ndarray,
                handles: list[tuple[str, set[str]]], handle_probs: np.ndarray,
                classes: list[str]) -> tuple[list[float], dict[str, Any]]:
    """A logistic model over (lexical, learned) evidence per candidate -> P(right answer),
    fitted on the corpus's out-of-fold predictions, the tuning sets and the entries' own
    titles and names (with the final model's predictions, as a user who types a title gets
    them), each source a third of the weight."""
    from sklearn.linear_model import LogisticRegression

    kb = index.kb
    questions: list[_Question] = []
    for i in np.flatnonzero(rows):
        example = data[i]
        probs = dict(zip(classes, oof[i], strict=True))
        right = set() if example.label == OOS else {str(example.label)}
        questions.append(_Question("corpus", _evidence(index, example.text, probs), right))
    for case, p in zip(tuning, tuning_probs, strict=True):
        probs = dict(zip(classes, p, strict=True))
        cands = _evidence(index, case.q, probs)
        right = {eid for eid, _ in cands if case.kind != "oos" and case.expect
                 and _names_match(kb, eid, case.expect)}
        questions.append(_Question("tuning", cands, right))
    for (text, owners), p in zip(handles, handle_probs, strict=True):
        probs = dict(zip(classes, p, strict=True))
        questions.append(_Question("handles", _evidence(index, text, probs), owners))
    n_source = {s: sum(q.source == s for q in questions) for s in ("corpus", "tuning", "handles")}
    x, y, w = [], [], []
    for q in questions:
        for eid, features in q.rows:
            x.append(features)
            y.append(int(eid in q.right))
            w.append(1.0 / max(n_source[q.source], 1))
    clf = LogisticRegression(C=1.0, max_iter=2000)
    clf.fit(np.array(x), np.array(y), sample_weight=np.array(w) * len(w))
    weights = [round(float(v), 6) for v in (*clf.coef_[0], clf.intercept_[0])]
    return weights, _decision_threshold([q for q in questions if q.source != "handles"],
                                        Ranker(weights))


def _names_match(kb: KnowledgeBase, entry_id: str, expect: tuple[str, ...]) -> bool:
    entry = kb.get(entry_id)
    if entry is None:
        return False
    names = normalise_expect(" | ".join((entry.title, *kb.partner_names(entry))))
    return any(normalise_expect(e) in names for e in expect)


def _decision_threshold(questions: list[_Question], ranker: Ranker) -> dict[str, Any]:
    """The answer threshold that meets the two quality targets on the tuning sets as evenly as
    it can (top-1 TARGET_TOP1 and out-of-scope rejected TARGET_OOS: the threshold trades one
    for the other), never rejecting fewer than OOS_CORPUS of the corpus's out-of-scope
    messages; among equals, the lowest."""
    best: dict[str, list[tuple[float, bool]]] = {"corpus": [], "tuning": []}
    oos: dict[str, list[float]] = {"corpus": [], "tuning": []}
    for q in questions:
        scored = max(((ranker.confidence(f), eid) for eid, f in q.rows), default=(0.0, ""))
        if q.right:
            best[q.source].append((scored[0], scored[1] in q.right))
        else:
            oos[q.source].append(scored[0])

    def figures(t: float) -> dict[str, float]:
        out: dict[str, float] = {}
        for source in ("corpus", "tuning"):
            answered = [ok for conf, ok in best[source] if conf >= t]
            out[f"{source}_top1"] = round(100.0 * sum(answered) / max(len(best[source]), 1), 1)
            out[f"{source}_oos_rejected"] = round(
                100.0 * sum(c < t for c in oos[source]) / max(len(oos[source]), 1), 1)
        return out

    def balance(t: float) -> float:
        f = figures(t)
        if f["corpus_oos_rejected"] < 100.0 * OOS_CORPUS:
            return -math.inf
        return min(f["tuning_top1"] - TARGET_TOP1, f["tuning_oos_rejected"] - TARGET_OOS)

    candidates = [t / 2 for t in range(20, 180)]  # 10.0, 10.5, ... 89.5
    threshold = max(candidates, key=lambda t: (balance(t), -t))
    curve = {f"{t:.0f}": figures(float(t)) for t in range(20, 85, 5)}
    return {"answer": threshold, **figures(threshold), "curve": curve}


# --- safety thresholds ---------------------------------------------------------------------


def _lowest_within(scores: np.ndarray, budget: int) -> float:
    """The lowest threshold at which at most `budget` of `scores` reach it."""
    ordered = np.sort(scores)[::-1]
    if budget >= len(ordered):
        return 0.0
    return float(np.nextafter(ordered[budget], 2.0))  # just above the first one over budget


def _safety_thresholds(data: list[Example], oof: np.ndarray, rows: np.ndarray
                       ) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Per level three thresholds, chosen on out-of-fold predictions, and the veto: below it
    (the model's highest level), a pattern's hit is taken for harmless words (VETO_MISS).

    `topic`: a topic word ("kindermishandeling") counts as a signal unless the model is this
    sure that the message is harmless; set so that the corpus's signals with only a topic word
    keep TOPIC_RECALL. `possible`: as low as the false-alarm budget allows: each level may add
    alarms on calm messages (harmless ones that look alarming) and on all other messages that
    the patterns do not already raise; the per-level budget is the largest whose union over all
    levels, patterns included, stays within CALM_ALARMS. `clear`: the lowest threshold at which
    the model alone is precise enough to give the full notice.
    """
    idx = np.flatnonzero(rows)
    texts = [data[i].text for i in idx]
    strong = np.array([[lvl in detect_levels(t) for lvl in LEVELS] for t in texts])
    topic = np.array([[lvl in topic_levels(t) for lvl in LEVELS] for t in texts]) & ~strong
    truth = np.array([[lvl in data[i].levels for lvl in LEVELS] for i in idx])
    calm = np.array([data[i].calm for i in idx])
    negative = ~truth.any(axis=1)
    scores = oof[idx]
    harmless = scores.max(axis=1)
    caught = strong.any(axis=1) & truth.any(axis=1)
    veto = round(float(np.quantile(harmless[caught], VETO_MISS)), 4) if caught.any() else 0.0
    vetoed = strong.any(axis=1) & (harmless < veto)
    pattern_report = {"veto": veto,
                      "calm_pattern_alarms_silenced": int((vetoed & calm).sum()),
                      "calm_pattern_alarms": int((strong.any(axis=1) & calm).sum()),
                      "signals_silenced": int((vetoed & truth.any(axis=1)).sum()),
                      "signals_caught_by_patterns": int(caught.sum())}
    strong = strong & ~vetoed[:, None]
    topic_cut = np.zeros(len(LEVELS))
    for j in range(len(LEVELS)):
        hits = scores[topic[:, j] & truth[:, j], j]
        topic_cut[j] = float(np.quantile(hits, 1.0 - TOPIC_RECALL)) if len(hits) else 0.0
    fired = strong | (topic & (scores >= topic_cut))

    def pick(budget: float) -> np.ndarray:
        out = np.zeros(len(LEVELS))
        for j in range(len(LEVELS)):
            quiet = ~fired[:, j]
            t_calm = _lowest_within(scores[calm & quiet, j], int(budget * calm.sum()))
            t_all = _lowest_within(scores[negative & quiet, j],
                                   int(budget * 2 * negative.sum()))
            out[j] = max(t_calm, t_all, 0.05)
        return out

    def calm_alarms(thresholds: np.ndarray) -> float:
        alarm = (fired | (scores >= thresholds)).any(axis=1)
        return float(alarm[calm].mean()) if calm.any() else 0.0

    budget = 0.0
    for step in np.arange(0.0, 0.05, 0.00125):
        if calm_alarms(pick(float(step))) <= CALM_ALARMS:
            budget = float(step)
    possible = pick(budget)
    thresholds: dict[str, dict[str, float]] = {}
    report: dict[str, Any] = {"patterns": pattern_report, "budget_per_level": round(budget, 4),
                              "calm_alarms": round(100.0 * calm_alarms(possible), 1),
                              "calm_alarms_patterns": round(100.0 * float(
                                  fired.any(axis=1)[calm].mean()), 1)}
    for j, level in enumerate(LEVELS):
        pos, neg = truth[:, j], ~truth[:, j]
        clear = 1.01
        for t in sorted({round(float(v), 3) for v in scores[:, j] if v >= possible[j]}):
            hit = scores[:, j] >= t
            tp, fp = int((hit & pos).sum()), int((hit & neg).sum())
            if tp and tp / (tp + fp) >= CLEAR_PRECISION:
                clear = t
                break
        thresholds[level] = {"topic": round(float(min(topic_cut[j], possible[j])), 4),
                             "possible": round(float(possible[j]), 4),
                             "clear": round(max(clear, float(possible[j])), 4)}
        caught = fired[:, j] | (scores[:, j] >= possible[j])
        report[level] = {"positives": int(pos.sum()),
                         "patterns": int((fired[:, j] & pos).sum()),
                         "recall": round(100.0 * float(caught[pos].mean()), 1),
                         "clear_share": round(100.0 * float(
                             (fired[:, j] | (scores[:, j] >= clear))[pos].mean()), 1)}
    any_truth = truth.any(axis=1)
    caught_any = (fired | (scores >= possible)).any(axis=1)
    report["any_level_recall"] = round(100.0 * float(caught_any[any_truth].mean()), 1)
    return thresholds, report


def write(trained: Trained, knowledge: Path) -> list[Path]:
    """Save the models where the service looks for them. The safety model ships with the code
    and no other knowledge directory may replace it: training a copy (a curator trying things
    out) writes the copy's intent model only."""
    intent_path = intent_model_path(knowledge)
    intent_path.parent.mkdir(parents=True, exist_ok=True)
    trained.intent.save(intent_path)
    if knowledge.resolve() != shipped_knowledge_dir().resolve():
        return [intent_path]
    SAFETY_MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    trained.safety.save(SAFETY_MODEL_PATH)
    return [intent_path, SAFETY_MODEL_PATH]


def model_problems(kb: KnowledgeBase, shipped: bool) -> list[str]:
    """Why the models do not match this knowledge base and corpus (empty: they do).

    The safety model ships with the code and is checked only against the shipped knowledge."""
    problems: list[str] = []
    if not corpus_files(kb.directory):
        return problems
    try:
        load_corpus(kb.directory, {e.id for e in kb})
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    wanted = inputs_digest(kb)
    models = Models.load(kb.directory)
    checks = [("intent", models.intent, intent_model_path(kb.directory))]
    if shipped:
        checks.append(("safety", models.safety, SAFETY_MODEL_PATH))
    for name, model, path in checks:
        if model is None:
            problems.append(f"{path.name}: no usable {name} model; run 'wijkwijzer train'")
        elif model.meta.get("inputs") != wanted:
            problems.append(f"{path.name}: the {name} model is stale (trained on another corpus "
                            "or knowledge base); run 'wijkwijzer train'")
    return problems
