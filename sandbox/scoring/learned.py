"""A learned risk signal: catches risky wording the rule lists have not seen.

The rules describe each mistake's words and shapes; a tired officer still finds new ways to write
them. This module adds small logistic regressions over hashed word uni/bigrams and character
3–5-grams (plus the post's context), trained only on the development data
(``bench/train_risk_signal.py``):

- a **reply head** reads the whole reply and an **any-risk head** reads each sentence the rules
  did *not* flag. When no rule found a risk, their blend decides whether the reply reads risky;
  the whole reply sees what a sentence alone cannot (a put-down needs the sentence before it).
  The warning then sits on the sentence the any-risk head likes least.
- **category heads** (one per risk category) name what that sentence resembles, so the message
  says why; beside a rule's finding, a sentence still gets a warning when the any-risk head alone
  is sure.
- a **post head**: people in crisis describe it in words no cue list holds ("I won't be a bother
  much longer"), so a post that reads like a crisis, answered without any urgent help, gets a
  warning too.

It only ever adds a modest warning that names what it resembles, so a trainer can see why and
overrule it; the rule findings stay the score's backbone.

numpy only; the weights ship as ``learned_risk.npz`` (no pickle) and load once, lazily.
Input is bounded: at most ``MAX_SENTENCES`` sentences and ``MAX_SENTENCE_CHARS`` characters each,
and ``MAX_REPLY_CHARS`` of the whole reply.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from sandbox.scoring.detectors import Doc, Hit

__all__ = [
    "CATEGORIES",
    "CRISIS",
    "DESCRIPTIONS",
    "WEIGHTS_PATH",
    "LearnedModel",
    "SparseRows",
    "context_tokens",
    "featurize",
    "fit_heads",
    "learned_findings",
    "load_model",
]

WEIGHTS_PATH = Path(__file__).with_name("learned_risk.npz")
CRISIS = "crisis-without-help"
CATEGORIES: tuple[str, ...] = (
    "personal-data",
    "staff-details",
    "politics",
    "liability",
    "guarantee",
    "abuse",
    "argue-with-troll",
)
DESCRIPTIONS: dict[str, str] = {
    "personal-data": "This sentence reads like personal data in public",
    "staff-details": "This sentence reads like details about an individual member of staff",
    "politics": "This sentence reads like a political view or party-political content",
    "liability": "This sentence reads like an admission of fault or a promise to pay",
    "guarantee": "This sentence reads like a promise the service can't be sure to keep",
    "abuse": "This sentence reads like an insult, put-down or sarcasm aimed at the person",
    "argue-with-troll": "This sentence reads like arguing with a bad-faith account",
    CRISIS: "The post reads like someone may be at risk, and the reply gives no urgent help",
}
DIM = 1 << 15
MAX_SENTENCES = 12
MAX_SENTENCE_CHARS = 300
MAX_POST_CHARS = 1000
MAX_REPLY_CHARS = 600  # the reply head reads this much; sentences cover the rest
WORD_SHARE = 0.3
CHAR_SHARE = 0.95
_NORM = float(np.hypot(WORD_SHARE, CHAR_SHARE))
_WORD_RE = re.compile(r"[a-z0-9£'’]+")
_SPACE_RE = re.compile(r"\s+")
_DIGIT_RE = re.compile(r"[0-9]")
_FNV = np.uint64(1099511628211)
_FNV_OFFSET = np.uint64(14695981039346656037)
_NGRAM_SALT = {
    3: np.uint64(0x9E3779B97F4A7C15),
    4: np.uint64(0xC2B2AE3D27D4EB4F),
    5: np.uint64(0x165667B19E3779F9),
}


def _hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) % DIM


def context_tokens(author_kind: str | None, pre_election: bool) -> tuple[str, ...]:
    """The post's situation as features: a troll's post or the pre-election period change
    what a sentence means ("you're wrong" to a troll is arguing)."""
    out = [f"ctx:author={author_kind or 'unknown'}"]
    if pre_election:
        out.append("ctx:pre-election")
    return tuple(out)


def featurize(
    sentence: str, context: Sequence[str] = (), limit: int = MAX_SENTENCE_CHARS
) -> tuple[Any, Any]:
    """Hashed feature indices and L2-normalised values for one sentence (binary presence), read
    up to ``limit`` characters.

    Digits become 0 so "07700 900123" and "07700 900456" share n-grams. Character n-grams use a
    vectorised FNV-style rolling hash, which keeps a sentence well under a tenth of a millisecond.
    """
    low = _DIGIT_RE.sub("0", _SPACE_RE.sub(" ", sentence[:limit].lower()).strip())
    words = _WORD_RE.findall(low)
    idx = [_hash("__s__")]
    idx += [_hash("w:" + w) for w in words]
    idx += [_hash("b:" + a + " " + b) for a, b in itertools.pairwise(words)]
    idx += [_hash(c) for c in context]
    word_cols = np.fromiter(set(idx), dtype=np.int64)
    data = np.frombuffer((" " + low + " ").encode("utf-8"), dtype=np.uint8).astype(np.uint64)
    parts = []
    h = np.full(len(data), _FNV_OFFSET, dtype=np.uint64)
    for k in range(5):  # FNV over 1..5 bytes, extended one byte at a time
        m = len(data) - k
        if m <= 0:
            break
        h = (h[:m] ^ data[k : k + m]) * _FNV
        if k >= 2:
            parts.append(((h ^ _NGRAM_SALT[k + 1]) >> np.uint64(20)) % np.uint64(DIM))
    char_cols = np.unique(np.concatenate(parts)).astype(np.int64) if parts else word_cols[:0]
    # words and characters each get a fixed share of the unit length, so a long sentence's
    # hundreds of character n-grams don't drown its few words (a rare hash collision between
    # the two blocks simply adds up, in training and scoring alike)
    cols = np.concatenate([word_cols, char_cols])
    vals = np.empty(len(cols), dtype=np.float32)
    vals[: len(word_cols)] = WORD_SHARE / _NORM / np.sqrt(len(word_cols))
    vals[len(word_cols) :] = CHAR_SHARE / _NORM / np.sqrt(max(1, len(char_cols)))
    return cols, vals


# ---------------------------------------------------------------------- training (numpy only)


class SparseRows:
    """Rows of hashed features in CSR form, with the two products gradient descent needs."""

    def __init__(self, rows: Sequence[tuple[Any, Any]], dim: int = DIM) -> None:
        self.n = len(rows)
        self.dim = dim
        lengths = np.asarray([len(c) for c, _ in rows], dtype=np.int64)
        self.indptr = np.concatenate([[0], np.cumsum(lengths)])
        self.indices = np.concatenate([c for c, _ in rows]).astype(np.int64)
        self.data = np.concatenate([v for _, v in rows]).astype(np.float64)
        self.row_of = np.repeat(np.arange(self.n), lengths)
        order = np.argsort(self.indices, kind="stable")
        self._by_col = order
        cols_sorted = self.indices[order]
        self._ucols, self._col_starts = np.unique(cols_sorted, return_index=True)

    def dot(self, w: Any) -> Any:
        """X @ W for W of shape (dim, K)."""
        g = w[self.indices] * self.data[:, None]
        return np.add.reduceat(g, self.indptr[:-1], axis=0)

    def tdot(self, r: Any) -> Any:
        """X.T @ R for R of shape (n, K)."""
        o = self._by_col
        g = r[self.row_of[o]] * self.data[o][:, None]
        out = np.zeros((self.dim, r.shape[1]))
        out[self._ucols] = np.add.reduceat(g, self._col_starts, axis=0)
        return out


def fit_heads(x: SparseRows, y: Any, *, l2: float = 1e-4, iters: int = 300) -> tuple[Any, Any]:
    """One-vs-rest L2 logistic regression for every column of ``y`` at once (Nesterov descent).

    Deterministic: no random start, fixed step from the data (rows have unit length, so the
    curvature is at most 1/4 + l2). Returns weights (dim, K) and biases (K,).
    """
    n, k = y.shape
    assert n == x.n
    w = np.zeros((x.dim, k))
    b = np.zeros(k)
    vw = np.zeros_like(w)
    vb = np.zeros_like(b)
    lr = 1.0 / (0.25 + l2)
    for _ in range(iters):
        lw, lb = w + 0.9 * vw, b + 0.9 * vb
        z = x.dot(lw) + lb
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        r = (p - y) / n
        gw = x.tdot(r) + l2 * lw
        gb = r.sum(axis=0)
        vw = 0.9 * vw - lr * gw
        vb = 0.9 * vb - lr * gb
        w, b = w + vw, b + vb
    return w, b


# ---------------------------------------------------------------------- inference


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-min(30.0, max(-30.0, z)))))


@dataclass(frozen=True)
class LearnedModel:
    """Trained weights and the thresholds chosen out of file (see ``bench/train_risk_signal.py``).

    ``threshold`` applies to the blend ``reply_mix * reply + (1 - reply_mix) * sentence`` when
    no rule found a risk; ``sentence_threshold`` to a sentence's any-risk probability alone.
    """

    weights: Any  # (K, DIM) float32: one head per category, to name what a sentence resembles
    bias: Any  # (K,)
    categories: tuple[str, ...]
    any_weights: Any  # (DIM,) float32: "is this sentence risky at all?"
    any_bias: float
    reply_weights: Any  # (DIM,) float32: "is this whole reply risky?"
    reply_bias: float
    reply_mix: float
    threshold: float
    sentence_threshold: float
    post_weights: Any  # (DIM,) float32: "does this post read like a crisis?"
    post_bias: float
    post_threshold: float

    def probabilities(self, sentence: str, context: Sequence[str]) -> Any:
        """Each category head's probability for one sentence."""
        return self._category_probabilities(*featurize(sentence, context))

    def _category_probabilities(self, cols: Any, vals: Any) -> Any:
        z = self.weights[:, cols] @ vals + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def _any_probability(self, cols: Any, vals: Any) -> float:
        return _sigmoid(float(self.any_weights[cols] @ vals) + self.any_bias)

    def reply_probability(self, reply: str, context: Sequence[str]) -> float:
        """How much the whole reply reads risky."""
        cols, vals = featurize(reply, context, limit=MAX_REPLY_CHARS)
        return _sigmoid(float(self.reply_weights[cols] @ vals) + self.reply_bias)

    def crisis_probability(self, post: str) -> float:
        """How much the post reads like someone at risk (0 for an empty post)."""
        if not post.strip():
            return 0.0
        cols, vals = featurize(post[:MAX_POST_CHARS])
        return _sigmoid(float(self.post_weights[cols] @ vals) + self.post_bias)


