"""``sandbox score``: score one reply (linter-style or JSON) or a JSON Lines batch.

Used by trainers' scripts and the acceptance checks, so the batch output schema is stable:
``{"id", "scores": {"tone", "timing", "risk", "action", "overall"}, "findings": [{"rule",
"family", "severity", "start", "end", "match", "message"}]}`` one object a line; a bad line gets
``{"id": ..., "error": "..."}`` and the rest still score.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from sandbox.scoring.engine import Scorer
    from sandbox.scoring.types import ScoreCard, ScoringContext

NAME = "score"
HELP = "score a reply against the rule pack (one reply, or --batch FILE.jsonl)"

DEFAULT_TARGET_MINUTES = 240  # a normal-priority post: half a working day
_FAMILIES = ("tone", "timing", "risk", "action")
_CONTEXT_KEYS = {
    "pre_election",
    "author_kind",
    "action",
    "team",
    "char_limit",
    "platform",
    "allow_words",
    "org_phone_numbers",
    "org_email_domains",
    "disabled_rules",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--post", metavar="TEXT", help="the post being answered")
    parser.add_argument("--reply", metavar="TEXT", help="the learner's reply")
    parser.add_argument(
        "--elapsed-minutes",
        type=float,
        default=0.0,
        metavar="N",
        help="office minutes from post to reply (default 0: replied at once)",
    )
    parser.add_argument(
        "--target-minutes",
        type=float,
        default=None,
        metavar="M",
        help=f"reply-time target in minutes (default {DEFAULT_TARGET_MINUTES})",
    )
    parser.add_argument(
        "--pre-election", action="store_true", help="score under pre-election rules"
    )
    parser.add_argument(
        "--author-kind", metavar="KIND", help="who wrote the post (resident, troll, journalist…)"
    )
    parser.add_argument(
        "--action",
        default="reply",
        choices=["reply", "private_message", "escalate", "hide", "like", "leave"],
        help="what the learner did (default reply)",
    )
    parser.add_argument(
        "--char-limit", type=int, default=280, metavar="N", help="platform limit (default 280)"
    )
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE",
        help="an extra rule pack (your organisation's words and rules); may be repeated",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument(
        "--batch",
        metavar="FILE.jsonl",
        help='score every line of a JSON Lines file ("-" for standard input)',
    )


def run(args: argparse.Namespace) -> int:
    from sandbox.scoring.engine import Scorer, default_scorer
    from sandbox.scoring.rulepack import RulePackError

    try:
        scorer = Scorer.from_files(*args.rules) if args.rules else default_scorer()
    except RulePackError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.batch:
        if args.post is not None or args.reply is not None:
            print("error: use either --batch or --post/--reply, not both", file=sys.stderr)
            return 2
        if args.batch == "-":
            return score_batch(sys.stdin, sys.stdout, scorer)
        try:
            with open(args.batch, encoding="utf-8") as fh:
                return score_batch(fh, sys.stdout, scorer)
        except OSError as exc:
            print(f"error: cannot read {args.batch}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        except UnicodeDecodeError:
            print(f"error: {args.batch} is not UTF-8 text", file=sys.stderr)
            return 2
    if args.post is None or args.reply is None:
        print("error: give --post TEXT and --reply TEXT, or --batch FILE.jsonl", file=sys.stderr)
        return 2
    try:
        ctx = _context(
            post=args.post,
            elapsed=args.elapsed_minutes,
            target=args.target_minutes,
            extra={
                "pre_election": args.pre_election,
                "author_kind": args.author_kind,
                "action": args.action,
                "char_limit": args.char_limit,
            },
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    card = scorer.score(args.reply, ctx)
    if args.json:
        print(json.dumps(card.to_dict(), ensure_ascii=False))
    else:
        print(render_text(args.reply, card))
    return 0


# --------------------------------------------------------------------------- shared helpers


def _context(
    *, post: str, elapsed: float | None, target: float | None, extra: dict[str, Any]
) -> ScoringContext:
    from sandbox.scenario.models import ActionKind, PlatformKind
    from sandbox.scoring.types import ScoringContext

    unknown = sorted(set(extra) - _CONTEXT_KEYS)
    if unknown:
        raise ValueError(
            f"unknown context key(s): {', '.join(unknown)}; known: {', '.join(sorted(_CONTEXT_KEYS))}"
        )
    kw: dict[str, Any] = {}
    if extra.get("pre_election") is not None:
        if not isinstance(extra["pre_election"], bool):
            raise ValueError("context.pre_election must be true or false")
        kw["pre_election"] = extra["pre_election"]
    if extra.get("author_kind") is not None:
        kw["author_kind"] = str(extra["author_kind"])
    if extra.get("action") is not None:
        try:
            kw["action"] = ActionKind(extra["action"])
        except ValueError:
            known = ", ".join(a.value for a in ActionKind)
            raise ValueError(f'unknown action "{extra["action"]}"; known: {known}') from None
    if extra.get("team") is not None:
        kw["team"] = str(extra["team"])
    if extra.get("platform") is not None:
        try:
            kw["platform"] = PlatformKind(extra["platform"])
        except ValueError:
            raise ValueError(
                f'unknown platform "{extra["platform"]}"; known: microblog, community'
            ) from None
        if extra.get("char_limit") is None:
            kw["char_limit"] = 280 if kw["platform"] is PlatformKind.microblog else 2000
    if extra.get("char_limit") is not None:
        limit = extra["char_limit"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError("context.char_limit must be a whole number above 0")
        kw["char_limit"] = limit
    for key in ("allow_words", "org_phone_numbers", "org_email_domains"):
        if extra.get(key) is not None:
            value = extra[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"context.{key} must be a list of strings")
            kw[key] = tuple(value)
    if extra.get("disabled_rules") is not None:
        value = extra["disabled_rules"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("context.disabled_rules must be a list of rule ids")
        kw["disabled_rules"] = frozenset(value)
    for name, v in (("elapsed_minutes", elapsed), ("target_minutes", target)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0):
            raise ValueError(f"{name} must be a number of minutes, 0 or more")
    if target is not None and target <= 0:
        raise ValueError("target_minutes must be more than 0")
    return ScoringContext(
        post_text=post,
        elapsed_minutes=None if elapsed is None else float(elapsed),
        target_minutes=float(target if target is not None else DEFAULT_TARGET_MINUTES),
        **kw,
    )


def batch_record(item_id: Any, card: ScoreCard) -> dict[str, Any]:
    """One output line of ``--batch`` (the stable schema)."""
    scores = {f.value: s for f, s in card.scores.items()}
    return {
        "id": item_id,
        "scores": {f: scores.get(f) for f in _FAMILIES} | {"overall": card.overall},
        "findings": [
            {
                "rule": f.rule,
                "family": f.family.value,
                "severity": f.severity.value,
                "start": f.start,
                "end": f.end,
                "match": f.match,
                "message": f.message,
            }
            for f in card.findings
        ],
    }


def _parse_line(line: str, lineno: int) -> tuple[Any, str, str, ScoringContext]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _LineError(
            None, f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})"
        ) from None
    if not isinstance(obj, dict):
        raise _LineError(None, f"line {lineno}: expected a JSON object")
    item_id = obj.get("id")
    for key in ("post", "reply"):
        if not isinstance(obj.get(key), str):
            raise _LineError(item_id, f'line {lineno}: "{key}" must be a string')
    context = obj.get("context") or {}
    if not isinstance(context, dict):
        raise _LineError(item_id, f'line {lineno}: "context" must be an object')
    elapsed = obj.get("elapsed_minutes", 0)
    target = obj.get("target_minutes")
    try:
        ctx = _context(post=obj["post"], elapsed=elapsed, target=target, extra=context)
    except ValueError as exc:
        raise _LineError(item_id, f"line {lineno}: {exc}") from None
    return item_id, obj["post"], obj["reply"], ctx


class _LineError(Exception):
    def __init__(self, item_id: Any, message: str) -> None:
        super().__init__(message)
        self.item_id = item_id
        self.message = message


def score_line(line: str, lineno: int, scorer: Scorer) -> dict[str, Any] | None:
    """One input line to one output record (``None`` for a blank line)."""
    if not line.strip():
        return None
    try:
        item_id, _post, reply, ctx = _parse_line(line, lineno)
    except _LineError as exc:
        return {"id": exc.item_id, "error": exc.message}
    try:
        card = scorer.score(reply, ctx)
    except Exception as exc:  # one bad reply must not stop a 10,000-line batch
        return {
            "id": item_id,
            "error": f"line {lineno}: could not score ({type(exc).__name__}: {exc})",
        }
    return batch_record(item_id, card)


def iter_batch(lines: Iterable[str], scorer: Scorer) -> Iterator[dict[str, Any]]:
    """Score JSON Lines one at a time; errors become ``{"id", "error"}`` records."""
    for lineno, line in enumerate(lines, start=1):
        record = score_line(line, lineno, scorer)
        if record is not None:
            yield record


_CHUNK = 250  # lines per task: big enough that IPC is small next to ~0.5-1 ms of scoring a line
_WARM_LINES = 20  # scored before forking, so that lazy loading happens once, in the parent
_worker_scorer: Scorer | None = None  # set before forking; inherited by the workers


def _score_chunk(chunk: list[tuple[int, str]]) -> list[tuple[str, bool]]:
    """Score a chunk in a worker; returns encoded output lines (blank input lines give none)."""
    assert _worker_scorer is not None
    out = []
    for lineno, line in chunk:
        record = score_line(line, lineno, _worker_scorer)
        if record is not None:
            out.append((json.dumps(record, ensure_ascii=False), "error" in record))
    return out


def _parallel_workers() -> int:
    """Worker processes for a large batch: one per core, only where ``fork`` exists (the
    scorer is inherited ready-built, so workers pay no start-up); 0 means score serially."""
    import multiprocessing
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cores or cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(cores, 4)


def _iter_encoded(src: TextIO, scorer: Scorer) -> Iterator[tuple[str, bool]]:
    """Output lines with whether each is an error record, in input order.

    Small batches (under two chunks) are scored here: forking costs more than it saves there.
    For larger ones only the first few lines are scored here, to warm the scorer's lazy parts
    (sentiment lexicon, learned weights) before the fork, so that no core waits; the rest is
    spread over forked workers in chunks (order kept).
    """
    global _worker_scorer
    numbered = enumerate(src, start=1)
    first = list(itertools.islice(numbered, _CHUNK * 2))
    small = len(first) < _CHUNK * 2
    warm = first if small else first[:_WARM_LINES]
    for lineno, line in warm:
        record = score_line(line, lineno, scorer)
        if record is not None:
            yield json.dumps(record, ensure_ascii=False), "error" in record
    if small:
        return
    rest = itertools.chain(first[len(warm) :], numbered)
    workers = _parallel_workers()
    chunks = iter(lambda: list(itertools.islice(rest, _CHUNK)), [])
    if not workers:
        for chunk in chunks:
            yield from _score_chunk_with(scorer, chunk)
        return
    import gc
    import multiprocessing

    _worker_scorer = scorer
    gc.freeze()  # the scorer's objects never die: keep them out of the workers' collections
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for encoded in pool.imap(_score_chunk, chunks, chunksize=1):
                yield from encoded
    finally:
        gc.unfreeze()


def _score_chunk_with(scorer: Scorer, chunk: list[tuple[int, str]]) -> list[tuple[str, bool]]:
    global _worker_scorer
    _worker_scorer = scorer
    return _score_chunk(chunk)


def score_batch(src: TextIO, out: TextIO, scorer: Scorer) -> int:
    failed = 0
    buf: list[str] = []
    for encoded, is_error in _iter_encoded(src, scorer):
        failed += is_error
        buf.append(encoded)
        if len(buf) >= 500:
            out.write("\n".join(buf) + "\n")
            buf.clear()
    if buf:
        out.write("\n".join(buf) + "\n")
    out.flush()
    if failed:
        print(f"{failed} line(s) could not be scored; see the error objects", file=sys.stderr)
    return 1 if failed else 0


def render_text(reply: str, card: ScoreCard) -> str:
    """Linter-style report: each finding, with the reply and the span underlined."""
    out: list[str] = []
    line_starts = [0] + [i + 1 for i, ch in enumerate(reply) if ch == "\n"]

    def locate(pos: int) -> tuple[int, int]:
        line = max(i for i, s in enumerate(line_starts) if s <= pos)
        return line, pos - line_starts[line]

    for f in card.findings:
        pts = f"-{f.points:g}" if f.points else ""
        if f.end > f.start:
            line, col = locate(f.start)
            where = f"{line + 1}:{col + 1}"
        else:
            where = "-"
        out.append(f"{where:<7} {f.severity.value:<8} {f.rule:<36} {pts:>4}  {f.message}")
        if f.end > f.start:
            line, col = locate(f.start)
            end_of_line = reply.find("\n", line_starts[line])
            text_line = reply[line_starts[line] : end_of_line if end_of_line != -1 else len(reply)]
            width = max(1, min(f.end, line_starts[line] + len(text_line)) - f.start)
            out.append(f"        | {text_line}")
            out.append(f"        | {' ' * col}{'^' * width}")
        if f.suggestion:
            out.append(f"        = {f.suggestion}")
    if not card.findings:
        out.append("no findings")
    scores = {f.value: s for f, s in card.scores.items()}
    parts = [
        f"{k} {'n/a' if scores.get(k) is None else scores[k]}"
        for k in ("risk", "tone", "timing", "action")
    ]
    weights = ", ".join(f"{f.value} {w:.2f}" for f, w in card.weights.items())
    out.append("")
    out.append(f"scores: {' · '.join(parts)} · overall {card.overall}  (weights: {weights})")
    return "\n".join(out)
