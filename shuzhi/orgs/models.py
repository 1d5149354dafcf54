"""The Party organisation tree, the people in it and their positions (seed §二)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    DIRECT_BRANCH = "direct_branch", _("Direct branch")


class Organization(models.Model):
    """One node of 学校党委 → 党总支 → 党支部 and 学校党委 → 直属党支部.

    Never deleted once anything refers to it: deactivate instead (services.deactivate_organization).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=OrgKind.COMMITTEE, parent__isnull=True)
                | (~Q(kind=OrgKind.COMMITTEE) & Q(parent__isnull=False)),
                name="org_parent_matches_kind",
            ),
            models.UniqueConstraint(fields=["kind"], condition=Q(kind=OrgKind.COMMITTEE), name="org_single_committee"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_committee(self) -> bool:
        return self.kind == OrgKind.COMMITTEE


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(models.Model):
    """A member of staff who holds or has held a position in the tree; keyed by 工号 (staff_no)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    staff_no = models.CharField(_("staff number"), max_length=32, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["staff_no"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_no}）"


class PositionRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    MEMBER = "member", _("Committee member")
    ORGANIZER = "organizer", _("Organiser")
    ORG_DEPT_STAFF = "org_dept_staff", _("Organisation department staff")


class PositionQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> PositionQuerySet:
        day = on or timezone.localdate()
        return self.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


class Position(models.Model):
    """A person's position in an organisation from start_date to end_date (inclusive, open if null)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="positions")
    role = models.CharField(_("position"), max_length=20, choices=PositionRole.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["organization__sort_order", "organization__name", "role", "-start_date"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_not_before_start",
            ),
            # The full rule (no overlapping 书记 terms) is checked in services; this catches the
            # common case at the database level too, whatever path the write takes.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(role=PositionRole.SECRETARY, end_date__isnull=True),
                name="position_one_open_secretary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_role_display()} {self.person.name}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)
