"""The anonymous satisfaction survey (满意度测评, seed 四（二）3).

Anonymity is a property of the schema, checked by tests:
- A Ballot holds no code, no user, no IP address and no time; its primary key is a random UUID,
  and on SQLite the table is WITHOUT ROWID, so neither key nor storage order follows submission.
- A BallotCode knows its category and whether it was used — not when, and not by which ballot; its
  text is stored only sealed (encrypted) and erased when it is used (only its keyed hash stays, to
  refuse a second use).
- Closing the vote rewrites the survey's codes and ballots in random order in one transaction (on
  PostgreSQL every row also carries the id of the transaction that wrote it), then scrubs what the
  database files still hold of the vote (closing.close_survey, docs/vote-anonymity.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuzhi.meetings.models import Meeting


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet open")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    """The satisfaction survey of one meeting (or a rehearsal of it, which never counts)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="surveys")
    is_rehearsal = models.BooleanField(_("rehearsal"), default=False)
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    # The ballot form: {"options": [{"key": "s", "label": "满意", "value": 100}, ...],
    #                   "items": [{"key": "...", "label": "...", "options": [...]}, ...]}
    form = models.JSONField()
    # The presenters on the ballot, fixed when the survey opens: [{"review": id, "name": ..., "org": ...}, ...]
    presenters = models.JSONField(default=list)
    paper_double_entry = models.BooleanField(_("paper ballots entered twice by two clerks"), default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    seal_digest = models.CharField(max_length=64, blank=True)
    seal = models.JSONField(null=True, blank=True)  # {"ballots": {receipt: sha256}, "count": n, "algorithm": ...}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(is_rehearsal=False), name="survey_one_real_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {'模拟测评' if self.is_rehearsal else '满意度测评'}"


class VoterCategory(models.Model):
    """A group of voters (评议人员类别) with its weight in the score, e.g. 校领导 30%."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="categories")
    name = models.CharField(_("category"), max_length=50)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, default=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "name"], name="category_name_unique_in_survey")]

    def __str__(self) -> str:
        return self.name


class CodeStatus(models.TextChoices):
    UNUSED = "unused", _("Unused")
    USED = "used", _("Used")


class BallotCode(models.Model):
    """A one-time ballot code (测评码). Looked up by its keyed hash; kept sealed (encrypted with a key
    derived from SECRET_KEY, codes.seal) only while unused, to print the cards, and erased on use. The
    database never holds a code's plain text. No time of use is stored. A paper code (is_paper) votes
    only on its paper sheet, a phone code only on a phone."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="codes")
    category = models.ForeignKey(VoterCategory, on_delete=models.PROTECT, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    sealed_code = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=CodeStatus.choices, default=CodeStatus.UNUSED)
    is_paper = models.BooleanField(default=False)
    batch = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["survey", "status"], name="ballotcode_survey_status")]


def new_ballot_id() -> uuid.UUID:
    return uuid.uuid4()


class Ballot(models.Model):
    """One anonymous ballot. See the module docstring for what it deliberately does not hold."""

    id = models.UUIDField(primary_key=True, default=new_ballot_id, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="ballots")
    category = models.ForeignKey(VoterCategory, on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField(max_length=16)
    # {"<review id>": "<option key>"}; items: {"<review id>": {"<item key>": "<option key>"}}
    ratings = models.JSONField(default=dict)
    item_ratings = models.JSONField(default=dict)
    suggestions = models.JSONField(default=dict)  # {"<review id>": "text"}
    overall_suggestion = models.TextField(blank=True)
    is_paper = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "receipt"], name="ballot_receipt_unique")]


class PaperEntry(models.Model):
    """A clerk's entry of one paper ballot, kept only until it is counted: with two-clerk entry the
    two entries must agree first; once the ballot is counted the entries are deleted, so the code
    and the marks do not stay linked in the database."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="paper_entries")
    code_hash = models.CharField(max_length=64)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code_hash", "clerk"], name="paper_entry_once_per_clerk")]


class GuessThrottle(models.Model):
    """Failed code attempts per client address and minute, to slow down code guessing. Holds no
    ballot and is never joined with ballots; old rows are purged."""

    key = models.CharField(max_length=64)
    window = models.BigIntegerField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="guess_throttle_key_window")]


class ResultKind(models.TextChoices):
    COUNTED = "counted", _("counted ballots")
    SET_ASIDE = "set_aside", _("ballots set aside")


class VoteSummary(models.Model):
    """What closing a real vote counted, for the whole vote, stored in the closing transaction
    (closing.store_results): ballots received, valid, void and set aside (by reason), the codes
    issued, the voter categories' weights used, and the suggestions no presenter row holds (the
    overall ones, those on void ballots), each list sorted by text. Rehearsals store nothing.

    Holds counts and sorted texts only: nothing in it names a ballot, a receipt or a code."""

    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="stored_summary")
    ballots = models.PositiveIntegerField()
    valid = models.PositiveIntegerField()
    void = models.JSONField(default=dict)  # {reason: ballots}
    set_aside = models.JSONField(default=dict)  # {reason: ballots}
    codes_issued = models.PositiveIntegerField()
    weights = models.JSONField(default=list)  # [{"category": name, "weight": "30.00"}, ...] as used in the score
    overall_suggestions = models.JSONField(default=dict)  # {"counted"|"void"|"set_aside": [text, ...]}
    void_suggestions = models.JSONField(default=dict)  # {"<review id>": [text, ...]} on void ballots

    def __str__(self) -> str:
        return f"{self.survey} 统计"


class VoteResult(models.Model):
    """One presenter's result of a closed real vote (stored when it closes, closing.store_results):
    the exact numbers of the tally (tally.py), as Decimals rounded once (score to 4 places, the
    satisfaction rate as a share to 6), the ballots per option, per voter category (with the weight
    used) and per item, and the suggestions on the presenter (sorted by text).

    kind COUNTED is the result; kind SET_ASIDE is the separate tally of the ballots set aside by the
    valid-ballot rules (never in the score). A Review presented at more than one closed vote (a vote
    re-run at another meeting) has one current COUNTED result, the latest vote's; the earlier ones
    are kept, not current (is_current)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="stored_results")
    review = models.ForeignKey("cycles.Review", on_delete=models.PROTECT, related_name="vote_results")
    kind = models.CharField(max_length=10, choices=ResultKind.choices, default=ResultKind.COUNTED)
    position = models.PositiveIntegerField()  # order on the ballot
    name = models.CharField(max_length=100)  # the presenter as printed on the ballot
    organization = models.CharField(max_length=200)
    score = models.DecimalField(max_digits=9, decimal_places=4, null=True)
    satisfaction_rate = models.DecimalField(max_digits=7, decimal_places=6, null=True)
    rated = models.PositiveIntegerField()
    not_rated = models.PositiveIntegerField()
    counts = models.JSONField(default=dict)  # {option key: ballots}
    # [{"category": name, "weight": "30.00", "counts": {option: n}, "rated": n, "mean": "83.3333" | null}]
    by_category = models.JSONField(default=list)
    item_counts = models.JSONField(default=dict)  # {item key: {option key: ballots}}
    suggestions = models.JSONField(default=list)  # sorted by text
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "review", "kind"], name="vote_result_once_per_vote"),
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(is_current=True, kind="counted"),
                name="vote_result_one_current_per_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.name}"
