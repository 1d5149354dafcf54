"""Checking one cell: dates, order numbers, organisation names, choice labels; and the problem list of
one sheet. Pure: no database access.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shuzhi.core import inputs
from shuzhi.orgs.importing.fileformat import MAX_SORT_ORDER
from shuzhi.orgs.importing.reading import cell_text
from shuzhi.orgs.importing.results import ImportProblem


class _Problems:
    """Collects problems for one sheet."""

    def __init__(self, sheet: str, into: list[ImportProblem]) -> None:
        self.sheet = sheet
        self.into = into

    def add(self, row: int, column: str, message: str) -> None:
        self.into.append(ImportProblem(self.sheet, row, column, message))


def _one_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def clean_org_name(text: str) -> str:
    """The name as the services store it: inner whitespace collapsed (no length check)."""
    return " ".join(text.split())


def parse_date(value: Any) -> datetime.date:
    """A date cell: an Excel date, or text like 2024-09-01, 2024/9/1, 2024.9.1, 2024年9月1日 or 20240901.

    Raises ValueError when it is none of these or not a real date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(part) for part in match.groups()))


def _parse_sort_order(value: Any) -> int:
    """排序: empty is 0, else a whole number 0..MAX_SORT_ORDER. Raises ValueError otherwise."""
    text = cell_text(value)
    if text == "":
        return 0
    if isinstance(value, float):
        raise ValueError(text)
    try:
        return inputs.parse_int(text, minimum=0, maximum=MAX_SORT_ORDER)
    except ValidationError:
        raise ValueError(text) from None


def _choice_problem(value: str, labels: Iterable[str]) -> str:
    return _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": "、".join(labels)}
