"""Transcript files: one attempt (or all of a trainee's) as a signed, versioned JSON file.

A trainee exports on their laptop; a trainer imports on another machine. The file is signed
with HMAC-SHA256 over a canonical serialisation (sorted keys, no whitespace, UTF-8) using the
organisation key, so a trainee cannot edit their scores: any change, a missing line, a file
cut short or a file signed with another organisation's key is rejected with the reason.
Records keep their UUIDs, so importing the same file twice adds nothing.

The organisation key is 32 random bytes kept as hex in ``config_dir()/org.key`` (mode 0600),
created on first use; the trainer shares theirs (``sandbox key --export``) and trainees
import it (``sandbox key --import``).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, col, select

from sandbox import __version__, paths
from sandbox.store.crud import audit_entry, mark_first_responses, write_transaction
from sandbox.store.models import (
    ActionRecord,
    Attempt,
    AttemptStatus,
    Comment,
    FindingRecord,
    Profile,
    ScoreOverride,
    UTCDateTime,
)

__all__ = [
    "FORMAT",
    "VERSION",
    "ImportResult",
    "OrgKeyError",
    "TranscriptError",
    "TranscriptRejected",
    "build_transcript",
    "export_attempt",
    "export_profile",
    "import_org_key",
    "import_transcript",
    "key_fingerprint",
    "load_org_key",
    "org_key_path",
    "read_transcript",
    "sign",
    "write_actions_csv",
    "write_transcript",
]

FORMAT = "reply-sandbox-transcript"
VERSION = 1
SIGNATURE_ALG = "HMAC-SHA256"
KEY_BYTES = 32

# Profile columns that never leave the machine.
_PRIVATE_PROFILE_FIELDS = frozenset({"passphrase_hash"})
# Worked out again on import (crud.mark_first_responses), so not written to files: older
# releases, which reject unknown fields, can still read what this one exports.
_DERIVED_ACTION_FIELDS = frozenset({"first_response"})


class TranscriptError(Exception):
    """A transcript or key problem, worded for the user."""


class TranscriptRejected(TranscriptError):
    """The file was refused on import; ``reason`` says why in one sentence."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


class OrgKeyError(TranscriptError):
    """The organisation key file is missing, unreadable or malformed."""


@dataclass
class ImportResult:
    """What one import did. ``skipped`` counts attempts that were already here unchanged."""

    attempts_added: int
    skipped: int
    profile: Profile
    actions_added: int = 0
    attempts_updated: int = 0
    attempt_ids: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- organisation key


def org_key_path() -> Path:
    return paths.config_dir() / "org.key"


def _parse_key(text: str, source: str) -> bytes:
    value = text.strip()
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise OrgKeyError(f"{source} is not a Reply Sandbox organisation key.") from None
    if len(key) != KEY_BYTES:
        raise OrgKeyError(
            f"{source} is not a Reply Sandbox organisation key "
            f"(expected {KEY_BYTES * 2} hex digits)."
        )
    return key


def _write_key_file(path: Path, key: bytes) -> None:
    """Write the key readable by its owner only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".org.key.", dir=path.parent)
    try:
        os.chmod(tmp, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_org_key(*, create: bool = True) -> bytes:
    """This machine's organisation key, created (random, 0600) on first use."""
    path = org_key_path()
    if not path.exists():
        if not create:
            raise OrgKeyError(f"No organisation key at {path}; import the trainer's key first.")
        _write_key_file(path, secrets.token_bytes(KEY_BYTES))
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise OrgKeyError(f"Cannot read the organisation key {path}: {exc}") from None
    return _parse_key(text, str(path))


def import_org_key(source: Path | str, *, force: bool = False) -> tuple[bytes, bool]:
    """Install the key in file ``source`` as this machine's key; returns (key, changed).

    Refuses to replace a different existing key unless ``force`` — files exported with the
    old key would no longer verify here.
    """
    src = Path(source)
    try:
        key = _parse_key(src.read_text(encoding="ascii"), str(src))
    except (OSError, UnicodeDecodeError) as exc:
        raise OrgKeyError(f"Cannot read the key file {src}: {exc}") from None
    path = org_key_path()
    if path.exists():
        current = load_org_key(create=False)
        if hmac.compare_digest(current, key):
            return key, False
        if not force:
            raise OrgKeyError(
                f"This machine already has a different organisation key "
                f"({key_fingerprint(current)}); use --force to replace it."
            )
    _write_key_file(path, key)
    return key, True


