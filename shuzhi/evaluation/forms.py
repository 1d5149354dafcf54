"""Forms of the evaluation pages. They check what a form can (numbers, lengths); the services check the
rules again and their ValidationErrors are shown on the same forms (core.forms.apply_validation_error)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shuzhi.evaluation import opinion, services
from shuzhi.evaluation.models import MissingRule, Rounding


def _percent(label, help_text="", required=True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}),
    )


class SchemeForm(forms.Form):
    weight_vote = _percent(
        _("Satisfaction vote (%)"),
        _("Default 40: the vote is the widest view, every attendee of the review meeting rating every presenter."),
    )
    weight_daily = _percent(
        _("Daily assessment (%)"),
        _("Default 30: what the checks saw on site through the year (the score as a share of its points)."),
    )
    weight_reviewer = _percent(
        _("Reviewer's assessment of the report and presentation (%)"),
        _(
            "Default 30: the reviewing body's own 0–100 score of each presenter's report and presentation. "
            "The three weights add up to exactly 100; one college uses vote 50 + daily 50 + reviewer 0."
        ),
    )
    missing_rule = forms.ChoiceField(
        label=_("A Review missing a component"),
        choices=MissingRule.choices,
        help_text=_(
            "Default: re-weight over the components present, so nobody is marked down for a check that "
            "was never made. Counting it as 0 is only for a scheme that wants it; either way the "
            "Review is flagged and its breakdown says what was done."
        ),
    )
    good_share = _percent(
        _("“Good” at most (per cent of the group)"), _("Default 30 %, counting people (seed 五（三）).")
    )
    rounding = forms.ChoiceField(
        label=_("Rounding of the counts"),
        choices=Rounding.choices,
        help_text=_("Default: round down, so 30 per cent of 11 people allows 3 “Good”, never 4."),
    )
    low_share = _percent(
        _("“Average and below” at least (per cent of the group)"), _("Default 10 %, and never fewer than one person.")
    )
    low_min_people = forms.IntegerField(
        label=_("The minimum share applies from (people)"),
        min_value=1,
        max_value=10000,
        help_text=_("Default 10: a group of 10 or more has at least one “Average” or “Poor”."),
    )
    poor_below = _percent(
        _("“Poor” proposed below (composite)"),
        _("Default 60. Empty: “Poor” only by the reviewer's judgment."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        problems = services.scheme_problems(self.as_input())
        for field, message in problems.items():
            self.add_error(field, message)
        return data

    def as_input(self) -> services.SchemeInput:
        d = self.cleaned_data
        return services.SchemeInput(**{f: d.get(f) for f in services.SCHEME_FIELDS})


class SubmitForm(forms.Form):
    justification = forms.CharField(
        label=_("Why “Average and below” is under the minimum share"),
        required=False,
        max_length=services.JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only when the group is under the minimum share; kept with the submitted grades."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=services.REOPEN_REASON_MAX)


class OpinionForm(forms.Form):
    strengths = forms.CharField(
        label=_("Achievements affirmed"),
        required=False,
        max_length=opinion.OPINION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    problems = forms.CharField(
        label=_("Problems pointed out"),
        required=False,
        max_length=opinion.OPINION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
