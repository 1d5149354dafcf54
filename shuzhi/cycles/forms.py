"""Forms of the cycle pages. They check what a form can check (required, lengths, dates); the services
check the rules again and their ValidationErrors are shown on the same forms (core.forms.apply_validation_error)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuzhi.cycles.models import PreparationKind, PriorProblemKind, ReportMode
from shuzhi.cycles.services import MAX_KEY_ITEM_CHARS, MAX_KEY_ITEMS
from shuzhi.orgs.models import OrgKind

# The title every year's document carries (seed: 关于基层党组织书记抓党建工作述职评议的实施意见).
TITLE_PATTERN = "{year}年度基层党组织书记抓党建工作述职评议考核"
_TITLE_YEAR = re.compile(r"^\s*(\d{4})\s*年")

MAX_PREP_CONTENT = 5000
MAX_PREP_SHORT = 200
MAX_PRIOR_TEXT = 2000


def default_title(year: int | None) -> str:
    return TITLE_PATTERN.format(year=year) if year else ""


def _date_field(label, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2026-11-30.")},
    )


class CycleDatesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    key_items = forms.CharField(
        label=_("Key content of the year"),
        required=False,
        max_length=MAX_KEY_ITEMS * (MAX_KEY_ITEM_CHARS + 2),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item per line: the year's key content set by the higher Party organisation."),
    )
    preparation_due = _date_field(_("Preparation due"))
    report_due = _date_field(_("Report due"))
    meeting_from = _date_field(_("Review meetings from"))
    meeting_to = _date_field(_("Review meetings until"))

    def clean_key_items(self) -> list[str]:
        items = [line.strip() for line in self.cleaned_data["key_items"].splitlines() if line.strip()]
        if len(items) > MAX_KEY_ITEMS:
            raise forms.ValidationError(
                _("At most %(n)d key content items, one per line."), params={"n": MAX_KEY_ITEMS}
            )
        for line in items:
            if len(line) > MAX_KEY_ITEM_CHARS:
                raise forms.ValidationError(
                    _("Each key content item can be at most %(n)d characters; this one is longer: %(item)s"),
                    params={"n": MAX_KEY_ITEM_CHARS, "item": line[:20] + "…"},
                )
        return items

    def clean(self):
        data = super().clean()
        prep, report = data.get("preparation_due"), data.get("report_due")
        start, end = data.get("meeting_from"), data.get("meeting_to")
        if prep and report and report < prep:
            self.add_error("report_due", _("The report due date cannot be before the preparation due date."))
        if start and end and end < start:
            self.add_error("meeting_to", _("The end date cannot be before the start date."))
        return data


class CycleOpenForm(CycleDatesForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Enter the year as four digits, such as 2026.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    report_mode = forms.ChoiceField(
        label=_("Default report mode"),
        choices=ReportMode.choices,
        initial=ReportMode.BOTH,
        help_text=_("Each review starts with this mode; on-site and written reports may be combined."),
    )

    field_order = [
        "year",
        "title",
        "key_items",
        "report_mode",
        "preparation_due",
        "report_due",
        "meeting_from",
        "meeting_to",
    ]

    def clean(self):
        data = super().clean()
        year, title = data.get("year"), data.get("title")
        match = _TITLE_YEAR.match(title or "")
        if year and match and int(match.group(1)) != year:
            self.add_error(
                "title",
                _("The title names the year %(title_year)s but the cycle is for %(year)s. Correct one of them.")
                % {"title_year": match.group(1), "year": year},
            )
        return data


class AdvanceForm(forms.Form):
    """Move the cycle or one review group to `target`; `override_reason` is the org dept's reason for
    moving on while the gate is unmet (the service requires it then)."""

    target = forms.CharField(max_length=20)
    override_reason = forms.CharField(
        label=_("Reason for moving on although the gate is unmet"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 200}),
    )


class PriorProblemForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organisation"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Kind of problem"), choices=[("", "—"), *PriorProblemKind.choices])
    text = forms.CharField(label=_("Problem"), max_length=MAX_PRIOR_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "—"), *((o.pk, o.name) for o in organizations)]


class PriorProblemImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        error_messages={"empty": _("The file is empty."), "required": _("Choose the Excel file to import.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class _PreparationForm(forms.Form):
    kind: str = ""
    content = forms.CharField(max_length=MAX_PREP_CONTENT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, review=None, **kwargs) -> None:
        kwargs.setdefault("prefix", self.kind)
        super().__init__(*args, **kwargs)
        self.review = review


class ResearchForm(_PreparationForm):
    kind = PreparationKind.RESEARCH
    field_order = ["date", "place", "people", "content"]
    date = _date_field(_("Date"), required=True)
    place = forms.CharField(label=_("Place"), max_length=MAX_PREP_SHORT)
    people = forms.CharField(label=_("Whom you visited or talked with"), max_length=MAX_PREP_SHORT, required=False)
    content = forms.CharField(
        label=_("What you learned"), max_length=MAX_PREP_CONTENT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of a visit cannot be in the future."))
        if value and self.review is not None and value < datetime.date(self.review.cycle.year - 1, 1, 1):
            raise forms.ValidationError(
                _("The date is too early for the %(year)d review."), params={"year": self.review.cycle.year}
            )
        return value


class OpinionForm(_PreparationForm):
    kind = PreparationKind.OPINION
    field_order = ["people", "content"]
    people = forms.CharField(label=_("From whom"), max_length=MAX_PREP_SHORT)
    content = forms.CharField(
        label=_("Opinion or suggestion"), max_length=MAX_PREP_CONTENT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProblemForm(_PreparationForm):
    kind = PreparationKind.PROBLEM
    content = forms.CharField(
        label=_("Problem found"), max_length=MAX_PREP_CONTENT, widget=forms.Textarea(attrs={"rows": 3})
    )


PREPARATION_FORMS: dict[str, type[_PreparationForm]] = {
    PreparationKind.RESEARCH: ResearchForm,
    PreparationKind.OPINION: OpinionForm,
    PreparationKind.PROBLEM: ProblemForm,
}


# --- Progress board filters ------------------------------------------------------------------------


class ProgressFilterForm(forms.Form):
    """GET filters of the progress board. Anything unexpected is dropped, never an error."""

    reviewer = forms.TypedChoiceField(
        label=_("Reviewing organisation"), coerce=int, required=False, choices=(), empty_value=None
    )
    status = forms.ChoiceField(label=_("Report status"), required=False, choices=())
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All")), *((k, label) for k, label in OrgKind.choices if k != OrgKind.COMMITTEE)],
    )
    prepared = forms.ChoiceField(
        label=_("Preparation"), required=False, choices=[("", _("All")), ("yes", _("Done")), ("no", _("Not done"))]
    )
    q = forms.CharField(label=_("Search organisation or secretary"), required=False, max_length=50)

    def __init__(self, *args, reviewers=(), statuses=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", _("All")), *((o.pk, o.name) for o in reviewers)]
        self.fields["status"].choices = [("", _("All")), *statuses]

    def values(self) -> dict:
        """The valid filters; an invalid value counts as 'no filter' (a stale bookmark still opens)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
