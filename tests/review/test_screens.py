"""The review screens: sign-in, review list, transcript, workshop, and who may open them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from sandbox import auth
from sandbox.auth import PermissionDenied
from sandbox.store import crud
from sandbox.store.models import Profile, utcnow

from .helpers import PASSPHRASE, make_attempt, make_trainee, make_trainer


def test_sign_in_dialog_right_and_wrong(qtbot: Any, db: Any) -> None:
    from sandbox.ui.review.login import PassphraseDialog

    with db.session() as s:
        trainer = make_trainer(s)
    dialog = PassphraseDialog(db, trainer)
    qtbot.add_widget(dialog)
    dialog.passphrase.setText("wrong wrong wrong")
    dialog.sign_in.click()
    qtbot.waitUntil(lambda: "not right" in dialog.message.text(), timeout=10_000)
    assert dialog.result() == 0
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.wait_signal(dialog.accepted, timeout=10_000):
        dialog.sign_in.click()


def test_sign_in_dialog_counts_down_after_failures(qtbot: Any, db: Any) -> None:
    from sandbox.ui.review.login import PassphraseDialog

    with db.session() as s:
        trainer = make_trainer(s)
        start = utcnow()
        # Five wrong tries, each after the previous wait so that it counts: a 4-second wait
        # from the last one (3.2 s after the start).
        for after in (0.001, 0.002, 0.003, 1.1, 3.2):
            auth.verify_passphrase(
                s, profile=trainer, passphrase="nope nope", now=start + timedelta(seconds=after)
            )
        assert auth.consecutive_failures(s, trainer.id)[0] == 5
    dialog = PassphraseDialog(db, trainer)
    qtbot.add_widget(dialog)
    qtbot.waitUntil(lambda: dialog.wait_left > 0, timeout=10_000)
    assert not dialog.sign_in.isEnabled()
    assert "wait" in dialog.message.text() and "second" in dialog.message.text()
    qtbot.waitUntil(lambda: dialog.sign_in.isEnabled(), timeout=10_000)
    assert "try again" in dialog.message.text()


def test_create_profile_dialog_checks_passphrase(qtbot: Any, db: Any) -> None:
    from sandbox.ui.review.login import CreateProfileDialog

    dialog = CreateProfileDialog(db)
    qtbot.add_widget(dialog)
    dialog.name.setText("Priya Shah")
    dialog.passphrase.setText("short")
    dialog.repeat.setText("short")
    dialog.create_button.click()
    assert "at least" in dialog.message.text()
    dialog.passphrase.setText("a long enough passphrase")
    dialog.repeat.setText("a long enough passphrasE")
    dialog.create_button.click()
    assert "do not match" in dialog.message.text()
    dialog.repeat.setText("a long enough passphrase")
    with qtbot.wait_signal(dialog.accepted, timeout=10_000):
        dialog.create_button.click()
    assert dialog.created is not None and dialog.created.role == "trainer"
    with db.session() as s:
        stored = crud.get_profile(s, profile_id=dialog.created.id)
        assert stored is not None and stored.passphrase_hash.startswith("$argon2id$")


def test_trainee_cannot_open_review_screens(qtbot: Any, db: Any) -> None:
    from sandbox.ui.review.home import ReviewHome
    from sandbox.ui.review.review_list import ReviewListModel
    from sandbox.ui.review.transcript_view import TranscriptView
    from sandbox.ui.review.workshop import WorkshopView

    trainee = Profile(name="Tom", role="trainee")
    for make in (
        lambda: ReviewHome(db, trainee),
        lambda: ReviewListModel(db, trainee),
        lambda: TranscriptView(db, trainee, "any"),
        lambda: WorkshopView(db, trainee),
    ):
        with pytest.raises(PermissionDenied):
            make()


def test_review_list_lazy_loading_and_sorting(qtbot: Any, db: Any) -> None:
    from sandbox.review.listing import PAGE_SIZE, SortKey
    from sandbox.ui.review.review_list import ReviewListWidget

    with db.session() as s:
        trainer = make_trainer(s)
        ann = make_trainee(s, "Ann")
        for i in range(PAGE_SIZE + 30):
            make_attempt(s, ann, score=i % 101, day=i % 40)
    widget = ReviewListWidget(db, trainer)
    qtbot.add_widget(widget)
    model = widget.model
    qtbot.waitUntil(lambda: model.total == PAGE_SIZE + 30, timeout=10_000)
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    assert widget.count_label.text() == f"{PAGE_SIZE + 30} attempts"
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE + 30, timeout=10_000)
    assert not model.canFetchMore()
    model.sort(5, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(
        lambda: model.filter.sort == SortKey.score and model.rowCount() > 0 and not model.loading,
        timeout=10_000,
    )
    scores = [model.row_at(i).score_overall for i in range(10)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 100
    opened: list[str] = []
    widget.open_attempt.connect(opened.append)
    widget.table.selectRow(0)
    widget.open_button.click()
    assert opened == [model.row_at(0).attempt_id]


def test_transcript_view_override_comment_verdict(
    qtbot: Any, demo: tuple[Any, Any], tmp_path: Any
) -> None:
    from sandbox.ui.review.transcript_view import TranscriptView

    db, summary = demo
    with db.session() as s:
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
    aid = summary.attempt_ids[2]
    view = TranscriptView(db, trainer, aid)
    qtbot.add_widget(view)
    qtbot.waitUntil(lambda: view.transcript is not None, timeout=20_000)
    t = view.transcript
    assert t is not None and t.trainee_name in view.title.text()
    action = next(a for e in t.entries for a in e.actions if a.card)
    assert f"review:override?action={action.id}" in view.browser.toHtml()

    dialog = view.make_override_dialog(action.id)
    assert dialog is not None
    qtbot.add_widget(dialog)
    dialog.family.setCurrentIndex(dialog.family.findData("tone"))
    dialog.new.setValue(((action.scores["tone"] or 0) + 7) % 101)
    assert not dialog.ok.isEnabled()  # no reason yet
    assert "reason is required" in dialog.message.text()
    dialog.reason.setPlainText("Kind and clear; the jargon rule misfired.")
    assert dialog.ok.isEnabled()
    family, new, reason = dialog.chosen

    with qtbot.wait_signal(view.loaded, timeout=20_000):
        view.save_override(family, new, reason, action.id)
    shown = view.transcript.action(action.id)
    assert shown is not None and shown.scores["tone"] == new
    assert shown.original_scores["tone"] == action.original_scores["tone"]  # original kept
    assert "Kind and clear; the jargon rule misfired." in view.browser.toPlainText()

    with qtbot.wait_signal(view.loaded, timeout=20_000):
        view.save_comment("Good use of a private message.", action.id)
    assert "Good use of a private message." in view.browser.toPlainText()

    with qtbot.wait_signal(view.loaded, timeout=20_000):
        view.set_verdict("passed")
    assert view.status.text() == "Reviewed: passed"
    with db.session() as s:
        stored = crud.get_attempt(s, attempt_id=aid)
        assert stored is not None and stored.reviewed and stored.outcome == "passed"
        events = {e.event for e in crud.list_audit(s, actor_id=summary.trainer_id)}
        assert {"score.override", "comment.added", "attempt.reviewed"} <= events

    pdf = view.export_pdf(tmp_path / "t.pdf")
    assert pdf is not None and pdf.stat().st_size > 1000


def test_workshop_view_hides_names(qtbot: Any, demo: tuple[Any, Any]) -> None:
    from sandbox.ui.review.workshop import WorkshopView

    db, summary = demo
    with db.session() as s:
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
        names = {crud.get_profile(s, profile_id=p).name for p in summary.trainee_ids}
    view = WorkshopView(db, trainer)
    qtbot.add_widget(view)
    view.resize(1280, 800)
    qtbot.waitUntil(lambda: bool(view.replies), timeout=20_000)
    assert not view.live.isEnabled()  # SQLite: import files instead of live refresh
    assert {r.label for r in view.replies} <= names
    scores = [r.score for r in view.replies if not r.missed and r.score is not None]
    assert scores == sorted(scores, reverse=True)
    view.hide_names.setChecked(True)
    qtbot.waitUntil(lambda: view.replies[0].label.startswith("Trainee "), timeout=20_000)
    assert not ({r.label for r in view.replies} & names)
    assert len(view.cards()) >= len(view.replies)


def test_main_window_sends_trainer_to_review_home(
    qtbot: Any, demo: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sandbox.ui.main_window import MainWindow
    from sandbox.ui.review import login
    from sandbox.ui.review.home import ReviewHome

    db, summary = demo
    with db.session() as s:
        trainer = crud.get_profile(s, profile_id=summary.trainer_id)
    asked: list[str] = []

    def fake_ask(parent: Any, database: Any, profile: Any) -> bool:
        asked.append(profile.name)
        return len(asked) > 1  # wrong the first time, right the second

    monkeypatch.setattr(login, "ask_passphrase", fake_ask)
    window = MainWindow(db)
    qtbot.add_widget(window)
    window.sign_in(trainer)
    assert window.current_profile is None  # a wrong passphrase keeps them out
    window.sign_in(trainer)
    assert asked == [trainer.name, trainer.name]
    assert isinstance(window.current_screen(), ReviewHome)
