from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzhi.core.inputs import MAX_SORT_ORDER, TextField
from shuzhi.orgs.models import Gender, Organization, OrgKind, Person, PositionRole


class OrganizationCreateForm(forms.Form):
    name = TextField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in OrgKind.choices if c[0] != OrgKind.COMMITTEE])
    parent = forms.ModelChoiceField(label=_("Parent organisation"), queryset=Organization.objects.none())
    sort_order = forms.IntegerField(
        label=_("Sort order"), min_value=0, max_value=MAX_SORT_ORDER, initial=0, required=False
    )

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents if parents is not None else Organization.objects.none()


class OrganizationEditForm(forms.Form):
    name = TextField(label=_("Name"), max_length=100)
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, max_value=MAX_SORT_ORDER, required=False)


class OrganizationMoveForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("New parent organisation"), queryset=Organization.objects.none())

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents if parents is not None else Organization.objects.none()


class PersonForm(forms.Form):
    name = TextField(label=pgettext_lazy("person", "Name"), max_length=50)
    staff_no = TextField(label=_("Staff number"), max_length=32)
    phone = TextField(
        label=_("Phone"),
        max_length=20,
        required=False,
        help_text=_("A mobile number such as 13912345678, or a landline with its area code such as 0394-8888888."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False, initial=True)


class PersonCreateForm(PersonForm):
    initial_password = forms.CharField(
        label=_("Initial password"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Optional. The person must change it at first login. Without it, set one later with “Reset password”."
        ),
    )


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(
        label=_("Temporary password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("The person must change it when they next log in."),
    )


class AppointForm(forms.Form):
    staff_no = TextField(label=_("Staff number of the person"), max_length=32)
    role = forms.ChoiceField(label=_("Position"), choices=PositionRole.choices)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty while the term is running."),
    )

    def clean_staff_no(self):
        staff_no = self.cleaned_data["staff_no"].strip()
        person = Person.objects.filter(staff_no=staff_no).first()
        if person is None:
            raise forms.ValidationError(
                _("No person with staff number %(no)s. Add the person first."), params={"no": staff_no}
            )
        self.person = person
        return staff_no

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


class EndPositionForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
