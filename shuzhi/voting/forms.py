"""Forms of the vote: issuing codes, the paper entry's code field, and the ballot's own fields.

The ballot (phone and paper entry alike) posts plain fields, read by ballot_input_from():
  r_<review id>           the option key given to that presenter (absent: not rated)
  i_<review id>_<item>    an item's option key, when the ballot form has items
  s_<review id>           the suggestion for that presenter
  overall                 the overall suggestion
Everything is checked by casting.clean_ballot; here it is only collected, so a refused ballot can be
shown again exactly as it was filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from shuzhi.voting import setup
from shuzhi.voting.casting import BallotInput
from shuzhi.voting.models import Survey, VoterCategory

MAX_FIELD_CHARS = 10_000  # longer posted text is cut here; the service then refuses it with its message


def ballot_input_from(data: QueryDict, survey: Survey) -> BallotInput:
    """The posted ballot as a BallotInput, unvalidated (casting.cast_ballot validates)."""
    ratings: dict[str, str] = {}
    items: dict[str, dict[str, str]] = {}
    suggestions: dict[str, str] = {}
    for name, value in data.items():
        if name.startswith("r_") and value:
            ratings[name[2:]] = value[:64]
        elif name.startswith("s_") and value.strip():
            suggestions[name[2:]] = value[:MAX_FIELD_CHARS]
        elif name.startswith("i_") and value and name.count("_") >= 2:
            review, item = name[2:].split("_", 1)
            items.setdefault(review, {})[item] = value[:64]
    return BallotInput(ratings, items, suggestions, data.get("overall", "")[:MAX_FIELD_CHARS])


@dataclass
class Choice:
    key: str
    label: str
    checked: bool = False


@dataclass
class ItemRow:
    key: str
    label: str
    field: str
    options: list[Choice]


@dataclass
class PresenterRow:
    review: int
    name: str
    org: str
    options: list[Choice]
    items: list[ItemRow] = field(default_factory=list)
    suggestion: str = ""

    @property
    def rated(self) -> bool:
        return any(option.checked for option in self.options)


def ballot_rows(survey: Survey, presenters: list[dict], chosen: BallotInput | None = None) -> list[PresenterRow]:
    """One row per presenter, in ballot order, with the options and what `chosen` had picked."""
    chosen = chosen or BallotInput({}, {}, {}, "")
    options = survey.form["options"]
    rows = []
    for presenter in presenters:
        review = str(presenter["review"])
        picked = chosen.ratings.get(review)
        marks = chosen.item_ratings.get(review, {})
        items = [
            ItemRow(
                item["key"],
                item["label"],
                f"i_{review}_{item['key']}",
                [
                    Choice(o["key"], o["label"], marks.get(item["key"]) == o["key"])
                    for o in item.get("options", options)
                ],
            )
            for item in survey.form.get("items", [])
        ]
        rows.append(
            PresenterRow(
                review=int(presenter["review"]),
                name=presenter.get("name", ""),
                org=presenter.get("org", ""),
                options=[Choice(o["key"], o["label"], picked == o["key"]) for o in options],
                items=items,
                suggestion=chosen.suggestions.get(review, ""),
            )
        )
    return rows


class IssueCodesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=setup.MAX_CODES_PER_ISSUE)
    paper = forms.TypedChoiceField(
        label=_("Used for"),
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
        choices=[("0", _("Voting on phones (cards with a QR code)")), ("1", _("Paper ballots"))],
    )
    category = forms.ModelChoiceField(
        label=_("Voter category"), queryset=VoterCategory.objects.none(), empty_label=None
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault("auto_id", f"id_%s_{survey.pk}")
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = survey.categories.all()
        self.fields["category"].label_from_instance = lambda c: f"{c.name}（{c.weight.normalize():f}%）"


class PaperCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code printed on the paper ballot"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True}
        ),
    )