def key_fingerprint(key: bytes) -> str:
    """A short, shareable name for a key (reveals nothing usable): 4 groups of 4 hex digits."""
    digest = hashlib.sha256(b"reply-sandbox-key-id:" + key).hexdigest()[:16]
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


# --------------------------------------------------------------------------- serialisation


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sign(payload: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 (hex) of the canonical form of ``payload`` (without its signature)."""
    body = {k: v for k, v in payload.items() if k != "signature"}
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def _columns(model: type[SQLModel]) -> list[Any]:
    return list(sa_inspect(model).columns)


def _row_to_dict(row: SQLModel, *, drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in _columns(type(row)):
        if column.key in drop:
            continue
        value = getattr(row, column.key)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        out[column.key] = value
    return out


def _dict_to_row(model: type[SQLModel], data: Any, where: str) -> Any:
    """Rebuild a row from a transcript dict, checking names and types of every field."""
    if not isinstance(data, dict):
        raise ValueError(f"{where} is not an object")
    if model is Profile:  # never take a passphrase from a file
        data = {k: v for k, v in data.items() if k not in _PRIVATE_PROFILE_FIELDS}
    columns = {c.key: c for c in _columns(model)}
    unknown = set(data) - set(columns)
    if unknown:
        raise ValueError(f"{where} has unknown fields {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key, column in columns.items():
        if key not in data:
            if column.nullable or column.default is not None or column.server_default is not None:
                continue
            raise ValueError(f"{where} lacks {key!r}")
        value = data[key]
        if value is not None and isinstance(column.type, UTCDateTime):
            if not isinstance(value, str):
                raise ValueError(f"{where}.{key} is not a date")
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError(f"{where}.{key} has no timezone")
        elif value is not None:
            py = column.type.python_type
            if py is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, py) or (py is int and isinstance(value, bool)):
                raise ValueError(f"{where}.{key} should be {py.__name__}")
        elif not column.nullable:
            raise ValueError(f"{where}.{key} cannot be empty")
        values[key] = value
    return model(**values)


# --------------------------------------------------------------------------- export


def build_transcript(
    session: Session, *, attempt_ids: Sequence[str], key: bytes | None = None
) -> dict[str, Any]:
    """The signed transcript of these attempts (all of one person), as a dict."""
    key = load_org_key() if key is None else key
    if not attempt_ids:
        raise TranscriptError("There are no attempts to export.")
    attempts = list(session.exec(select(Attempt).where(col(Attempt.id).in_(list(attempt_ids)))))
    found = {a.id for a in attempts}
    missing = [a for a in attempt_ids if a not in found]
    if missing:
        raise TranscriptError(f"No attempt with id {missing[0]}.")
    owners = {a.profile_id for a in attempts}
    if len(owners) != 1:
        raise TranscriptError("A transcript holds the attempts of one person only.")
    profile = session.get(Profile, owners.pop())
    assert profile is not None  # foreign key
    attempts.sort(key=lambda a: (a.started_at, a.id))

    people: dict[str, Profile] = {}
    entries = []
    for attempt in attempts:
        actions = list(
            session.exec(
                select(ActionRecord)
                .where(ActionRecord.attempt_id == attempt.id)
                .order_by(col(ActionRecord.seq))
            )
        )
        findings = list(
            session.exec(
                select(FindingRecord)
                .where(FindingRecord.attempt_id == attempt.id)
                .order_by(
                    col(FindingRecord.action_id), col(FindingRecord.start), col(FindingRecord.id)
                )
            )
        )
        overrides = list(
            session.exec(
                select(ScoreOverride)
                .where(ScoreOverride.attempt_id == attempt.id)
                .order_by(col(ScoreOverride.at), col(ScoreOverride.id))
            )
        )
        comments = list(
            session.exec(
                select(Comment)
                .where(Comment.attempt_id == attempt.id)
                .order_by(col(Comment.at), col(Comment.id))
            )
        )
        for pid in [o.reviewer_id for o in overrides] + [c.author_id for c in comments]:
            if pid != profile.id and pid not in people:
                person = session.get(Profile, pid)
                if person is not None:
                    people[pid] = person
        entries.append(
            {
                "attempt": _row_to_dict(attempt),
                "actions": [_row_to_dict(a, drop=_DERIVED_ACTION_FIELDS) for a in actions],
                "findings": [_row_to_dict(f) for f in findings],
                "overrides": [_row_to_dict(o) for o in overrides],
                "comments": [_row_to_dict(c) for c in comments],
            }
        )
    payload: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "app_version": __version__,
        "key_id": key_fingerprint(key),
        "profile": _row_to_dict(profile, drop=_PRIVATE_PROFILE_FIELDS),
        "reviewers": [
            _row_to_dict(p, drop=_PRIVATE_PROFILE_FIELDS)
            for p in sorted(people.values(), key=lambda p: p.id)
        ],
        "attempts": entries,
    }
    payload["signature"] = {"alg": SIGNATURE_ALG, "value": sign(payload, key)}
    return payload


def write_transcript(path: Path | str, payload: dict[str, Any]) -> Path:
    """Write atomically, indented so a person can read it (the signature ignores layout)."""
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            json.dump(payload, fh, indent=2, sort_keys=True, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def _log_export(
    session: Session, payload: dict[str, Any], dest: Path, actor_id: str | None
) -> None:
    ids = [e["attempt"]["id"] for e in payload["attempts"]]
    write_transaction(
        session,
        lambda: session.add(
            audit_entry(
                event="transcript.exported",
                actor_id=actor_id,
                target_type="profile",
                target_id=payload["profile"]["id"],
                details={"file": dest.name, "attempt_ids": ids},
            )
        ),
    )


def export_attempt(
    session: Session,
    *,
    attempt_id: str,
    path: Path | str,
    key: bytes | None = None,
    actor_id: str | None = None,
) -> Path:
    """Write one attempt to a signed transcript file."""
    payload = build_transcript(session, attempt_ids=[attempt_id], key=key)
    dest = write_transcript(path, payload)
    _log_export(session, payload, dest, actor_id)
    return dest


def export_profile(
    session: Session,
    *,
    profile_id: str,
    path: Path | str,
    key: bytes | None = None,
    actor_id: str | None = None,
) -> Path:
    """Write all of a person's attempts to one signed transcript file."""
    ids = list(session.exec(select(Attempt.id).where(Attempt.profile_id == profile_id)))
    if session.get(Profile, profile_id) is None:
        raise TranscriptError(f"No profile with id {profile_id}.")
    if not ids:
        raise TranscriptError("This person has no attempts to export yet.")
    payload = build_transcript(session, attempt_ids=ids, key=key)
    dest = write_transcript(path, payload)
    _log_export(session, payload, dest, actor_id)
    return dest


# --------------------------------------------------------------------------- import


def read_transcript(path: Path | str, key: bytes) -> dict[str, Any]:
    """Read and verify a transcript file; ``TranscriptRejected`` says why it is refused."""
    src = Path(path)
    try:
        raw = src.read_bytes()
    except OSError as exc:
        raise TranscriptRejected(src, f"cannot be read ({exc.strerror or exc}).") from None
    if not raw.strip():
        raise TranscriptRejected(src, "is empty.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranscriptRejected(
            src, "is not a Reply Sandbox transcript (not UTF-8 text)."
        ) from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        body = text.rstrip()
        if not body.endswith(("}", "]")) or exc.pos >= len(body) - 1:
            raise TranscriptRejected(
                src, "is incomplete: it ends too early (was it cut short while copying?)."
            ) from None
        raise TranscriptRejected(
            src, f"is damaged: not valid JSON at line {exc.lineno}, column {exc.colno}."
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise TranscriptRejected(src, "is not a Reply Sandbox transcript.")
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TranscriptRejected(src, f"has an unknown transcript version ({version!r}).")
    if version > VERSION:
        raise TranscriptRejected(
            src,
            f"was made by a newer Reply Sandbox (transcript version {version}); "
            "update the app to import it.",
        )
    signature = payload.get("signature")
    if not isinstance(signature, dict) or not isinstance(signature.get("value"), str):
        raise TranscriptRejected(src, "is not signed, so its scores cannot be trusted.")
    if signature.get("alg") != SIGNATURE_ALG:
        raise TranscriptRejected(src, f"uses an unknown signature method {signature.get('alg')!r}.")
    try:
        expected = sign(payload, key)
    except ValueError:  # e.g. NaN smuggled in
        raise TranscriptRejected(src, "has been altered: its contents are not valid.") from None
    if not hmac.compare_digest(expected, signature["value"]):
        theirs = payload.get("key_id")
        ours = key_fingerprint(key)
        if isinstance(theirs, str) and theirs != ours:
            raise TranscriptRejected(
                src,
                f"was signed with a different organisation key ({theirs}; this machine uses "
                f"{ours}). Both machines need the same key: 'sandbox key --export' on the "
                "trainer's machine, 'sandbox key --import' on the trainee's.",
            )
        raise TranscriptRejected(
            src, "has been altered since it was exported (its signature does not match)."
        )
    return payload


@dataclass
class _Parsed:
    profile: Profile
    reviewers: list[Profile]
    attempts: list[tuple[Attempt, list[ActionRecord], list[FindingRecord], list[Any], list[Any]]]


def _parse(payload: dict[str, Any], src: Path) -> _Parsed:
    try:
        profile = _dict_to_row(Profile, payload.get("profile"), "profile")
        reviewers = [
            _dict_to_row(Profile, p, f"reviewers[{i}]")
            for i, p in enumerate(_as_list(payload.get("reviewers", []), "reviewers"))
        ]
        attempts = []
        for i, entry in enumerate(_as_list(payload.get("attempts"), "attempts")):
            where = f"attempts[{i}]"
            if not isinstance(entry, dict):
                raise ValueError(f"{where} is not an object")
            attempt = _dict_to_row(Attempt, entry.get("attempt"), f"{where}.attempt")
            if attempt.profile_id != profile.id:
                raise ValueError(f"{where} belongs to someone else")
            parts = []
            for name, model in (
                ("actions", ActionRecord),
                ("findings", FindingRecord),
                ("overrides", ScoreOverride),
                ("comments", Comment),
            ):
                rows = [
                    _dict_to_row(model, d, f"{where}.{name}[{j}]")
                    for j, d in enumerate(_as_list(entry.get(name, []), f"{where}.{name}"))
                ]
                if any(r.attempt_id != attempt.id for r in rows):
                    raise ValueError(f"{where}.{name} refers to another attempt")
                parts.append(rows)
            attempts.append((attempt, parts[0], parts[1], parts[2], parts[3]))
    except (ValueError, TypeError) as exc:
        raise TranscriptRejected(src, f"is malformed: {exc}.") from None
    return _Parsed(profile, reviewers, attempts)


def _as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{where} is not a list")
    return value


def _add_missing(session: Session, rows: Iterable[SQLModel], model: type[SQLModel]) -> int:
    rows = list(rows)
    if not rows:
        return 0
    ids = [r.id for r in rows]  # type: ignore[attr-defined]
    have = set(session.exec(select(model.id).where(col(model.id).in_(ids))))  # type: ignore[attr-defined]
    added = 0
    for row in rows:
        if row.id not in have:  # type: ignore[attr-defined]
            session.add(row)
            added += 1
    return added


def import_transcript(
    session: Session,
    path: Path | str,
    key: bytes | None = None,
    *,
    actor_id: str | None = None,
) -> ImportResult:
    """Verify and import one transcript file, all or nothing.

    Records already present (same ids) are left alone, so a second import adds nothing; an
    attempt exported again later with more actions gets just the new ones, and an attempt
    finished since the last import takes its final status and scores.
    """
    src = Path(path)
    key = load_org_key() if key is None else key
    parsed = _parse(read_transcript(src, key), src)

    def work() -> ImportResult:
        added = skipped = updated = actions_added = 0
        profile = session.get(Profile, parsed.profile.id)
        if profile is None:
            session.add(parsed.profile)
            profile = parsed.profile
        for person in parsed.reviewers:
            if session.get(Profile, person.id) is None:
                session.add(person)
        session.flush()
        ids = []
        for attempt, actions, findings, overrides, comments in parsed.attempts:
            ids.append(attempt.id)
            existing = session.get(Attempt, attempt.id)
            if existing is None:
                session.add(attempt)
                added += 1
            elif existing.profile_id != attempt.profile_id:
                raise TranscriptRejected(
                    src, f"conflicts with attempt {attempt.id} on this machine."
                )
            session.flush()
            n_actions = _add_missing(session, actions, ActionRecord)
            session.flush()
            if n_actions:  # never trust the file's flags: derive them from the stored actions
                mark_first_responses(session, attempt_ids=[attempt.id])
            n_other = sum(
                _add_missing(session, rows, model)
                for rows, model in (
                    (findings, FindingRecord),
                    (overrides, ScoreOverride),
                    (comments, Comment),
                )
            )
            actions_added += n_actions
            if existing is not None:
                finished_since = (
                    existing.status == AttemptStatus.in_progress.value
                    and attempt.status != AttemptStatus.in_progress.value
                )
                if finished_since:
                    for name in (
                        "status",
                        "ended_at",
                        "sim_elapsed_seconds",
                        "score_overall",
                        "score_risk",
                        "score_tone",
                        "score_timing",
                        "score_action",
                    ):
                        setattr(existing, name, getattr(attempt, name))
                    session.add(existing)
                if finished_since or n_actions or n_other:
                    updated += 1
                else:
                    skipped += 1
        session.add(
            audit_entry(
                event="transcript.imported",
                actor_id=actor_id,
                target_type="profile",
                target_id=profile.id,
                details={
                    "file": src.name,
                    "attempts_added": added,
                    "attempts_updated": updated,
                    "skipped": skipped,
                },
            )
        )
        return ImportResult(
            attempts_added=added,
            skipped=skipped,
            profile=profile,
            actions_added=actions_added,
            attempts_updated=updated,
            attempt_ids=ids,
        )

    try:
        return write_transaction(session, work)
    except TranscriptError:
        raise
    except Exception as exc:
        from sqlalchemy.exc import IntegrityError

        if isinstance(exc, IntegrityError):
            raise TranscriptRejected(
                src, "conflicts with records already on this machine (same ids, other data)."
            ) from exc
        raise


# --------------------------------------------------------------------------- CSV


CSV_COLUMNS = (
    "person",
    "team",
    "scenario_id",
    "scenario_title",
    "attempt_id",
    "mode",
    "status",
    "attempt_started_at",
    "seq",
    "post_id",
    "action",
    "text",
    "escalated_to",
    "note",
    "sim_at_seconds",
    "wall_at",
    "elapsed_minutes",
    "target_minutes",
    "score_overall",
    "score_risk",
    "score_tone",
    "score_timing",
    "score_action",
    "findings",
)


def _cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return "" if value is None else value


def write_actions_csv(session: Session, *, attempt_ids: Sequence[str], path: Path | str) -> int:
    """One row per action of these attempts, UTF-8 with BOM so Excel reads accents. Returns rows."""
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    stmt = (
        select(ActionRecord, Attempt, Profile)
        .join(Attempt, col(Attempt.id) == col(ActionRecord.attempt_id))
        .join(Profile, col(Profile.id) == col(Attempt.profile_id))
        .where(col(Attempt.id).in_(list(attempt_ids)))
        .order_by(col(Attempt.started_at), col(Attempt.id), col(ActionRecord.seq))
    )
    rows = session.exec(stmt).all()
    findings: dict[str, list[str]] = {}
    for action_id, rule in session.exec(
        select(FindingRecord.action_id, FindingRecord.rule)
        .where(col(FindingRecord.attempt_id).in_(list(attempt_ids)))
        .order_by(col(FindingRecord.start))
    ):
        findings.setdefault(action_id, []).append(rule)
    with dest.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for action, attempt, profile in rows:
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        profile.name,
                        profile.team,
                        attempt.scenario_id,
                        attempt.scenario_title,
                        attempt.id,
                        attempt.mode,
                        attempt.status,
                        attempt.started_at,
                        action.seq,
                        action.post_id,
                        action.kind,
                        action.text,
                        action.team,
                        action.note,
                        action.sim_at_seconds,
                        action.wall_at,
                        action.elapsed_minutes,
                        action.target_minutes,
                        action.score_overall,
                        action.score_risk,
                        action.score_tone,
                        action.score_timing,
                        action.score_action,
                        "; ".join(findings.get(action.id, [])),
                    )
                ]
            )
    return len(rows)
