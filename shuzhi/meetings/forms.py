"""Forms of the review-meeting pages. They check what a form can check (required, lengths, formats); the
services check the rules again and their ValidationErrors are shown on the same forms
(core.forms.apply_validation_error)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from shuzhi.cycles.models import ReportMode, Review
from shuzhi.meetings.models import CommentMode, PresentMode
from shuzhi.meetings.services import MAX_ATTENDEES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
MAX_TITLE = 200
MAX_PLACE = 200
MAX_COMMENT = 5000
MAX_ROLE = 100


def default_mode(review: Review) -> str:
    """A written report (书面述职) is presented in writing; on-site or both means on the spot."""
    return PresentMode.WRITTEN if review.report_mode == ReportMode.WRITTEN else PresentMode.ON_SITE


class MeetingForm(forms.Form):
    """The meeting's own details: the same for scheduling and for editing."""

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE, error_messages={"required": _("Enter a title.")})
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={
            "required": _("Enter the date and time."),
            "invalid": _("Enter a date and time such as 2026-12-20 09:00."),
        },
    )
    place = forms.CharField(label=_("Place"), max_length=MAX_PLACE, error_messages={"required": _("Enter the place.")})
    expected_attendees = forms.IntegerField(
        label=_("Expected attendees"),
        required=False,
        help_text=_("Everyone attending takes the satisfaction survey; used to plan the ballot codes."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_ATTENDEES}),
        error_messages={"invalid": _("Enter a whole number.")},
    )
    comment_mode = forms.ChoiceField(
        label=_("Comment mode"),
        choices=CommentMode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Normally the reviewing secretary comments after each presenter; a collective comment "
            "at the end is also possible."
        ),
        error_messages={"required": _("Choose a comment mode."), "invalid_choice": _("Choose a comment mode.")},
    )

    def clean_expected_attendees(self) -> int:
        value = self.cleaned_data.get("expected_attendees") or 0
        if not 0 <= value <= MAX_ATTENDEES:
            raise forms.ValidationError(_("Between 0 and %(n)d attendees."), params={"n": MAX_ATTENDEES})
        return value

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "place": data["place"],
            "expected_attendees": data["expected_attendees"],
            "comment_mode": data["comment_mode"],
        }


class PresenterPickerMixin:
    """One checkbox and one on-site/written choice per candidate Review. Only the candidates the view passed
    in become fields, so a posted ID that is not among them is simply ignored."""

    def add_presenter_fields(self, candidates: Iterable[Review], current: dict[int, str] | None = None) -> None:
        self.candidates = list(candidates)
        current = current or {}
        for review in self.candidates:
            self.fields[f"on_{review.pk}"] = forms.BooleanField(
                required=False, initial=review.pk in current, label=review.organization.name
            )
            self.fields[f"mode_{review.pk}"] = forms.ChoiceField(
                choices=PresentMode.choices,
                initial=current.get(review.pk, default_mode(review)),
                required=False,
                widget=forms.RadioSelect,
                label=_("Report mode"),
                error_messages={"invalid_choice": _("Choose on-site or written for every presenter.")},
            )

    def clean(self):
        data = super().clean()
        for review in self.candidates:
            if data.get(f"on_{review.pk}") and f"mode_{review.pk}" in data and not data[f"mode_{review.pk}"]:
                self.add_error(f"mode_{review.pk}", _("Choose on-site or written for every presenter."))
        return data

    def meeting_field_names(self) -> list[str]:
        return [name for name in self.fields if not name.startswith(("on_", "mode_"))]

    def visible_meeting_fields(self):
        return [self[name] for name in self.meeting_field_names()]

    def presenter_rows(self) -> list[tuple[Review, forms.BoundField, forms.BoundField]]:
        return [(review, self[f"on_{review.pk}"], self[f"mode_{review.pk}"]) for review in self.candidates]

    def chosen(self, order: list[int] | None = None) -> list[tuple[Review, str]]:
        """The ticked presenters with their mode: first those in `order` (the agenda as it stands), then the
        newly ticked ones in the order listed."""
        picked = [review for review in self.candidates if self.cleaned_data.get(f"on_{review.pk}")]
        rank = {pk: i for i, pk in enumerate(order or [])}
        picked.sort(key=lambda r: (rank.get(r.pk, len(rank)),))
        return [(review, self.cleaned_data[f"mode_{review.pk}"]) for review in picked]


class MeetingCreateForm(PresenterPickerMixin, MeetingForm):
    """A reviewer usually hears all its secretaries at one meeting: every candidate starts ticked."""

    def __init__(self, *args, candidates: Iterable[Review] = (), **kwargs):
        super().__init__(*args, **kwargs)
        candidates = list(candidates)
        self.add_presenter_fields(candidates, {review.pk: default_mode(review) for review in candidates})


class AgendaForm(PresenterPickerMixin, forms.Form):
    def __init__(self, *args, candidates: Iterable[Review] = (), current: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_presenter_fields(candidates, current)


class MoveForm(forms.Form):
    review = forms.IntegerField(min_value=1)
    offset = forms.TypedChoiceField(choices=[("-1", "up"), ("1", "down")], coerce=int)


class ScreenForm(forms.Form):
    position = forms.IntegerField(min_value=0)


class CommentForm(forms.Form):
    """A comment (点评) on one presenter, or the collective comment (review left empty).

    The 职务 is chosen among the author's current positions (roles: services.author_roles, (position id,
    label)); cleaned_data["author_role"] is the chosen label, or "" for an author without a position."""

    review = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    author_role = forms.TypedChoiceField(
        label=_("Your role"),
        coerce=int,
        choices=(),
        required=False,
        help_text=_(
            "Your current positions as recorded in the organisation tree. If one is missing or out of "
            "date, ask the organisation department to correct it."
        ),
        error_messages={
            "invalid_choice": _("Choose one of your current positions."),
            "required": _("Choose one of your current positions."),
        },
    )
    problems = forms.CharField(
        label=_("Problems pointed out"),
        max_length=MAX_COMMENT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("State the problems pointed out.")},
    )
    direction = forms.CharField(
        label=_("Way forward"),
        max_length=MAX_COMMENT,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, prefix_id: str = "", roles: Iterable[tuple[int, str]] = (), **kwargs):
        # Several comment forms share one page: distinct ids, the same field names.
        kwargs.setdefault("auto_id", f"id_{prefix_id}_%s" if prefix_id else "id_%s")
        super().__init__(*args, **kwargs)
        self.roles = dict(roles)
        field = self.fields["author_role"]
        field.choices = list(self.roles.items())
        field.required = bool(self.roles)

    def clean_author_role(self) -> str:
        chosen = self.cleaned_data.get("author_role")
        return self.roles.get(chosen, "") if chosen not in ("", None) else ""
