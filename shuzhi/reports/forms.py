"""Forms of the duty report pages. Limits are checked by the services, not by maxlength attributes:
a browser silently cuts a pasted text at maxlength, and nothing typed may be lost."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuzhi.cycles.models import PriorProblem
from shuzhi.reports import quality
from shuzhi.reports.models import MAX_ANSWER_CHARS, MAX_SECTION_CHARS, VettingOutcome
from shuzhi.reports.services import ReportContent

ANSWER_PREFIX = "answer_"


def _normalise(text: str) -> str:
    """Browsers send line breaks as CRLF; the report stores LF, as the textarea shows them."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _textarea(rows: int, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "false", **attrs})


class ReportForm(forms.Form):
    """The editor: the revision the text is based on, the three text sections and one answer per
    problem of last year (fields answer_<problem id>, in the order of services.prior_problem_rows)."""

    # True when what this bound form holds is the working copy (saved, or nothing to save): a message on it
    # is then about something else than saving (views.saved_state).
    saved = False

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    practices = forms.CharField(required=False, strip=False, widget=_textarea(14))
    problems = forms.CharField(required=False, strip=False, widget=_textarea(8))
    next_steps = forms.CharField(required=False, strip=False, widget=_textarea(8))

    def __init__(self, *args, prior_rows: list[tuple[PriorProblem, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.prior_rows = prior_rows
        for name in ("practices", "problems", "next_steps"):  # the page's character counters show the limit
            self.fields[name].widget.attrs["data-limit"] = MAX_SECTION_CHARS
        for problem, answer in prior_rows:
            self.fields[f"{ANSWER_PREFIX}{problem.pk}"] = forms.CharField(
                required=False,
                strip=False,
                initial=answer,
                label=problem.text,
                widget=_textarea(4, **{"data-limit": MAX_ANSWER_CHARS}),
            )

    def answer_fields(self) -> list[tuple[PriorProblem, forms.BoundField]]:
        return [(problem, self[f"{ANSWER_PREFIX}{problem.pk}"]) for problem, _answer in self.prior_rows]

    def content(self) -> ReportContent:
        data = self.cleaned_data
        answers = {
            name.removeprefix(ANSWER_PREFIX): _normalise(value)
            for name, value in data.items()
            if name.startswith(ANSWER_PREFIX)
        }
        return ReportContent(
            practices=_normalise(data["practices"]),
            problems=_normalise(data["problems"]),
            next_steps=_normalise(data["next_steps"]),
            prior_answers=answers,
        )


class VetForm(forms.Form):
    """The reviewer's vetting (审核) of the latest version: pass or return, with a comment."""

    version_number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Your vetting"),
        choices=[
            (VettingOutcome.PASSED, gettext_lazy("Pass")),
            (VettingOutcome.RETURNED, gettext_lazy("Return for revision")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=_textarea(5),
        help_text=gettext_lazy("Required when returning: say what should be revised. The secretary sees it."),
    )


class QualityRulesForm(forms.Form):
    """The org dept's word lists and thresholds as JSON. `loaded` is the rules' timestamp when the page
    was opened, so a save cannot silently undo someone else's change made meanwhile."""

    data = forms.CharField(
        label=gettext_lazy("Rules (JSON)"),
        strip=False,
        widget=_textarea(28, **{"class": "code", "autocapitalize": "off", "autocomplete": "off"}),
    )
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_data(self) -> dict:
        text = self.cleaned_data["data"]
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON (line %(line)d, column %(column)d): %(message)s.")
                % {"line": error.lineno, "column": error.colno, "message": error.msg}
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The rules must be one JSON object ({ … })."))
        try:
            rules = quality.parse_rules(data)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return quality.rules_to_dict(rules)
