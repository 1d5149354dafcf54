"""The comprehensive evaluation (综合评价): the cycle's scoring scheme, each review group's grading, each
Review's grade with every change kept, and each secretary's evaluation opinion (综合评价意见)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuzhi.cycles.models import Review, ReviewCycle, ReviewGroup
from shuzhi.evaluation import proposal, scoring

GRADE_CHOICES = [(g.value, proposal.GRADE_LABELS[g]) for g in proposal.GRADES]
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class MissingRule(models.TextChoices):
    REWEIGHT = scoring.MissingRule.REWEIGHT.value, _("Re-weight over the components present")
    ZERO = scoring.MissingRule.ZERO.value, _("Count a missing component as 0")


class Rounding(models.TextChoices):
    FLOOR = proposal.Rounding.FLOOR.value, _("Round down")
    ROUND = proposal.Rounding.ROUND.value, _("Round half up")
    CEIL = proposal.Rounding.CEIL.value, _("Round up")


class Scheme(models.Model):
    """The cycle's scoring scheme (评分方案): the weights of the three components (summing to 100), what a
    missing component does, and the grade quotas. Set by the org dept before grading starts (any group
    has a stored proposal); a cycle without a row uses the defaults (services.scheme_for)."""

    cycle = models.OneToOneField(ReviewCycle, on_delete=models.PROTECT, related_name="scheme")
    weight_vote = models.DecimalField(_("weight of the satisfaction vote"), max_digits=5, decimal_places=2)
    weight_daily = models.DecimalField(_("weight of the daily assessment"), max_digits=5, decimal_places=2)
    weight_reviewer = models.DecimalField(_("weight of the reviewer's assessment"), max_digits=5, decimal_places=2)
    missing_rule = models.CharField(
        _("a missing component"), max_length=10, choices=MissingRule.choices, default=MissingRule.REWEIGHT
    )
    good_share = models.DecimalField(_("“Good” at most (per cent of the group)"), max_digits=5, decimal_places=2)
    rounding = models.CharField(_("rounding of the counts"), max_length=10, choices=Rounding.choices)
    low_share = models.DecimalField(
        _("“Average and below” at least (per cent of the group)"), max_digits=5, decimal_places=2
    )
    low_min_people = models.PositiveIntegerField(_("minimum share applies from (people)"))
    poor_below = models.DecimalField(
        _("“Poor” proposed below (composite)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scoring scheme")

    def __str__(self) -> str:
        return f"{self.cycle.year} 评分方案"

    @property
    def weights(self) -> scoring.Weights:
        return scoring.Weights(self.weight_vote, self.weight_daily, self.weight_reviewer)

    @property
    def rule(self) -> scoring.MissingRule:
        return scoring.MissingRule(self.missing_rule)

    @property
    def quotas(self) -> proposal.Quotas:
        return proposal.Quotas(
            good_share=self.good_share,
            rounding=proposal.Rounding(self.rounding),
            low_share=self.low_share,
            low_min_people=self.low_min_people,
            poor_below=self.poor_below,
        )

    @classmethod
    def defaults(cls, cycle: ReviewCycle) -> Scheme:
        w, q = scoring.DEFAULT_WEIGHTS, proposal.DEFAULT_QUOTAS
        return cls(
            cycle=cycle,
            weight_vote=w.vote,
            weight_daily=w.daily,
            weight_reviewer=w.reviewer,
            missing_rule=MissingRule.REWEIGHT,
            good_share=q.good_share,
            rounding=q.rounding.value,
            low_share=q.low_share,
            low_min_people=q.low_min_people,
            poor_below=q.poor_below,
        )


class GradingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class GroupGrading(models.Model):
    """One review group's grading: draft until submitted (then locked), reopened by the org dept with a
    reason. `version` increases with every change to the group's grades, scores or status, so a change
    made from a page older than the last one (another grader at the same time) is refused as a conflict
    instead of overwriting."""

    group = models.OneToOneField(ReviewGroup, on_delete=models.PROTECT, related_name="grading")
    status = models.CharField(_("status"), max_length=10, choices=GradingStatus.choices, default=GradingStatus.DRAFT)
    version = models.PositiveIntegerField(default=0)
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    low_justification = models.TextField(_("why “Average and below” is under the minimum share"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("group grading")

    def __str__(self) -> str:
        return f"{self.group} 等次评定"

    @property
    def is_submitted(self) -> bool:
        return self.status == GradingStatus.SUBMITTED


class ReviewGrade(models.Model):
    """A Review's grade: the proposal (with the composite it came from), the current grade, and the
    reviewing body's own score of the report and presentation (0–100)."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="grade")
    grading = models.ForeignKey(GroupGrading, on_delete=models.PROTECT, related_name="grades")
    reviewer_score = models.DecimalField(
        _("reviewer's score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    proposed = models.CharField(_("proposed grade"), max_length=10, choices=GRADE_CHOICES, blank=True)
    proposed_composite = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    proposed_tie = models.BooleanField(default=False)  # the proposal left a tie at a boundary to the reviewer
    grade = models.CharField(_("grade"), max_length=10, choices=GRADE_CHOICES, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grade")

    def __str__(self) -> str:
        return f"{self.review} {self.get_grade_display()}"


class ChangeField(models.TextChoices):
    GRADE = "grade", _("Grade")
    REVIEWER_SCORE = "reviewer_score", _("Reviewer's score")


class GradeChange(models.Model):
    """Every change of a grade or of the reviewer's score, kept: old, new, reason, who, when. The
    proposal's own setting of a grade is recorded with an empty reason and is_proposal set."""

    review_grade = models.ForeignKey(ReviewGrade, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(max_length=20, choices=ChangeField.choices)
    old = models.CharField(max_length=20, blank=True)
    new = models.CharField(max_length=20, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    is_proposal = models.BooleanField(default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]


class Opinion(models.Model):
    """The evaluation opinion (综合评价意见) of one secretary: 肯定成绩 and 指出问题, drafted from what the
    system holds (opinion.draft) and edited by hand. `revision` guards against two tabs."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="opinion")
    strengths = models.TextField(_("achievements affirmed"), max_length=5000, blank=True)
    problems = models.TextField(_("problems pointed out"), max_length=5000, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation opinion")

    def __str__(self) -> str:
        return f"{self.review} 综合评价意见"
