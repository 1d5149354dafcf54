"""Review meetings (述职评议会, seed 四（一）, 四（二）3): the agenda of presenters and the comments (点评)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuzhi.cycles.models import Review, ReviewCycle
from shuzhi.orgs.models import Organization


class MeetingKind(models.TextChoices):
    COMMITTEE_ENLARGED = "committee_enlarged", _("Enlarged meeting of the Party committee")
    GENERAL_BRANCH_ENLARGED = "general_branch_enlarged", _("Enlarged meeting of the general branch committee")


class CommentMode(models.TextChoices):
    ONE_BY_ONE = "one_by_one", _("Comment after each presenter")
    COLLECTIVE = "collective", _("One collective comment")


class PresentMode(models.TextChoices):
    ON_SITE = "on_site", _("On-site report")
    WRITTEN = "written", _("Written report")


class Meeting(models.Model):
    """A reviewer's review meeting: the 党委扩大会议 for 党总支/直属党支部 secretaries, a 党总支委员会扩大会议
    for its 党支部 secretaries."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="meetings")
    reviewer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    expected_attendees = models.PositiveIntegerField(_("expected attendees"), default=0)
    comment_mode = models.CharField(
        _("comment mode"), max_length=20, choices=CommentMode.choices, default=CommentMode.ONE_BY_ONE
    )
    current_item = models.PositiveIntegerField(default=0)  # the presenter screen's position in the agenda
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """One presenter on the agenda, in order. A Review is presented at one meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda")
    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="agenda_item")
    position = models.PositiveIntegerField()
    mode = models.CharField(_("report mode"), max_length=10, choices=PresentMode.choices, default=PresentMode.ON_SITE)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.review.organization.name}"


class Comment(models.Model):
    """A comment (点评) at the meeting: by the reviewing secretary after each presenter (一述一评) or once for
    all (集中点评, review is null), or by another leadership member within their remit. States the problems
    and the way forward; becomes a source of rectification problems later."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="comments")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=100)
    author_role = models.CharField(max_length=100, blank=True)
    problems = models.TextField(_("problems pointed out"), max_length=5000)
    direction = models.TextField(_("way forward"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        whom = self.review.organization.name if self.review_id else _("all presenters")
        return _("%(author)s's comment on %(whom)s") % {"author": self.author_name, "whom": whom}
