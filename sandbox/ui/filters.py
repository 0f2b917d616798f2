"""Filter inputs shared by the trainer's review list and the manager's dashboard."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit


def date_range_inputs(label: str, *, days_back: int) -> tuple[QCheckBox, QDateEdit, QDateEdit]:
    """A check box that switches on a from/to date pair (UK format, calendar pop-ups).

    Off by default so lists start unfiltered; the dates default to the last ``days_back`` days.
    """
    use_dates = QCheckBox(label)
    date_from = QDateEdit(QDate.currentDate().addDays(-days_back))
    date_to = QDateEdit(QDate.currentDate())
    for edit, name in ((date_from, "From date"), (date_to, "To date")):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setAccessibleName(name)
        edit.setEnabled(False)
    use_dates.toggled.connect(date_from.setEnabled)
    use_dates.toggled.connect(date_to.setEnabled)
    return use_dates, date_from, date_to
