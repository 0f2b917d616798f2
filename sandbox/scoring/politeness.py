"""Politeness strategies from Danescu-Niculescu-Mizil et al. (ACL 2013), as countable features.

Used two ways: the tone rules report a few of the negative strategies as findings (a reply that
starts "You ...", "Actually, ...", a direct "Why ...?"), and the evaluation script trains a small
logistic regression on these counts to compare with the paper's classifier. Positive and negative
lexicon come from VADER's word list (bundled with vaderSentiment, no download).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

__all__ = ["STRATEGIES", "lexicon", "strategy_counts", "strategy_spans"]

_W = r"(?<!\w)"
_E = r"(?!\w)"


def _rx(*phrases: str) -> re.Pattern[str]:
    return re.compile(_W + "(?:" + "|".join(phrases) + ")" + _E, re.IGNORECASE)


# Each strategy: a compiled pattern, whether it must open a sentence, and its sign in the paper
# (+1 polite, -1 impolite). Sentence-initial strategies are checked on each sentence's start.
_STRATEGY_PATTERNS: dict[str, tuple[re.Pattern[str], bool]] = {
    "gratitude": (
        _rx(r"thanks?", r"thank\s+you", r"thankyou", r"i\s+appreciate", r"grateful", r"cheers"),
        False,
    ),
    "deference": (
        _rx(r"great", r"good", r"nice", r"interesting", r"cool", r"excellent", r"awesome"),
        True,
    ),
    "greeting": (
        _rx(r"hi", r"hello", r"hey", r"good\s+(?:morning|afternoon|evening)", r"dear"),
        True,
    ),
    "apologizing": (
        _rx(
            r"sorry",
            r"apologi[sz]e\w*",
            r"apologies",
            r"forgive\s+me",
            r"excuse\s+me",
            r"my\s+(?:bad|fault)",
            r"pardon",
        ),
        False,
    ),
    "please": (_rx(r"please", r"pls", r"plz"), False),
    "please_start": (_rx(r"please", r"pls", r"plz"), True),
    "indirect_btw": (_rx(r"by\s+the\s+way", r"btw", r"incidentally"), False),
    "hedges": (
        _rx(
            r"perhaps",
            r"maybe",
            r"might",
            r"possibly",
            r"probably",
            r"i\s+think",
            r"i\s+guess",
            r"i\s+suppose",
            r"i\s+believe",
            r"it\s+seems",
            r"seems?",
            r"apparently",
            r"suggest\w*",
            r"wonder\w*",
            r"somewhat",
            r"sort\s+of",
            r"kind\s+of",
            r"would\s+be",
            r"could\s+be",
            r"assum\w+",
            r"unclear",
            r"not\s+sure",
        ),
        False,
    ),
    "indirect_greeting_question": (
        _rx(r"could\s+you", r"would\s+you", r"can\s+you\s+please", r"would\s+it\s+be"),
        True,
    ),
    "counterfactual_modal": (
        _rx(r"could\s+you", r"would\s+you", r"would\s+it", r"could\s+we", r"would\s+you\s+mind"),
        False,
    ),
    "indicative_modal": (_rx(r"can\s+you", r"will\s+you"), False),
    "first_person_plural": (_rx(r"we", r"our", r"us", r"ours", r"ourselves", r"let's"), False),
    "first_person": (_rx(r"i", r"my", r"mine", r"myself", r"i'm", r"i've", r"i'd", r"i'll"), False),
    "first_person_start": (_rx(r"i", r"my", r"i'm", r"i've", r"i'd"), True),
    "second_person": (
        _rx(r"you", r"your", r"yours", r"yourself", r"u", r"ur", r"you're", r"you've"),
        False,
    ),
    "second_person_start": (_rx(r"you", r"your", r"you're", r"you've", r"u", r"ur"), True),
    "direct_question": (_rx(r"what", r"why", r"who", r"how", r"where", r"when"), True),
    "direct_start": (_rx(r"so", r"then", r"and", r"but", r"or"), True),
    "factuality": (
        _rx(
            r"actually",
            r"in\s+fact",
            r"the\s+fact",
            r"really",
            r"obviously",
            r"clearly",
            r"the\s+point\s+is",
            r"the\s+reality",
        ),
        False,
    ),
    "subjunctive": (_rx(r"could\s+you", r"would\s+you"), False),
}

STRATEGIES: tuple[str, ...] = (
    *_STRATEGY_PATTERNS,
    "positive_lexicon",
    "negative_lexicon",
    "question",
    "exclamation",
)

_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']{0,40}")


@lru_cache(maxsize=1)
def lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(positive, negative) single words from VADER's lexicon (valence ≥ 1.0 / ≤ -1.0)."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
    pos: set[str] = set()
    neg: set[str] = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].isalpha():
            continue
        try:
            value = float(parts[1])
        except ValueError:
            continue
        if value >= 1.0:
            pos.add(parts[0].lower())
        elif value <= -1.0:
            neg.add(parts[0].lower())
    return frozenset(pos), frozenset(neg)


def strategy_spans(text: str, only: str | None = None) -> dict[str, list[tuple[int, int]]]:
    """Where each strategy (or just ``only``) occurs in ``text`` (character spans)."""
    names = (only,) if only else STRATEGIES
    out: dict[str, list[tuple[int, int]]] = {name: [] for name in names}
    starts: list[int] = []
    for m in _SENTENCE_RE.finditer(text):
        lead = len(m.group()) - len(m.group().lstrip())
        starts.append(m.start() + lead)
    for name, (rx, initial) in _STRATEGY_PATTERNS.items():
        if name not in out:
            continue
        if initial:
            for s in starts:
                hit = rx.match(text, s)
                if hit:
                    out[name].append(hit.span())
        else:
            out[name] = [m.span() for m in rx.finditer(text)]
    if "positive_lexicon" in out or "negative_lexicon" in out:
        pos, neg = lexicon()
        for m in _WORD_RE.finditer(text):
            w = m.group().lower()
            if w in pos and "positive_lexicon" in out:
                out["positive_lexicon"].append(m.span())
            elif w in neg and "negative_lexicon" in out:
                out["negative_lexicon"].append(m.span())
    if "question" in out:
        out["question"] = [(i, i + 1) for i, ch in enumerate(text) if ch == "?"]
    if "exclamation" in out:
        out["exclamation"] = [(i, i + 1) for i, ch in enumerate(text) if ch == "!"]
    return out


def strategy_counts(text: str) -> dict[str, int]:
    """How often each strategy occurs; the feature vector for the politeness classifier."""
    return {k: len(v) for k, v in strategy_spans(text).items()}
