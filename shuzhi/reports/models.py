"""The duty report (述职报告): a draft the secretary edits, the versions they submitted, and the
reviewer's vetting (审核: passed or returned) of each. "Decision" is kept for the committee's decision on
the grades (党委研究决定), a later stage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuzhi.cycles.models import Review
from shuzhi.orgs.models import Person

MAX_SECTION_CHARS = 20_000
MAX_ANSWER_CHARS = 5_000


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


class DutyReport(models.Model):
    """The working copy of a Review's report. `revision` increases with every save, so a save based on
    an older revision (another tab, another device) is refused instead of overwriting."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="report")
    practices = models.TextField(_("Main practices this year"), blank=True)
    problems = models.TextField(_("Outstanding problems"), blank=True)
    next_steps = models.TextField(_("Next steps and improvement measures"), blank=True)
    # {str(PriorProblem.pk): answer}
    prior_answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(default=0)
    last_editor = models.ForeignKey(Person, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("duty report")

    def __str__(self) -> str:
        return f"{self.review} 述职报告"

    @property
    def is_editable_status(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportVersion(models.Model):
    """A submitted version, frozen: what the reviewer read."""

    report = models.ForeignKey(DutyReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # {"practices": ..., "problems": ..., "next_steps": ..., "prior_answers": [[problem, answer], ...]}
    content = models.JSONField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_number_unique")]

    def __str__(self) -> str:
        return f"第{self.number}版"


class VettingOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned for revision")


class ReportVetting(models.Model):
    """The reviewer's (or org dept's) vetting (审核) of one submitted version: passed or returned."""

    version = models.OneToOneField(ReportVersion, on_delete=models.PROTECT, related_name="vetting")
    outcome = models.CharField(max_length=10, choices=VettingOutcome.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vetted_at = models.DateTimeField(auto_now_add=True)


class QualityRules(models.Model):
    """The org dept's tuned word lists and thresholds for the quality check (one row; absent = the
    defaults in shuzhi/reports/data/quality_rules.json)."""

    data = models.JSONField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
