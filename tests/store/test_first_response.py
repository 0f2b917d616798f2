"""``ActionRecord.first_response``: set when written, on import, and by the rev0003 backfill."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from sandbox.store import crud, queries
from sandbox.store import transcripts as tx
from sandbox.store.db import Database, head_revision, open_database

KEY = bytes(range(32))


def flags(db: Database, attempt_id: str) -> list[tuple[str, str, bool]]:
    """(post, kind, first_response) of an attempt's actions, in the order they were taken."""
    with db.session() as s:
        return [
            (a.post_id, a.kind, a.first_response)
            for a in crud.list_actions(s, attempt_id=attempt_id)
        ]


def test_record_action_flags_only_the_first_response_to_each_post(db):
    with db.session() as s:
        ann = crud.create_profile(s, name="Ann")
        a = crud.start_attempt(s, profile_id=ann.id, scenario_id="flood")
        for post, kind in [
            ("p1", "like"),  # a like does not answer the post…
            ("p1", "hide"),  # …nor does hiding it
            ("p1", "reply"),  # so this is the first response
            ("p1", "reply"),  # a second reply is not
            ("p2", "escalate"),  # escalating counts as answering
            ("p2", "private_message"),
            ("p3", "private_message"),
            ("p4", "leave"),
        ]:
            action = crud.record_action(
                s, attempt_id=a.id, post_id=post, kind=kind, elapsed_minutes=1
            )
            assert action.first_response == (
                (post, kind) in {("p1", "reply"), ("p2", "escalate"), ("p3", "private_message")}
                and action.seq in (3, 5, 7)
            )
        # another attempt on the same post starts afresh
        b = crud.start_attempt(s, profile_id=ann.id, scenario_id="flood")
        crud.record_action(s, attempt_id=b.id, post_id="p1", kind="reply")
    assert flags(db, a.id) == [
        ("p1", "like", False),
        ("p1", "hide", False),
        ("p1", "reply", True),
        ("p1", "reply", False),
        ("p2", "escalate", True),
        ("p2", "private_message", False),
        ("p3", "private_message", True),
        ("p4", "leave", False),
    ]
    assert flags(db, b.id) == [("p1", "reply", True)]
    with db.session() as s:  # what record_action wrote is what a recomputation gives
        assert crud.mark_first_responses(s) == 0


def test_mark_first_responses_repairs_wrong_flags_idempotently(db):
    with db.session() as s:
        ann = crud.create_profile(s, name="Ann")
        a = crud.start_attempt(s, profile_id=ann.id, scenario_id="flood")
        other = crud.start_attempt(s, profile_id=ann.id, scenario_id="bins")
        for post, kind in [("p1", "reply"), ("p1", "reply"), ("p2", "like")]:
            crud.record_action(s, attempt_id=a.id, post_id=post, kind=kind)
        crud.record_action(s, attempt_id=other.id, post_id="p1", kind="reply")
        # scramble the flags behind the store's back (as a bulk load might leave them)
        s.execute(text("UPDATE action_record SET first_response = NOT first_response"))
        s.commit()
        assert crud.mark_first_responses(s, attempt_ids=[a.id]) == 3
        assert crud.mark_first_responses(s, attempt_ids=[a.id]) == 0
        s.commit()
    assert [f for *_, f in flags(db, a.id)] == [True, False, False]
    assert [f for *_, f in flags(db, other.id)] == [False]  # not asked for: left alone
    with db.session() as s:
        assert crud.mark_first_responses(s) == 1
        s.commit()
    assert [f for *_, f in flags(db, other.id)] == [True]


