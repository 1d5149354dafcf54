"""The daily assessment's forms. They read what was typed and keep it; the rules (ranges, what a
recorded check must hold, the lock) are the services', whose messages are shown at the fields."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shuzhi.assessment import services
from shuzhi.assessment.models import NOT_PREFERRED_METHODS, PREFERRED_METHODS, Indicator, Method, ScoreRule


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CheckForm(forms.Form):
    """A check: its organisation (a new check only), date, place, co-inspectors, methods, what was seen
    and said, and per indicator a score (typed as text, so anything typed is kept and the services give
    the message) and a reason."""

    organization = forms.IntegerField(label=_("Checked organisation"), required=True)
    date = forms.DateField(
        label=_("Date of the check"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    co_inspectors = forms.CharField(
        label=_("Other inspectors"),
        required=False,
        max_length=200,
        help_text=_("Who checked with you, if anyone (names)."),
    )
    methods = forms.MultipleChoiceField(
        label=_("How the check was done"), required=False, choices=Method.choices, widget=forms.CheckboxSelectMultiple
    )
    seen = forms.CharField(
        label=_("What was seen"),
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The concrete things: activities, places, records of real work, what members are doing."),
    )
    heard = forms.CharField(
        label=_("What people said"),
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What Party members and the people around said, in their words."),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, indicators: list[Indicator], organizations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].widget = forms.Select(
                choices=[("", _("Choose the organisation"))] + [(o.pk, o.name) for o in organizations]
            )
        for indicator in indicators:
            self.fields[f"score_{indicator.pk}"] = forms.CharField(
                label=indicator.name,
                required=False,
                max_length=20,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "score-input",
                        "enterkeyhint": "next",
                    }
                ),
            )
            self.fields[f"reason_{indicator.pk}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                max_length=services.REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(indicator, its score field, its reason field) for the template."""
        return [(i, self[f"score_{i.pk}"], self[f"reason_{i.pk}"]) for i in self.indicators]

    def preferred(self):
        return [b for b in self["methods"] if b.data["value"] in PREFERRED_METHODS]

    def not_preferred(self):
        return [b for b in self["methods"] if b.data["value"] in NOT_PREFERRED_METHODS]

    def to_input(self) -> services.CheckInput:
        data = self.cleaned_data
        scores = {}
        for indicator in self.indicators:
            raw = (data.get(f"score_{indicator.pk}") or "").strip()
            value, ok = services.parse_score(raw)
            scores[indicator.pk] = services.ScoreInput(
                score=value if ok else None, reason=data.get(f"reason_{indicator.pk}") or "", raw=raw
            )
        return services.CheckInput(
            date=data.get("date"),
            place=data.get("place") or "",
            co_inspectors=data.get("co_inspectors") or "",
            methods=list(data.get("methods") or []),
            seen=data.get("seen") or "",
            heard=data.get("heard") or "",
            scores=scores,
        )


def check_initial(check) -> dict:
    """The form's values for an existing draft."""
    initial = {
        "date": check.date,
        "place": check.place,
        "co_inspectors": check.co_inspectors,
        "methods": list(check.methods),
        "seen": check.seen,
        "heard": check.heard,
        "form_token": check.form_token,
    }
    for row in check.scores.all():
        initial[f"score_{row.indicator_id}"] = services._number(row.score) if row.score is not None else ""
        initial[f"reason_{row.indicator_id}"] = row.reason
    return initial


class RuleForm(forms.Form):
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=ScoreRule.choices, widget=forms.RadioSelect)


class InspectorForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Committee member"), queryset=None, empty_label=_("Choose a member"))

    def __init__(self, *args, cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        named = services.active_inspectors(cycle).values("person_id")
        self.fields["person"].queryset = services.committee_members().exclude(pk__in=named)


class WithdrawCheckForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=services.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


def indicator_rows_from(post) -> tuple[list[services.IndicatorRow], list[dict]]:
    """The indicators typed on the settings form (rows ind-<n>-name/points/guidance/pk; a row whose name
    and points are both empty is dropped), and what was typed, row by row, to show again."""
    rows: list[services.IndicatorRow] = []
    typed: list[dict] = []
    n = 0
    while f"ind-{n}-name" in post and n < 100:
        name = post.get(f"ind-{n}-name", "").strip()
        points_text = post.get(f"ind-{n}-points", "").strip()
        guidance = post.get(f"ind-{n}-guidance", "").strip()
        pk_text = post.get(f"ind-{n}-pk", "").strip()
        typed.append({"pk": pk_text, "name": name, "points": points_text, "guidance": guidance})
        n += 1
        if not name and not points_text:
            continue
        points, ok = services.parse_score(points_text)
        rows.append(
            services.IndicatorRow(
                pk=int(pk_text) if pk_text.isdigit() else None,
                name=name,
                points=points if ok else Decimal(-1) if points_text else None,
                guidance=guidance,
            )
        )
    return rows, typed
