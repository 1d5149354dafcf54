"""The yearly review cycle (年度述职评议考核), one Review per secretary per year, and preparation records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuzhi.cycles.stages import Stage
from shuzhi.orgs.models import Organization, Person


class ReportMode(models.TextChoices):
    ON_SITE = "on_site", _("On-site report")
    WRITTEN = "written", _("Written report")
    BOTH = "both", _("On-site and written")


class ReviewCycle(models.Model):
    """One year's duty-report review. Opened by the org dept; at most one per year.

    `stage` is the school-wide calendar: the earliest stage of the cycle's review groups (ReviewGroup),
    kept so by shuzhi.cycles.groups whenever a group moves. So `stage == ARCHIVED` means every group is
    archived, and a stage the cycle has reached is one every group has reached. A cycle without groups
    (no Review was created) moves on its own."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    key_items = models.JSONField(_("key content of the year"), default=list, blank=True)
    report_mode = models.CharField(
        _("default report mode"), max_length=10, choices=ReportMode.choices, default=ReportMode.BOTH
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION)
    preparation_due = models.DateField(_("preparation due"), null=True, blank=True)
    report_due = models.DateField(_("report due"), null=True, blank=True)
    meeting_from = models.DateField(_("review meetings from"), null=True, blank=True)
    meeting_to = models.DateField(_("review meetings until"), null=True, blank=True)
    # The satisfaction-survey ballot form for this year's meetings (see shuzhi.voting.ballotform);
    # empty means the default (满意 / 基本满意 / 不满意).
    ballot_form = models.JSONField(_("ballot form"), default=dict, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("review cycle")

    def __str__(self) -> str:
        return self.title


class ReviewGroup(models.Model):
    """A review group (评议组): one reviewing organisation's Reviews in one cycle.

    The committee's group (学校党委 reviews the 党总支 and 直属党支部 secretaries, at the 党委扩大会议) and
    each 党总支's group (its 党支部 secretaries, at the 党总支委员会扩大会议). Created with the cycle
    (services.open_cycle) and when a Review is added later; every Review belongs to exactly the group of
    its cycle and reviewer.

    Each group runs on its own calendar: `stage` is the group's stage, moved one step at a time by
    shuzhi.cycles.groups.move_group behind the gates of shuzhi.cycles.gates (the org dept may override an
    unmet gate with a recorded reason, see GroupStageChange). The cycle's stage is the earliest of its
    groups' stages. What later stages produce per reviewer (grade quotas, decisions, notifications, the
    党总支's filing) hangs off this model."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="groups")
    reviewer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="review_groups")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "reviewer__kind", "reviewer__sort_order", "reviewer__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "reviewer"], name="review_group_one_per_reviewer")]
        verbose_name = _("review group")

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.reviewer.name}"


class GroupStageChange(models.Model):
    """One move of a review group to its next stage: who, when, what the gate still listed as unmet at
    that moment (`unmet`, the Chinese lines of gates.Unmet) and, when something was unmet, the org
    dept's reason for overriding it. A group reaches a stage with an unmet gate only through a row
    with a reason. The audit record of the move holds the same."""

    group = models.ForeignKey(ReviewGroup, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    unmet = models.JSONField(default=list, blank=True)
    override_reason = models.CharField(_("reason for overriding"), max_length=200, blank=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["moved_at", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "to_stage"], name="group_stage_change_once")]


class Review(models.Model):
    """One secretary's review in one year (述职评议考核对象, 一人一年): the spine of the cycle.

    Keyed by the organisation: when the secretary changes during the year the Review moves to the
    new secretary (SecretaryChange keeps the record) and the work done so far stays with it."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="reviews")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="reviews")
    secretary = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="reviews_to_run")
    # The group of (cycle, reviewer); kept equal to those two (groups.group_for).
    group = models.ForeignKey(ReviewGroup, on_delete=models.PROTECT, related_name="reviews")
    report_mode = models.CharField(_("report mode"), max_length=10, choices=ReportMode.choices)
    preparation_done_at = models.DateTimeField(_("preparation marked done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reviewer__sort_order", "organization__sort_order", "organization__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="review_one_per_org_per_cycle")]
        verbose_name = _("review")

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.organization.name} {self.secretary.name}"

    @property
    def stage(self) -> str:
        """The Review's stage, from its real state (shuzhi.cycles.review_stage): the `current_stage`
        annotation when the queryset carried it (review_stage.with_stage), else computed (a query)."""
        annotated = self.__dict__.get("current_stage")
        if annotated is not None:
            return annotated
        from shuzhi.cycles.review_stage import stage_of

        return stage_of(self)


class SecretaryChange(models.Model):
    """A Review moved from one secretary to another during the year."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="secretary_changes")
    old_secretary = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    new_secretary = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at"]


class PriorProblemKind(models.TextChoices):
    NOTIFIED = "notified", _("Problem notified after last year's review")
    SELF_FOUND = "self_found", _("Problem found by the secretary last year")
    COMMITMENT = "commitment", _("Rectification commitment")


class PriorProblemQuerySet(models.QuerySet):
    def active(self) -> PriorProblemQuerySet:
        """The problems in force: not withdrawn as entered by mistake."""
        return self.filter(withdrawn_at__isnull=True)


class PriorProblem(models.Model):
    """Last year's notified problems and own rectification commitments for an organisation.

    For the first year the system is used they are entered or imported; later years will take them
    from the rectification records. `year` is the year of the review they came out of.

    A problem entered by mistake is withdrawn, never deleted: it keeps its row with who withdrew it,
    when and why, and everything that lists or uses the problems reads `PriorProblem.objects.active()`."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="prior_problems")
    year = models.PositiveIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=PriorProblemKind.choices)
    text = models.TextField(_("problem"), max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    objects = PriorProblemQuerySet.as_manager()

    class Meta:
        ordering = ["year", "kind", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class PreparationKind(models.TextChoices):
    RESEARCH = "research", _("Research visit")
    OPINION = "opinion", _("Opinion or suggestion gathered")
    PROBLEM = "problem", _("Problem found")


class PreparationItem(models.Model):
    """What the secretary did before writing (述前准备): research visits (调研), opinions and suggestions
    gathered (意见建议) and problems found (查摆问题). Feeds the report and later the rectification plan."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="preparation_items")
    kind = models.CharField(_("kind"), max_length=20, choices=PreparationKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    people = models.CharField(_("whom"), max_length=200, blank=True)  # whom visited / from whom
    content = models.TextField(_("content"), max_length=5000)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    is_withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="preparation_item_has_content"),
        ]

    def __str__(self) -> str:
        content = self.content if len(self.content) <= 30 else f"{self.content[:30]}…"
        return f"{self.get_kind_display()}：{content}"
