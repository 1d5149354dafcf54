"""What text and numbers from outside must be before anything stores or looks them up — the one place
those rules are written, for every path in: the pages' forms, the JSON API, the public ballot and the
Excel import.

Why these rules, and not just the model fields':
- Text: PostgreSQL refuses a NUL character in text and JSON ("\\x00", "\\u0000"), and neither database
  can store a lone surrogate ("\\ud800", which JSON can spell). Other control characters are invisible
  and only ever arrive by accident. So text may hold any character except control characters (tab,
  line feed and carriage return are kept: a textarea sends \\r\\n) and surrogates; text_problem() says
  which one and where. Lengths are checked with the same messages on every path.
- Numbers: an id or a number bigger than the database column (2**63 - 1 for ids, 2**31 - 1 for
  PostgreSQL's integer columns) makes SQLite raise OverflowError and PostgreSQL refuse the statement;
  an offset of 10**20 does too. Every number from outside has a range here (ids, sort orders,
  offsets, small counts), and the forms, the import and the API use the same one.
- Types: the API takes numbers and booleans as JSON numbers and booleans only — `"person_id": true`
  is not person 1 and `"5"` is not 5 — while query strings and paths, which are text by nature, take
  ASCII digits only.

Three kinds of users of this module:
- pages' forms: TextField (a CharField with the text rule) and the MAX_* limits for IntegerField;
- services reading raw values (the ballot, the import): clean_text(), text_problem(), parse_int();
- the API's request schemas: the pydantic types Id, IdParam, Text(n), SortOrder, Offset, Limit,
  Count(n), Flag, Weight, JsonObject, and pydantic_message(), which words pydantic's own errors in
  the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

# --- Limits ---------------------------------------------------------------------------------------

MAX_ID = 2**63 - 1  # BigAutoField on both databases
MAX_INT32 = 2**31 - 1  # PositiveIntegerField is a 32-bit integer on PostgreSQL
MAX_SORT_ORDER = 100_000  # position among siblings: pages, import and API alike
MAX_OFFSET = 1_000_000  # far beyond any list of this college, far below what a database refuses
MAX_DIGITS = 30  # longer runs of digits are not parsed (they are out of every range anyway)

# Control characters (C0, DEL, C1) other than tab, line feed and carriage return, and surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DIGITS = re.compile(r"-?[0-9]+")


# --- Text -----------------------------------------------------------------------------------------


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored, naming the character and its position (1-based); None if it can."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    return _(
        "Character %(position)d is an invisible control character (%(char)s), which cannot be saved. "
        "Delete it (it often comes with text copied from another program) and try again."
    ) % {"position": found.start() + 1, "char": f"U+{ord(found.group()):04X}"}


def without_forbidden(value: str) -> str:
    """`value` without the characters text_problem() refuses: for showing refused text again so that
    sending it once more succeeds."""
    return _FORBIDDEN.sub("", value)


def length_problem(value: str, max_length: int) -> str | None:
    if len(value) <= max_length:
        return None
    return _("At most %(max)d characters; this has %(length)d.") % {"max": max_length, "length": len(value)}


def validate_text(value: str) -> None:
    """A Django validator: refuses control characters and surrogates (see text_problem)."""
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem, code="control_character")


def clean_text(value: str, *, max_length: int | None = None, strip: bool = True) -> str:
    """`value` (stripped, unless strip=False) if it may be stored; else ValidationError with the reason."""
    validate_text(value)
    if strip:
        value = value.strip()
    if max_length is not None:
        problem = length_problem(value, max_length)
        if problem:
            raise ValidationError(problem, code="max_length")
    return value


def json_text_problem(value: Any) -> tuple[str, str] | None:
    """(path, reason) of the first string, key or value, anywhere in decoded JSON that text_problem()
    refuses; path like `items.0.label`. None when every string may be stored."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return path, problem
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                key_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and text_problem(key):
                    return key_path, text_problem(key)  # type: ignore[return-value]
                stack.append((key_path, inner))
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{path}.{index}" if path else str(index), inner) for index, inner in enumerate(item))
    return None


class TextField(forms.CharField):
    """A form's CharField with the text rule of every other path (no control characters), whose
    message (which character, where) replaces Django's own for NUL."""

    default_validators = [validate_text]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


# --- Numbers --------------------------------------------------------------------------------------


