"""The editors of the ballot design pages: voter categories with weights, and the ballot form.

Both are plain row editors rather than Django formsets: the rows are posted as
  cat-<n>-name, cat-<n>-weight                              (cat-total rows)
  opt-<n>-key, opt-<n>-label, opt-<n>-value, opt-<n>-satisfied  (opt-total rows)
  item-<n>-key, item-<n>-label, item-<n>-same, item-<n>-options  (item-total rows)
  rule-void, rule-top-share (percent), rule-top-action, rule-bottom-action
and a button named "action" adds or removes a row (add-option, remove-option-2, ...) without saving.
Everything typed is kept as typed (strings), so a refused form comes back exactly as it was filled in.
The services decide what is valid (set_categories, ballotform.parse_form); the only checks here are
the ones that turn the form's own notation into data: the percent field and "label=value" lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

MAX_OPTIONS = 7
MIN_OPTIONS = 2
MAX_ITEMS = 10
MAX_CATEGORIES = 10
FIELD_CHARS = 200  # longer typed text is cut here; the services then refuse it with their own message

# The usual voter categories of a college's review meeting (评议人员类别) and their weights in %.
CATEGORY_PRESET = [("校领导", "30"), ("中层干部", "30"), ("党支部书记", "20"), ("教职工党员代表", "20")]


def _text(data: QueryDict, name: str) -> str:
    return (data.get(name) or "")[:FIELD_CHARS]


def _count(data: QueryDict, name: str, limit: int) -> int:
    try:
        return max(0, min(int(data.get(name, "0")), limit))
    except ValueError:
        return 0


def _number(value: float | int | str) -> str:
    """A stored number as the user would type it: 100.0 → "100", 62.5 → "62.5"."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def row_action(data: QueryDict) -> tuple[str, int | None]:
    """The row button that was pressed: ("add-option", None), ("remove-option", 2), or ("save", None)."""
    action = (data.get("action") or "save")[:40]
    match = re.fullmatch(r"(remove-[a-z]+)-(\d+)", action)
    if match:
        return match.group(1), int(match.group(2))
    return action, None


# --- Voter categories ----------------------------------------------------------------------------


@dataclass
class CategoryRow:
    name: str = ""
    weight: str = ""


@dataclass
class CategoriesEditor:
    rows: list[CategoryRow]
    error: str = ""

    @classmethod
    def from_categories(cls, categories) -> CategoriesEditor:
        return cls([CategoryRow(c.name, _number(c.weight)) for c in categories])

    @classmethod
    def from_data(cls, data: QueryDict) -> CategoriesEditor:
        total = _count(data, "cat-total", MAX_CATEGORIES + 1)
        return cls([CategoryRow(_text(data, f"cat-{n}-name"), _text(data, f"cat-{n}-weight")) for n in range(total)])

    def apply(self, action: str, index: int | None) -> bool:
        """Apply a row button; True if one was pressed (then nothing is saved)."""
        if action == "add-category":
            if len(self.rows) < MAX_CATEGORIES:
                self.rows.append(CategoryRow())
            return True
        if action == "remove-category":
            if index is not None and 0 <= index < len(self.rows) and len(self.rows) > 1:
                del self.rows[index]
            return True
        if action == "preset-categories":
            self.rows = [CategoryRow(name, weight) for name, weight in CATEGORY_PRESET]
            return True
        return False

    def entries(self) -> list[tuple[str, str]]:
        """(name, weight) for set_categories; rows left completely empty are ignored."""
        return [
            (row.name, row.weight.strip().rstrip("%").strip())
            for row in self.rows
            if row.name.strip() or row.weight.strip()
        ]

    @property
    def total(self) -> str:
        """The running total of the typed weights (what design.js shows live), or "" if one is not a number."""
        try:
            total = sum((Decimal(w or "0") for _n, w in self.entries()), Decimal(0))
        except ArithmeticError:
            return ""
        return _number(total)

    @property
    def total_ok(self) -> bool:
        return self.total == "100"

    @property
    def can_add(self) -> bool:
        return len(self.rows) < MAX_CATEGORIES


# --- The ballot form -----------------------------------------------------------------------------


@dataclass
class OptionRow:
    key: str = ""
    label: str = ""
    value: str = ""
    satisfied: bool = False