@lru_cache(maxsize=1)
def load_model(path: Path = WEIGHTS_PATH) -> LearnedModel | None:
    """The shipped weights, loaded once per process (None when the file is absent)."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as z:
        return LearnedModel(
            weights=z["weights"].astype(np.float32),
            bias=z["bias"].astype(np.float32),
            categories=tuple(str(c) for c in z["categories"]),
            any_weights=z["any_weights"].astype(np.float32),
            any_bias=float(z["any_bias"]),
            reply_weights=z["reply_weights"].astype(np.float32),
            reply_bias=float(z["reply_bias"]),
            reply_mix=float(z["reply_mix"]),
            threshold=float(z["threshold"]),
            sentence_threshold=float(z["sentence_threshold"]),
            post_weights=z["post_weights"].astype(np.float32),
            post_bias=float(z["post_bias"]),
            post_threshold=float(z["post_threshold"]),
        )


def _overlaps(s: int, e: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < e and s < b for a, b in spans)


def learned_findings(
    doc: Doc,
    params: Mapping[str, Any],
    skip: Sequence[tuple[int, int]] = (),
    model: LearnedModel | None = None,
    *,
    crisis_flagged: bool = False,
    rules_alarmed: bool | None = None,
) -> list[tuple[str, Hit]]:
    """(category, hit) pairs the learned signal adds beside the rules' findings.

    - A whole-reply crisis hit when the post reads like a crisis, no rule has said so
      (``crisis_flagged``) and the reply has none of ``params.urgent_help``.
    - When no rule found a risk (``rules_alarmed``; by default, when ``skip`` is empty and no
      crisis was flagged): one hit on the riskiest sentence if the blend of the reply head and
      that sentence's any-risk probability reaches the threshold.
    - Any other sentence not overlapping ``skip`` whose any-risk probability alone reaches
      ``sentence_threshold``.

    ``params.threshold`` / ``params.sentence_threshold`` / ``params.post_threshold`` override
    the trained thresholds (a pack can make the signal quieter).
    """
    model = model or load_model()
    if model is None or not doc.text.strip():
        return []
    if rules_alarmed is None:
        rules_alarmed = bool(skip) or crisis_flagged
    threshold = float(params.get("threshold", model.threshold))
    sentence_threshold = float(params.get("sentence_threshold", model.sentence_threshold))
    ctx = context_tokens(doc.ctx.author_kind, doc.ctx.pre_election)
    out: list[tuple[str, Hit]] = []
    help_words = tuple(params.get("urgent_help", ()))
    if (
        help_words
        and not crisis_flagged
        and model.crisis_probability(doc.ctx.post_text)
        >= float(params.get("post_threshold", model.post_threshold))
        and _urgent_help(help_words).search(doc.text) is None
    ):
        out.append((CRISIS, Hit(0, 0, "", detail=DESCRIPTIONS[CRISIS])))
    spans = [(s, e) for s, e in doc.sentences[:MAX_SENTENCES] if not _overlaps(s, e, skip)]
    if not spans:
        return out
    feats = [featurize(doc.text[s:e], ctx) for s, e in spans]
    risk = [model._any_probability(c, v) for c, v in feats]
    fire = [p >= sentence_threshold for p in risk]
    if not rules_alarmed:
        worst = int(np.argmax(risk))
        mix = model.reply_mix
        blend = mix * model.reply_probability(doc.text, ctx) + (1.0 - mix) * risk[worst]
        fire[worst] = fire[worst] or blend >= threshold
    for (s, e), (c, v), hit in zip(spans, feats, fire, strict=True):
        if hit:
            cat = model.categories[int(np.argmax(model._category_probabilities(c, v)))]
            out.append((cat, Hit(s, e, doc.text[s:e], detail=DESCRIPTIONS.get(cat, cat))))
    return out


@lru_cache(maxsize=8)
def _urgent_help(words: tuple[str, ...]) -> Any:
    from sandbox.scoring.rulepack import PhraseMatcher

    return PhraseMatcher(words)


def detect_learned_risk(doc: Doc, params: Mapping[str, Any]) -> list[Hit]:
    """Detector form (every sentence); the engine calls ``learned_findings`` with the rule-flagged
    spans instead so the learned signal never repeats a rule's finding."""
    return [h for _, h in learned_findings(doc, params)]