def range_problem(value: int, minimum: int, maximum: int) -> str | None:
    if minimum <= value <= maximum:
        return None
    return _("Enter a whole number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}


def parse_int(text: str, *, minimum: int, maximum: int) -> int:
    """A whole number written in ASCII digits (optionally with a leading -), within the range; else
    ValidationError. For raw values: the ballot's hidden fields, spreadsheet cells."""
    text = text.strip()
    if not _DIGITS.fullmatch(text):
        raise ValidationError(
            _("Enter a whole number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}, code="invalid"
        )
    number = int(text) if len(text) <= MAX_DIGITS else (maximum + 1 if text[0] != "-" else minimum - 1)
    problem = range_problem(number, minimum, maximum)
    if problem:
        raise ValidationError(problem, code="out_of_range")
    return number


def parse_id(text: str) -> int | None:
    """An object id from a raw value, or None when it cannot be one (not digits, < 1, > MAX_ID)."""
    try:
        return parse_int(text, minimum=1, maximum=MAX_ID)
    except ValidationError:
        return None


# --- Types of the API's request schemas (pydantic) ----------------------------------------------------


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("shuzhi_input", "{message}", {"message": message})


def _json_int(value: Any) -> Any:
    """JSON bodies: a number without a fraction, never true/false, text or 1.0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(_("Must be a whole number written as a JSON number, such as 12 (not text, not true or false)."))
    return value


def _text_int(value: Any) -> Any:
    """Paths and query strings: ASCII digits (optionally with a leading -); numbers longer than
    MAX_DIGITS are out of every range and are not parsed."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        if len(value) > MAX_DIGITS:  # outside every range: the range check then says which one
            return -(10**MAX_DIGITS) if value[0] == "-" else 10**MAX_DIGITS
        return int(value)
    raise _refuse(_("Enter a whole number, such as 12."))


def _json_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _refuse(_("Must be true or false (a JSON boolean, not text or a number)."))
    return value


def _text_check(max_length: int):
    def check(value: Any) -> Any:
        if isinstance(value, str):  # before pydantic's own check, which refuses a lone surrogate in English
            problem = text_problem(value) or length_problem(value, max_length)
            if problem:
                raise _refuse(problem)
        return value

    return check


def _checked_json(value: Any) -> Any:
    found = json_text_problem(value)
    if found:
        path, problem = found
        raise _refuse(_("%(path)s: %(problem)s") % {"path": path, "problem": problem} if path else problem)
    return value


def Text(max_length: int) -> Any:  # noqa: N802 - used as a type
    """A string of at most max_length characters without control characters."""
    return Annotated[str, Field(max_length=max_length), BeforeValidator(_text_check(max_length))]


def Count(maximum: int, *, minimum: int = 0) -> Any:  # noqa: N802 - used as a type
    """A whole JSON number from minimum to maximum (a count, a revision, a version number)."""
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(_json_int)]


Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_int)]  # in a JSON body
IdParam = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_text_int)]  # in a path or query string
SortOrder = Annotated[int, Field(ge=0, le=MAX_SORT_ORDER), BeforeValidator(_json_int)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET), BeforeValidator(_text_int)]
Flag = Annotated[bool, BeforeValidator(_json_bool)]  # in a JSON body
Weight = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
JsonObject = Annotated[dict, AfterValidator(_checked_json)]


def Limit(maximum: int) -> Any:  # noqa: N802 - used as a type
    return Annotated[int, Field(ge=1, le=maximum), BeforeValidator(_text_int)]


# --- pydantic's own errors, in the user's language ----------------------------------------------------

_CHOICE = re.compile(r"'((?:[^'\\]|\\.)*)'")

_MESSAGES = {
    "missing": gettext_lazy("This field is missing: fill it in."),
    "int_type": gettext_lazy("Enter a whole number, such as 12."),
    "int_parsing": gettext_lazy("Enter a whole number, such as 12."),
    "int_from_float": gettext_lazy("Enter a whole number, such as 12."),
    "float_type": gettext_lazy("Enter a number, such as 12.5."),
    "float_parsing": gettext_lazy("Enter a number, such as 12.5."),
    "finite_number": gettext_lazy("Enter a number, such as 12.5."),
    "bool_type": gettext_lazy("Must be true or false."),
    "bool_parsing": gettext_lazy("Must be true or false."),
    "string_type": gettext_lazy("Must be text (a JSON string)."),
    "date_type": gettext_lazy("Enter a date such as 2026-11-30."),
    "date_parsing": gettext_lazy("Enter a date such as 2026-11-30."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date such as 2026-11-30."),
    "date_from_datetime_inexact": gettext_lazy("Enter a date such as 2026-11-30."),
    "datetime_type": gettext_lazy("Enter a date and time such as 2026-12-20T09:00:00+08:00."),
    "datetime_parsing": gettext_lazy("Enter a date and time such as 2026-12-20T09:00:00+08:00."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time such as 2026-12-20T09:00:00+08:00."),
    "datetime_object_invalid": gettext_lazy("Enter a date and time such as 2026-12-20T09:00:00+08:00."),
    "dict_type": gettext_lazy("Must be a JSON object ({…})."),
    "model_type": gettext_lazy("Must be a JSON object ({…})."),
    "model_attributes_type": gettext_lazy("Must be a JSON object ({…})."),
    "list_type": gettext_lazy("Must be a JSON array ([…])."),
}


def pydantic_message(error: Mapping[str, Any]) -> str:
    """The message for one of pydantic's error dicts, in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "shuzhi_input":
        return str(ctx.get("message", ""))
    if kind in _MESSAGES:
        return str(_MESSAGES[kind])
    if kind == "greater_than_equal":
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "too_long":
        return _("At most %(max)d entries.") % {"max": ctx.get("max_length", 0)}
    if kind in ("literal_error", "enum"):
        choices = _CHOICE.findall(str(ctx.get("expected", "")))
        return _("Must be one of: %(choices)s.") % {"choices": "、".join(choices) or "—"}
    return _("This value cannot be used here.")
