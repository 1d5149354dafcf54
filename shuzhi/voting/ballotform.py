"""The ballot form (测评票样式) and the valid-ballot rules (有效票规则), as plain data checked here.

A form is {"options": [...], "items": [...], "rules": {...}}:
- options: the overall rating of each presenter, e.g. 满意 100 / 基本满意 60 / 不满意 0; `satisfied`
  marks the options that count towards the satisfaction rate.
- items: optional per-item ratings (e.g. 履行第一责任人职责), each with its own options.
- rules: void_if_no_rating — a ballot rating no presenter is void (not counted, shown separately);
  max_satisfied_share + max_satisfied_action — a ballot giving the first option to more than that
  share of presenters is counted normally ("count") or set aside as flagged ("flag");
  all_unsatisfied_action — a ballot rating every presenter with the lowest option: "count" or "flag".
Void and flagged ballots are always counted and shown separately, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shuzhi.voting.tally import DEFAULT_OPTIONS

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
DEFAULT_RULES = {
    "void_if_no_rating": True,
    "max_satisfied_share": None,
    "max_satisfied_action": "count",
    "all_unsatisfied_action": "count",
}
ACTIONS = ("count", "flag")


def default_form() -> dict:
    return {"options": [dict(o) for o in DEFAULT_OPTIONS], "items": [], "rules": dict(DEFAULT_RULES)}


def _options(raw: Any, where: str) -> list[dict]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= 7:
        raise ValidationError(_("%(where)s needs between 2 and 7 rating options.") % {"where": where})
    seen_keys, seen_labels, cleaned = set(), set(), []
    for option in raw:
        if not isinstance(option, Mapping):
            raise ValidationError(_("%(where)s: every option needs a key, a label and a value.") % {"where": where})
        key = str(option.get("key", "")).strip()
        label = " ".join(str(option.get("label", "")).split())
        if not KEY_RE.match(key):
            raise ValidationError(
                _("%(where)s: option key “%(key)s” must be lower-case letters, digits or _.")
                % {"where": where, "key": key}
            )
        if not label or len(label) > 20:
            raise ValidationError(
                _("%(where)s: every option needs a label of at most 20 characters.") % {"where": where}
            )
        try:
            value = float(option.get("value"))
        except (TypeError, ValueError):
            raise ValidationError(
                _("%(where)s: the value of “%(label)s” must be a number.") % {"where": where, "label": label}
            ) from None
        if not 0 <= value <= 1000:
            raise ValidationError(_("%(where)s: values must be between 0 and 1000.") % {"where": where})
        if key in seen_keys or label in seen_labels:
            raise ValidationError(_("%(where)s: option “%(label)s” appears twice.") % {"where": where, "label": label})
        seen_keys.add(key)
        seen_labels.add(label)
        cleaned.append({"key": key, "label": label, "value": value, "satisfied": bool(option.get("satisfied"))})
    return cleaned


def parse_form(data: Any) -> dict:
    """A validated, normalised copy of a ballot form; ValidationError in Chinese naming the problem."""
    if not isinstance(data, Mapping):
        raise ValidationError(_("The ballot form must be an object with options, items and rules."))
    options = _options(data.get("options", DEFAULT_OPTIONS), _("Overall rating"))
    items, keys = [], set()
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list) or len(raw_items) > 10:
        raise ValidationError(_("At most 10 rated items."))
    for item in raw_items:
        if not isinstance(item, Mapping):
            raise ValidationError(_("Every item needs a key, a label and options."))
        key = str(item.get("key", "")).strip()
        label = " ".join(str(item.get("label", "")).split())
        if not KEY_RE.match(key) or key in keys:
            raise ValidationError(
                _("Item key “%(key)s” must be unique lower-case letters, digits or _.") % {"key": key}
            )
        if not label or len(label) > 40:
            raise ValidationError(_("Every item needs a label of at most 40 characters."))
        keys.add(key)
        items.append({"key": key, "label": label, "options": _options(item.get("options", options), label)})
    rules = dict(DEFAULT_RULES)
    raw_rules = data.get("rules") or {}
    if not isinstance(raw_rules, Mapping):
        raise ValidationError(_("The valid-ballot rules must be an object."))
    rules["void_if_no_rating"] = bool(raw_rules.get("void_if_no_rating", True))
    share = raw_rules.get("max_satisfied_share")
    if share not in (None, ""):
        try:
            share = float(share)
        except (TypeError, ValueError):
            raise ValidationError(_("The share of top ratings must be a number between 0 and 1.")) from None
        if not 0 < share < 1:
            raise ValidationError(_("The share of top ratings must be a number between 0 and 1."))
    rules["max_satisfied_share"] = share if share not in ("",) else None
    for name in ("max_satisfied_action", "all_unsatisfied_action"):
        action = raw_rules.get(name, "count")
        if action not in ACTIONS:
            raise ValidationError(_("A rule's action must be “count” or “flag”."))
        rules[name] = action
    return {"options": options, "items": items, "rules": rules}


VALID = ("valid", "")
TOO_MANY_TOP = ("flagged", "too_many_top")
ALL_BOTTOM = ("flagged", "all_bottom")


class Classifier:
    """classify() for one form and number of presenters, with what does not depend on the ballot (the
    merged rules, the set of option keys, the top and the bottom option) worked out once, so a
    tally of thousands of ballots does not redo it per ballot (or, for the option keys, per rating).
    Call it with a ballot's ratings; same verdicts as classify()."""

    __slots__ = ("keys", "void_verdict", "presenter_count", "share", "top", "bottom", "flag_all_bottom")

    def __init__(self, form: Mapping, presenter_count: int):
        rules = {**DEFAULT_RULES, **(form.get("rules") or {})}
        options = form["options"]
        self.keys = frozenset(o["key"] for o in options)
        self.void_verdict = ("void", "no_rating") if rules["void_if_no_rating"] else VALID
        self.presenter_count = presenter_count
        share = rules.get("max_satisfied_share")
        # The share rule only matters when it sets ballots aside; None: nothing to check per ballot.
        self.share = (
            share if share is not None and presenter_count and rules["max_satisfied_action"] == "flag" else None
        )
        self.flag_all_bottom = presenter_count > 1 and rules["all_unsatisfied_action"] == "flag"
        # A ballot rates something only if the form has options, so these are only read then.
        self.top = options[0]["key"] if options else None
        self.bottom = min(options, key=lambda o: o["value"])["key"] if options else None

    def __call__(self, ratings: Mapping[str, str]) -> tuple[str, str]:
        keys = self.keys
        rated = [v for v in ratings.values() if v in keys]
        if not rated:
            return self.void_verdict
        if self.share is not None and rated.count(self.top) / self.presenter_count > self.share:
            return TOO_MANY_TOP
        if self.flag_all_bottom and len(rated) == self.presenter_count and all(v == self.bottom for v in rated):
            return ALL_BOTTOM
        return VALID


def classify(ratings: Mapping[str, str], form: Mapping, presenter_count: int) -> tuple[str, str]:
    """("valid" | "void" | "flagged", reason code) for one ballot under the form's rules. To classify
    many ballots under one form, build a Classifier once and call it per ballot."""
    return Classifier(form, presenter_count)(ratings)


REASONS = {
    "no_rating": "未评价任何述职人（无效票）",
    "too_many_top": "“满意”评价超过规定比例",
    "all_bottom": "对所有述职人均评价为最低等次",
}
