"""Reading settings from environment variables, refusing values we do not understand."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str, file_name: str) -> str:
    """The secret in the variable `name`, or else the contents of the file the variable `file_name`
    names (surrounding whitespace dropped); "" when neither is set. A named file that cannot be read,
    or is empty, is refused rather than ignored."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    path = os.environ.get(file_name, "").strip()
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8") as file:
            value = file.read().strip()
    except OSError as error:
        raise ImproperlyConfigured(f"{file_name} is {path!r}, which cannot be read: {error.strerror}") from None
    if not value:
        raise ImproperlyConfigured(f"{file_name} is {path!r}, which is empty")
    return value
