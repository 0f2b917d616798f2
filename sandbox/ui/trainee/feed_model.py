"""The feed as a list model: one row per released post, painted by :mod:`feed_delegate`.

Why a model and not widgets: a stress scenario releases 10,000 posts, and a widget per post
would cost seconds and hundreds of megabytes. Rows hold the engine's ``TimelinePost`` plus the
little the view needs (thread depth, state, the learner's own actions); everything the delegate
paints is read through named roles so tests and accessibility see the same data.

Order: newest first, like a social inbox. On a community page replies (``in_reply_to``) sit
under their thread in time order; on a microblog every post is its own row.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from sandbox.ui.trainee.formatting import action_label, duration_text, kind_label, relative_time

PostRole = Qt.ItemDataRole.UserRole + 1  # the TimelinePost itself
PostIdRole = PostRole + 1
AuthorNameRole = PostRole + 2
HandleRole = PostRole + 3
KindRole = PostRole + 4  # persona kind ("journalist"…)
TextRole = PostRole + 5  # untrusted plain text
SimAtRole = PostRole + 6  # timedelta from scenario start
StateRole = PostRole + 7  # "needs_answer" | "overdue" | "handled" | "no_action_needed"
WaitingRole = PostRole + 8  # timedelta | None
ActionsRole = PostRole + 9  # tuple of the learner's actions on this post
DepthRole = PostRole + 10  # 0 for a post, 1 for a comment in a community thread
PriorityRole = PostRole + 11
VerifiedRole = PostRole + 12
AvatarRole = PostRole + 13  # asset file name or None
ReplyToHandleRole = PostRole + 14  # microblog: "Replying to @x"
RelativeTimeRole = PostRole + 15  # "12 min ago" on the simulated clock
LayoutKeyRole = PostRole + 16  # changes whenever the row's height may change
RowRole = PostRole + 17  # (FeedRow, now): everything the delegate paints, in one call
MeasureRole = PostRole + 18  # the FeedRow as it is (for measuring: no state refresh)

ROLE_NAMES: dict[int, bytes] = {
    PostRole: b"post",
    PostIdRole: b"postId",
    AuthorNameRole: b"authorName",
    HandleRole: b"handle",
    KindRole: b"kind",
    TextRole: b"text",
    SimAtRole: b"simAt",
    StateRole: b"state",
    WaitingRole: b"waiting",
    ActionsRole: b"actions",
    DepthRole: b"depth",
    PriorityRole: b"priority",
    VerifiedRole: b"verified",
    AvatarRole: b"avatar",
    ReplyToHandleRole: b"replyToHandle",
    RelativeTimeRole: b"relativeTime",
    LayoutKeyRole: b"layoutKey",
    RowRole: b"row",
    MeasureRole: b"measure",
}

OPEN_STATES = frozenset({"needs_answer", "overdue"})

StatusFn = Callable[[str], tuple[Any, timedelta | None]]


def _value(x: Any) -> str:
    return str(getattr(x, "value", x))


@dataclass
class FeedRow:
    post: Any  # TimelinePost
    depth: int = 0
    state: str = "no_action_needed"
    waiting: timedelta | None = None
    actions: tuple[Any, ...] = ()
    revision: int = 0
    stamp: int = -1  # simulated minute of the last state refresh
    reply_to_handle: str | None = None
    children: list[str] = field(default_factory=list)


class TimelineModel(QAbstractListModel):
    """Released posts, newest first, with their state on the simulated clock."""

    def __init__(self, *, threaded: bool = False, parent: Any = None) -> None:
        super().__init__(parent)
        self._threaded = threaded
        self._rows: list[FeedRow] = []
        self._by_id: dict[str, FeedRow] = {}
        self._row_of: dict[str, int] | None = {}
        self._now = timedelta(0)
        self._status: StatusFn | None = None
        self._open: set[str] = set()  # ids of posts still needing an answer
        self._stamp = 0  # the simulated minute rows were last refreshed for

    # --- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        return {k: QByteArray(v) for k, v in ROLE_NAMES.items()}

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == MeasureRole:  # the hottest path: every row, on every relayout
            return row
        if row.stamp != self._stamp and row.state in OPEN_STATES:
            self._refresh_row_state(row)  # lazily, for rows someone looks at
        if role == RowRole:  # the hot path: one call per painted row
            return (row, self._now)
        post = row.post
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{post.author.name} ({_handle(post.author.handle)}): {post.text}"
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return self._spoken(row) if role == Qt.ItemDataRole.AccessibleTextRole else None
        if role == PostRole:
            return post
        if role == PostIdRole:
            return post.id
        if role == AuthorNameRole:
            return post.author.name
        if role == HandleRole:
            return _handle(post.author.handle)
        if role == KindRole:
            return _value(post.author.kind)
        if role == TextRole:
            return post.text
        if role == SimAtRole:
            return post.at
        if role == StateRole:
            return row.state
        if role == WaitingRole:
            return row.waiting
        if role == ActionsRole:
            return row.actions
        if role == DepthRole:
            return row.depth
        if role == PriorityRole:
            return _value(post.priority)
        if role == VerifiedRole:
            return bool(getattr(post.author, "verified", False))
        if role == AvatarRole:
            return getattr(post.author, "avatar", None)
        if role == ReplyToHandleRole:
            return row.reply_to_handle
        if role == RelativeTimeRole:
            return relative_time(self._now - post.at)
        if role == LayoutKeyRole:
            return (post.id, row.revision)
        return None

    # --- feeding the model --------------------------------------------------------------
    @property
    def threaded(self) -> bool:
        return self._threaded

    def set_status_source(self, status: StatusFn | None) -> None:
        """Where row states come from: ``status(post_id) -> (PostState, waiting)``."""
        self._status = status

    def set_now(self, now: timedelta) -> None:
        """Move the model's idea of the simulated time (relative times, waiting times).

        Time alone only ever moves an open post from "needs an answer" to "overdue" and makes
        it wait longer, both shown to the minute; so rows refresh lazily, once per simulated
        minute, when they are painted or asked about — never all 10,000 on every tick.
        """
        self._now = now
        self._stamp = int(now.total_seconds() // 60)

    @property
    def now(self) -> timedelta:
        return self._now

    def add_posts(self, posts: Sequence[Any]) -> None:
        """Insert newly released posts in feed order, keeping existing rows' identity."""
        fresh = [p for p in posts if p.id not in self._by_id]
        if not fresh:
            return
        fresh.sort(key=lambda p: p.at)
        batch_ids = {p.id for p in fresh}
        top_level = [p for p in fresh if not self._is_child(p, batch_ids)]
        children = [p for p in fresh if self._is_child(p, batch_ids)]
        if top_level:
            # made oldest first (a microblog reply finds its parent's handle), shown newest first
            new_rows = [self._make_row(p, 0) for p in top_level][::-1]
            # every new top-level post is newer than any existing one: one block at the top
            self.beginInsertRows(QModelIndex(), 0, len(new_rows) - 1)
            self._rows[0:0] = new_rows
            self._row_of = None
            self.endInsertRows()
        for p in children:  # in time order, so a reply's parent is always placed first
            self._insert_child(p)

    def _is_child(self, post: Any, batch_ids: Collection[str] = ()) -> bool:
        """On a community page, a reply to a post already shown (or arriving with it)."""
        if not (self._threaded and post.in_reply_to):
            return False
        return post.in_reply_to in self._by_id or post.in_reply_to in batch_ids

    def _make_row(self, post: Any, depth: int) -> FeedRow:
        reply_to = None
        if post.in_reply_to and post.in_reply_to in self._by_id and not self._threaded:
            reply_to = _handle(self._by_id[post.in_reply_to].post.author.handle)
        row = FeedRow(post=post, depth=depth, reply_to_handle=reply_to)
        self._by_id[post.id] = row
        self._refresh_row_state(row)
        return row

    def _root_of(self, post_id: str) -> str:
        seen = 0
        row = self._by_id[post_id]
        while row.depth and row.post.in_reply_to in self._by_id and seen < 100:
            row = self._by_id[row.post.in_reply_to]
            seen += 1
        return str(row.post.id)

    def _insert_child(self, post: Any) -> None:
        root_id = self._root_of(post.in_reply_to)
        root_pos = self.row_of(root_id)
        # the thread occupies root_pos and the following depth>0 rows
        pos = root_pos + 1
        while pos < len(self._rows) and self._rows[pos].depth > 0:
            pos += 1
        row = self._make_row(post, 1)
        self.beginInsertRows(QModelIndex(), pos, pos)
        self._rows.insert(pos, row)
        self._row_of = None
        self.endInsertRows()

    def row_of(self, post_id: str) -> int:
        """The row of a post, or -1."""
        if self._row_of is None:
            self._row_of = {r.post.id: i for i, r in enumerate(self._rows)}
        return self._row_of.get(post_id, -1)

    def index_of(self, post_id: str) -> QModelIndex:
        r = self.row_of(post_id)
        return self.index(r, 0) if r >= 0 else QModelIndex()

    def post_at(self, row: int) -> Any:
        return self._rows[row].post

    def set_actions(self, post_id: str, actions: Iterable[Any]) -> None:
        """Show the learner's actions under a post (its height changes: new layout key)."""
        row = self._by_id.get(post_id)
        if row is None:
            return
        row.actions = tuple(actions)
        row.revision += 1
        self._refresh_row_state(row)
        idx = self.index_of(post_id)
        self.dataChanged.emit(idx, idx)

    def _refresh_row_state(self, row: FeedRow) -> bool:
        if self._status is None:
            return False
        state, waiting = self._status(row.post.id)
        row.stamp = self._stamp
        state_s = _value(state)
        # waiting time only matters to the eye at the minute: ignore sub-minute changes
        changed = state_s != row.state or (
            state_s in OPEN_STATES and duration_text(waiting) != duration_text(row.waiting)
        )
        row.state, row.waiting = state_s, waiting
        if state_s in OPEN_STATES:
            self._open.add(row.post.id)
        else:
            self._open.discard(row.post.id)
        return changed

    def open_count(self) -> int:
        return len(self._open)

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._by_id.clear()
        self._open.clear()
        self._row_of = None
        self.endResetModel()

    def _spoken(self, row: FeedRow) -> str:
        post = row.post
        parts = [f"{post.author.name}, {_handle(post.author.handle)}"]
        kind = kind_label(_value(post.author.kind))
        if kind:
            parts.append(kind)
        parts.append(relative_time(self._now - post.at))
        text = ", ".join(parts) + f": {post.text}"
        if row.state == "needs_answer":
            text += ". Needs an answer"
        elif row.state == "overdue":
            text += f". Overdue, waiting {duration_text(row.waiting)}"
        elif row.state == "handled":
            text += ". Handled"
        for a in row.actions:
            text += f". You: {action_label(_value(a.kind))}"
            if getattr(a, "text", ""):
                text += f", {a.text}"
        return text


def _handle(handle: str) -> str:
    return handle if handle.startswith("@") else "@" + handle


class FeedFilter:
    all = "all"
    needs_answer = "needs_answer"
    handled = "handled"


class FeedFilterProxy(QSortFilterProxyModel):
    """All posts, only those needing an answer (incl. overdue), or only handled ones."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._mode = FeedFilter.all
        self.setDynamicSortFilter(True)
        self.setFilterRole(StateRole)

    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        if mode not in (FeedFilter.all, FeedFilter.needs_answer, FeedFilter.handled):
            raise ValueError(f"unknown feed filter {mode!r}")
        if mode != self._mode:
            if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
                self.beginFilterChange()
                self._mode = mode
                self.endFilterChange()
            else:
                self._mode = mode
                self.invalidateFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._mode == FeedFilter.all:
            return True
        model = self.sourceModel()
        state = model.data(model.index(source_row, 0, source_parent), StateRole)
        if self._mode == FeedFilter.needs_answer:
            return state in OPEN_STATES
        return bool(state == "handled")
