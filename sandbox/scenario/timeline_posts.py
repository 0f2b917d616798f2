"""The post as the timeline shows it: scripted, filler or follow-up, all one shape.

The timeline engine releases these and the UI draws them, so they carry the resolved author
(a :class:`Persona`, not an id) and the absolute offset from the scenario start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sandbox.scenario.models import Expectation, Persona, Priority

PostSource = Literal["scripted", "filler", "follow_up"]


@dataclass(frozen=True, slots=True)
class TimelinePost:
    """One post on the simulated timeline.

    ``at`` is the offset from the scenario start (for follow-up posts: when it was released).
    ``expect`` is None for posts that need no answer (all filler). ``follow_up_id`` names the
    follow-up that released the post, for ``source == "follow_up"`` only.
    """

    id: str
    at: timedelta
    author: Persona
    text: str
    priority: Priority = Priority.normal
    in_reply_to: str | None = None
    expect: Expectation | None = None
    source: PostSource = "scripted"
    follow_up_id: str | None = None

    @property
    def needs_answer(self) -> bool:
        return self.expect is not None and self.expect.needs_answer