@dataclass
class ItemRow:
    key: str = ""
    label: str = ""
    same: bool = True  # the item uses the overall rating options
    options: str = ""  # otherwise its own, written "好=100；较好=80；一般=60；差=0"
    stored: list[dict] = field(default_factory=list)  # the item's stored options, to keep their keys


@dataclass
class RulesRow:
    void_if_no_rating: bool = True
    top_share: str = ""  # percent of presenters, "" = no limit
    top_action: str = "count"
    bottom_action: str = "count"


OPTION_SEPARATORS = re.compile(r"[;；,，、\n]+")
VALUE_SEPARATOR = re.compile(r"\s*[=＝:：]\s*")


def _new_key(prefix: str, position: int, taken: set[str]) -> str:
    number = position
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


@dataclass
class BallotFormEditor:
    options: list[OptionRow]
    items: list[ItemRow]
    rules: RulesRow
    error: str = ""

    # Reading ---------------------------------------------------------------------------------

    @classmethod
    def from_form(cls, form: dict) -> BallotFormEditor:
        options = [
            OptionRow(o["key"], o["label"], _number(o["value"]), bool(o.get("satisfied")))
            for o in form.get("options", [])
        ]
        overall = [(o["key"], o["label"], float(o["value"])) for o in form.get("options", [])]
        items = []
        for item in form.get("items", []):
            own = item.get("options") or []
            same = [(o["key"], o["label"], float(o["value"])) for o in own] == overall or not own
            items.append(
                ItemRow(
                    item["key"],
                    item["label"],
                    same,
                    "" if same else "；".join(f"{o['label']}={_number(o['value'])}" for o in own),
                    stored=[] if same else [dict(o) for o in own],
                )
            )
        raw = form.get("rules") or {}
        share = raw.get("max_satisfied_share")
        rules = RulesRow(
            bool(raw.get("void_if_no_rating", True)),
            "" if share in (None, "") else _number(round(float(share) * 100, 4)),
            raw.get("max_satisfied_action", "count"),
            raw.get("all_unsatisfied_action", "count"),
        )
        return cls(options, items, rules)

    @classmethod
    def from_data(cls, data: QueryDict, stored: dict | None = None) -> BallotFormEditor:
        """The editor as posted (or as put in the preview's query string); `stored` is the form it edits,
        whose items' own option keys are kept when their labels stay."""
        stored_items = {i["key"]: i.get("options", []) for i in (stored or {}).get("items", [])}
        options = [
            OptionRow(
                _text(data, f"opt-{n}-key").strip(),
                _text(data, f"opt-{n}-label"),
                _text(data, f"opt-{n}-value"),
                bool(data.get(f"opt-{n}-satisfied")),
            )
            for n in range(_count(data, "opt-total", MAX_OPTIONS + 1))
        ]
        items = []
        for n in range(_count(data, "item-total", MAX_ITEMS + 1)):
            key = _text(data, f"item-{n}-key").strip()
            items.append(
                ItemRow(
                    key,
                    _text(data, f"item-{n}-label"),
                    bool(data.get(f"item-{n}-same")),
                    (data.get(f"item-{n}-options") or "")[: FIELD_CHARS * 2],
                    stored=[dict(o) for o in stored_items.get(key, [])],
                )
            )
        rules = RulesRow(
            bool(data.get("rule-void")),
            _text(data, "rule-top-share").strip(),
            _text(data, "rule-top-action") or "count",
            _text(data, "rule-bottom-action") or "count",
        )
        return cls(options, items, rules)

    @staticmethod
    def posted(data: QueryDict) -> bool:
        return "opt-total" in data

    # Row buttons -----------------------------------------------------------------------------

    def apply(self, action: str, index: int | None) -> bool:
        """Apply a row button; True if one was pressed (then nothing is saved)."""
        if action == "add-option":
            if len(self.options) < MAX_OPTIONS:
                self.options.append(OptionRow())
            return True
        if action == "remove-option":
            if index is not None and 0 <= index < len(self.options) and len(self.options) > MIN_OPTIONS:
                del self.options[index]
            return True
        if action == "add-item":
            if len(self.items) < MAX_ITEMS:
                self.items.append(ItemRow())
            return True
        if action == "remove-item":
            if index is not None and 0 <= index < len(self.items):
                del self.items[index]
            return True
        return False

    @property
    def can_add_option(self) -> bool:
        return len(self.options) < MAX_OPTIONS

    @property
    def can_remove_option(self) -> bool:
        return len(self.options) > MIN_OPTIONS

    @property
    def can_add_item(self) -> bool:
        return len(self.items) < MAX_ITEMS

    # Writing ---------------------------------------------------------------------------------

    def _item_options(self, item: ItemRow) -> list[dict]:
        """An item's own options from "label=value" text; keys kept for labels it already had."""
        label_for = item.label.strip() or _("Item")
        parts = [p.strip() for p in OPTION_SEPARATORS.split(item.options) if p.strip()]
        if not parts:
            raise ValidationError(
                _(
                    "%(item)s: write its own options as label=value, e.g. 好=100；较好=80；一般=60；差=0 "
                    "— or tick “same options as the overall rating”."
                )
                % {"item": label_for}
            )
        known = {o["label"]: o["key"] for o in item.stored}
        taken: set[str] = set()
        options = []
        for position, part in enumerate(parts, start=1):
            pieces = VALUE_SEPARATOR.split(part)
            if len(pieces) != 2 or not pieces[0] or not pieces[1]:
                raise ValidationError(
                    _("%(item)s: “%(part)s” is not label=value, e.g. 好=100.") % {"item": label_for, "part": part}
                )
            label, value = pieces
            key = known.get(label) if known.get(label) not in taken else None
            key = key or _new_key("o", position, taken | set(known.values()))
            taken.add(key)
            options.append({"key": key, "label": label, "value": value})
        return options

    def to_form(self) -> dict:
        """The form as data for ballotform.parse_form (which checks it); ValidationError for the editor's
        own notation (the percent and the item options)."""
        taken = {o.key for o in self.options if o.key}
        options = []
        for position, row in enumerate(self.options, start=1):
            key = row.key or _new_key("o", position, taken)
            taken.add(key)
            options.append({"key": key, "label": row.label, "value": row.value.strip(), "satisfied": row.satisfied})
        item_keys = {i.key for i in self.items if i.key}
        items = []
        for position, item in enumerate(self.items, start=1):
            key = item.key or _new_key("i", position, item_keys)
            item_keys.add(key)
            entry: dict = {"key": key, "label": item.label}
            if not item.same:
                entry["options"] = self._item_options(item)
            items.append(entry)
        share = self.rules.top_share.strip().rstrip("%").strip()
        if share:
            try:
                percent = Decimal(share)
            except ArithmeticError:
                percent = None
            if percent is None or not percent.is_finite() or not Decimal(0) < percent < Decimal(100):
                raise ValidationError(
                    _(
                        "The share of presenters given the top option must be a percentage "
                        "above 0 and below 100, e.g. 80; leave it empty for no limit."
                    )
                )
            share_value: float | None = float(percent / 100)
        else:
            share_value = None
        return {
            "options": options,
            "items": items,
            "rules": {
                "void_if_no_rating": self.rules.void_if_no_rating,
                "max_satisfied_share": share_value,
                "max_satisfied_action": self.rules.top_action,
                "all_unsatisfied_action": self.rules.bottom_action,
            },
        }

    def query(self) -> str:
        """The editor's fields as a query string (for the preview of what was typed)."""
        pairs: list[tuple[str, str]] = [("opt-total", str(len(self.options))), ("item-total", str(len(self.items)))]
        for n, row in enumerate(self.options):
            pairs += [(f"opt-{n}-key", row.key), (f"opt-{n}-label", row.label), (f"opt-{n}-value", row.value)]
            if row.satisfied:
                pairs.append((f"opt-{n}-satisfied", "1"))
        for n, item in enumerate(self.items):
            pairs += [(f"item-{n}-key", item.key), (f"item-{n}-label", item.label), (f"item-{n}-options", item.options)]
            if item.same:
                pairs.append((f"item-{n}-same", "1"))
        if self.rules.void_if_no_rating:
            pairs.append(("rule-void", "1"))
        pairs += [
            ("rule-top-share", self.rules.top_share),
            ("rule-top-action", self.rules.top_action),
            ("rule-bottom-action", self.rules.bottom_action),
        ]
        return urlencode(pairs)