def test_import_recomputes_the_flags_whatever_the_file_says(db, tmp_path: Path):
    source = open_database(f"sqlite:///{tmp_path / 'source.db'}")
    try:
        with source.session() as s:
            ann = crud.create_profile(s, name="Ann", team="A")
            a = crud.start_attempt(s, profile_id=ann.id, scenario_id="flood")
            for post, kind, minutes in [
                ("p1", "like", 1.0),
                ("p1", "reply", 12.0),
                ("p1", "reply", 30.0),
                ("p2", "escalate", 20.0),
            ]:
                crud.record_action(
                    s, attempt_id=a.id, post_id=post, kind=kind, elapsed_minutes=minutes
                )
            payload = tx.build_transcript(s, attempt_ids=[a.id], key=KEY)
            more_id = crud.record_action(
                s, attempt_id=a.id, post_id="p3", kind="private_message", elapsed_minutes=5.0
            ).id
            later = tx.build_transcript(s, attempt_ids=[a.id], key=KEY)
    finally:
        source.close()
    actions = payload["attempts"][0]["actions"]
    assert all("first_response" not in act for act in actions)  # derived: not exported
    # a file from elsewhere claiming the opposite of the truth is corrected on import
    for act in actions:
        act["first_response"] = act["kind"] != "reply"
    del payload["signature"]
    payload["signature"] = {"alg": tx.SIGNATURE_ALG, "value": tx.sign(payload, KEY)}
    path = tx.write_transcript(tmp_path / "ann.json", payload)
    expected = [
        ("p1", "like", False),
        ("p1", "reply", True),
        ("p1", "reply", False),
        ("p2", "escalate", True),
    ]
    with db.session() as s:
        tx.import_transcript(s, path, KEY)
        # objects loaded in the importing session see the recomputed flags too
        assert [act.first_response for act in crud.list_actions(s, attempt_id=a.id)] == [
            f for *_, f in expected
        ]
    assert flags(db, a.id) == expected
    with db.session() as s:  # importing again changes nothing
        assert tx.import_transcript(s, path, KEY).actions_added == 0
    assert flags(db, a.id) == expected
    # a later export of the same attempt brings just the new action, flagged on arrival
    with db.session() as s:
        assert tx.import_transcript(s, tx.write_transcript(tmp_path / "2.json", later), KEY)
    assert flags(db, a.id) == [*expected, ("p3", "private_message", True)]
    with db.session() as s:
        rows = queries.first_reply_times(s)
        assert [(r.name, r.posts_answered, r.median_minutes) for r in rows] == [("Ann", 3, 12.0)]
        assert more_id in {x.id for x in crud.list_actions(s, attempt_id=a.id)}


def _seed_second_revision(url: str) -> None:
    """Actions written as revision 0002 knew them (raw SQL: no first_response column yet)."""
    db = open_database(url, revision="0002")
    assert db.revision == "0002"
    at = datetime(2026, 2, 3, 10, 30, tzinfo=UTC)
    stamp = at if not db.is_sqlite else at.replace(tzinfo=None)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO profile (id, name, role, team, created_at, archived)"
                " VALUES ('p-1', 'Ann', 'trainee', 'A', :at, false)"
            ),
            {"at": stamp},
        )
        for attempt in ("a-1", "a-2"):
            conn.execute(
                text(
                    "INSERT INTO attempt (id, profile_id, scenario_id, scenario_title,"
                    " scenario_version, scenario_hash, seed, mode, status, started_at,"
                    " reviewed, app_version) VALUES (:id, 'p-1', 'flood', 'Flood', '1', 'h',"
                    " 7, 'practice', 'finished', :at, false, 'old')"
                ),
                {"id": attempt, "at": stamp},
            )
        rows = [
            # (attempt, seq, post, kind, minutes); inserted out of order on purpose
            ("a-1", 4, "p1", "reply", 50.0),
            ("a-1", 1, "p1", "like", 2.0),
            ("a-1", 2, "p1", "hide", 3.0),
            ("a-1", 3, "p1", "private_message", 40.0),
            ("a-1", 5, "p2", "escalate", 10.0),
            ("a-1", 6, "p3", "leave", None),
            ("a-2", 1, "p1", "reply", 20.0),
        ]
        for attempt, seq, post, kind, minutes in rows:
            conn.execute(
                text(
                    "INSERT INTO action_record (id, attempt_id, seq, post_id, kind, text,"
                    " sim_at_seconds, wall_at, elapsed_minutes) VALUES (:id, :attempt, :seq,"
                    " :post, :kind, '', 0.0, :at, :minutes)"
                ),
                {
                    "id": f"{attempt}-{seq}",
                    "attempt": attempt,
                    "seq": seq,
                    "post": post,
                    "kind": kind,
                    "at": stamp,
                    "minutes": minutes,
                },
            )
    db.close()


def test_migration_backfills_the_flag_from_a_second_revision_database(db_url: str):
    _seed_second_revision(db_url)
    db = open_database(db_url)
    try:
        assert db.revision == head_revision()
        assert flags(db, "a-1") == [
            ("p1", "like", False),
            ("p1", "hide", False),
            ("p1", "private_message", True),
            ("p1", "reply", False),
            ("p2", "escalate", True),
            ("p3", "leave", False),
        ]
        assert flags(db, "a-2") == [("p1", "reply", True)]
        with db.session() as s:
            assert crud.mark_first_responses(s) == 0  # the backfill agrees with the store
            # the reports read the backfilled flag: first responses 40, 10 and 20 minutes
            (ann,) = queries.first_reply_times(s)
            assert (ann.posts_answered, ann.median_minutes, ann.mean_minutes) == (3, 20.0, 23.33)
            # and new writes after the upgrade are flagged as they are stored
            assert crud.record_action(
                s, attempt_id="a-2", post_id="p9", kind="reply"
            ).first_response
            assert not crud.record_action(
                s, attempt_id="a-2", post_id="p1", kind="reply"
            ).first_response
    finally:
        db.close()
