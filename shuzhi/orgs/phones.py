"""The one rule for a person's phone number, on every path in (the person form, the API, the Excel
import — all through services._clean_person_fields, which calls clean_phone).

What is accepted, and how it is stored:
- a mainland mobile number: 11 digits starting with 1 and a second digit 3–9 → "13912345678";
- a mainland landline with its area code: 0 and two or three more digits (010 and 020–029 are the only
  three-digit codes, so digits alone split without doubt), then a local number of 7 or 8 digits not
  starting with 0 or 1 → "0394-8888888", optionally an extension of up to 6 digits → "0394-8888888-801".
Spaces, hyphens, dots and brackets around the area code are accepted as typed and dropped, full-width
digits and signs count as ordinary ones, and +86 / 0086 in front is dropped. Refused: a local number
without its area code (the 7-digit number that reached the system through the import), a mobile number
of the wrong length, a number of another country, and anything longer than MAX_LENGTH as typed.
Pure: no database, no settings.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 20  # as typed; the stored forms are at most 20 characters too (Person.phone)

_SEPARATORS = re.compile(r"[\s\-.()]+")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LOCAL = re.compile(r"[2-9]\d{6,7}")


def _problem(typed: str) -> ValidationError:
    return ValidationError(
        _(
            "%(phone)s is not a phone number this system takes: enter a mainland mobile number of "
            "11 digits starting with 1 (e.g. 13912345678) or a landline with its area code (e.g. "
            "0394-8888888)."
        )
        % {"phone": typed}
    )


def clean_phone(value: str | None) -> str:
    """The phone number as stored ("" for none), or ValidationError with a message that names what was
    typed and how to write it."""
    typed = (value or "").strip()
    if not typed:
        return ""
    if len(typed) > MAX_LENGTH:
        raise ValidationError(_("A phone number has at most %(n)d characters.") % {"n": MAX_LENGTH})
    text = unicodedata.normalize("NFKC", typed)
    found = _EXTENSION.search(text)
    if found:
        return _parse(typed, text[: found.start()], found.group(1))
    try:
        return _parse(typed, text, "")
    except ValidationError:
        # 0394-8888888-801: a last group of digits after a landline is its extension.
        head, _sep, tail = text.rpartition("-")
        if head and tail.strip().isdigit() and len(tail.strip()) <= 6:
            try:
                landline = _parse(typed, head, tail.strip())
            except ValidationError:
                pass
            else:
                if "-" in landline:
                    return landline
        raise


def _parse(typed: str, text: str, extension: str) -> str:
    digits = _SEPARATORS.sub("", text)
    international = digits.startswith(("+86", "0086"))
    if international:
        digits = digits.removeprefix("+86").removeprefix("0086")
    elif digits.startswith(("+", "00")):
        raise ValidationError(
            _(
                "%(phone)s is not a mainland China number: enter a mobile number of 11 digits or "
                "a landline with its area code (e.g. 0394-8888888)."
            )
            % {"phone": typed}
        )
    if not (digits.isascii() and digits.isdigit()):
        raise _problem(typed)
    if _MOBILE.fullmatch(digits) and not extension:
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits  # +86 394 8888888: the area code without its 0
    if digits.startswith("1") and len(digits) != 11 and not extension:
        raise ValidationError(
            _("%(phone)s has %(n)d digits: a mobile number has 11, starting with 1 (e.g. 13912345678).")
            % {"phone": typed, "n": len(digits)}
        )
    if _LOCAL.fullmatch(digits):
        raise ValidationError(
            _("%(phone)s has no area code: write a landline with its area code, e.g. 0394-8888888.") % {"phone": typed}
        )
    area = _area_code(digits)
    if area and _LOCAL.fullmatch(digits[len(area) :]):
        return f"{area}-{digits[len(area) :]}" + (f"-{extension}" if extension else "")
    raise _problem(typed)


def _area_code(digits: str) -> str:
    """The area code at the start of `digits`: 010 or 020–029 (three digits), 03xx–09xx (four), else ""."""
    if digits.startswith("010") or re.match(r"02\d", digits):
        return digits[:3]
    if re.match(r"0[3-9]\d\d", digits):
        return digits[:4]
    return ""
