"""``sandbox shoot`` renders the trainee's screens from the app itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sandbox.commands import shoot as shoot_command


@pytest.mark.slow
def test_trainee_screens_render_to_png(app: Any, tmp_path: Path, flood_path: Path) -> None:
    from PySide6.QtGui import QImage

    from sandbox.ui.shoot import render

    files = render(
        tmp_path,
        sizes=[(1024, 640)],
        modules=["sandbox.ui.trainee.shots"],
        progress=lambda _p: None,
    )
    names = {f.name for f in files}
    for expected in (
        "trainee-1-sign-in-1024x640.png",
        "trainee-2-scenario-picker-1024x640.png",
        "trainee-3-timeline-1024x640.png",
        "trainee-4-composer-findings-1024x640.png",
        "trainee-5-results-1024x640.png",
    ):
        assert expected in names
        image = QImage(str(tmp_path / expected))
        assert (image.width(), image.height()) == (1024, 640)


def test_shoot_sizes_are_checked() -> None:
    assert shoot_command._size("1280x800") == (1280, 800)
    import argparse

    with pytest.raises(argparse.ArgumentTypeError):
        shoot_command._size("big")
