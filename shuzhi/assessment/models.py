"""Daily assessment (日常考核, seed 五（二）): the cycle's indicators and scoring rule, the inspectors the org
dept names, and the checks (检查记录) inspectors record against an organisation through the year.

A check is never deleted: a draft becomes recorded (then it counts towards the daily score) or, once
recorded, withdrawn with a reason (then it no longer counts, and stays on record). The indicators of a
cycle are locked once any recorded check (withdrawn ones included) scored them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuzhi.cycles.models import ReviewCycle
from shuzhi.orgs.models import Organization, Person


class ScoreRule(models.TextChoices):
    """How the checks' scores of a cycle make an organisation's daily score (scores.daily_scores)."""

    MEAN = "mean", _("Mean of the recorded checks' scores per indicator, summed")
    LATEST = "latest", _("The latest recorded check's score per indicator, summed")


class Method(models.TextChoices):
    """How a check was done. Seed 五（二）: 以多到现场看、多见具体事、多听群众说为主，一般不以听汇报、查资料、
    看台账的方式进行考核."""

    ON_SITE = "on_site", _("Saw on site")
    CONCRETE = "concrete", _("Saw concrete work")
    PEOPLE = "people", _("Heard the people")
    BRIEFING = "briefing", _("Heard a briefing")
    DOCUMENTS = "documents", _("Read documents")
    LEDGERS = "ledgers", _("Looked at ledgers")


PREFERRED_METHODS = (Method.ON_SITE, Method.CONCRETE, Method.PEOPLE)
NOT_PREFERRED_METHODS = (Method.BRIEFING, Method.DOCUMENTS, Method.LEDGERS)


class AssessmentSettings(models.Model):
    """A cycle's daily-assessment setting (one row per cycle, made with the default indicators)."""

    cycle = models.OneToOneField(
        ReviewCycle, on_delete=models.PROTECT, related_name="assessment_settings", verbose_name=_("review cycle")
    )
    rule = models.CharField(_("scoring rule"), max_length=20, choices=ScoreRule.choices, default=ScoreRule.MEAN)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("daily assessment settings")


class Indicator(models.Model):
    """One indicator of a cycle's daily assessment (考核指标), with its points and scoring guidance."""

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="assessment_indicators", verbose_name=_("review cycle")
    )
    name = models.CharField(_("indicator"), max_length=100)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    guidance = models.TextField(_("scoring guidance"), max_length=2000, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["cycle", "order", "id"]
        verbose_name = _("assessment indicator")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="assessment_indicator_name_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="assessment_indicator_points_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    """A committee member the org dept names as inspector for a cycle (they then may check the
    organisations the committee reviews: 党总支 and 直属党支部). Removed, never deleted."""

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="assessment_inspectors", verbose_name=_("review cycle")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    named_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["named_at", "id"]
        verbose_name = _("inspector")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "person"], condition=Q(removed_at__isnull=True), name="assessment_inspector_once"
            )
        ]

    def __str__(self) -> str:
        return self.person.name


class CheckStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECORDED = "recorded", _("Recorded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Check(models.Model):
    """One on-site check (日常考核检查) of an organisation in a cycle, by the recording user (and the
    co-inspectors named in `co_inspectors`). Only recorded checks count towards the daily score."""

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="assessment_checks", verbose_name=_("review cycle")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="assessment_checks", verbose_name=_("checked organisation")
    )
    status = models.CharField(_("status"), max_length=20, choices=CheckStatus.choices, default=CheckStatus.DRAFT)
    date = models.DateField(_("date of the check"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    co_inspectors = models.CharField(_("other inspectors"), max_length=200, blank=True)
    # Method codes (Method); uses_not_preferred is whether any of them is not preferred, kept with them.
    methods = models.JSONField(_("how it was done"), default=list, blank=True)
    uses_not_preferred = models.BooleanField(default=False)
    seen = models.TextField(_("what was seen"), max_length=5000, blank=True)
    heard = models.TextField(_("what people said"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    # The form's one-time token: a double-submitted new check is one check.
    form_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("daily check")
        indexes = [models.Index(fields=["cycle", "organization", "status"], name="assessment_check_scope")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CheckStatus.DRAFT) | Q(recorded_at__isnull=False, date__isnull=False),
                name="assessment_check_recorded_whole",
            ),
            models.CheckConstraint(
                condition=~Q(status=CheckStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="assessment_check_withdrawn_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.date or ''}".strip()

    @property
    def is_draft(self) -> bool:
        return self.status == CheckStatus.DRAFT

    @property
    def counts(self) -> bool:
        return self.status == CheckStatus.RECORDED

    def method_labels(self) -> list[tuple[str, bool]]:
        """(label, preferred) per recorded method, in the order of Method."""
        return [(m.label, m in PREFERRED_METHODS) for m in Method if m.value in (self.methods or [])]


class CheckScore(models.Model):
    """A check's score and reason for one indicator (score within 0..the indicator's points; empty only
    in a draft)."""

    check_record = models.ForeignKey(
        Check, on_delete=models.PROTECT, related_name="scores", verbose_name=_("daily check")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="scores", verbose_name=_("indicator")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        ordering = ["indicator__order", "indicator_id"]
        verbose_name = _("check score")
        constraints = [
            models.UniqueConstraint(fields=["check_record", "indicator"], name="assessment_score_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="assessment_score_not_negative"
            ),
        ]
