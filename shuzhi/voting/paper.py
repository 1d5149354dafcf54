"""Paper ballots (纸质测评票): a clerk enters each sheet by the code printed on it, optionally twice by
two clerks whose entries must agree before the ballot counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.voting import codes as codelib
from shuzhi.voting.casting import (
    BallotInput,
    _refusal_for_unusable_code,
    cast_ballot,
    clean_ballot,
)
from shuzhi.voting.models import (
    Ballot,
    BallotCode,
    CodeStatus,
    PaperEntry,
    Survey,
    SurveyStatus,
)


@dataclass(frozen=True)
class PaperResult:
    counted: bool
    receipt: str = ""
    mismatch: bool = False
    waiting_for_second_clerk: bool = False


def _paper_content(data: BallotInput) -> dict:
    return {
        "ratings": data.ratings,
        "item_ratings": data.item_ratings,
        "suggestions": data.suggestions,
        "overall_suggestion": data.overall_suggestion,
    }


@transaction.atomic
def enter_paper_ballot(clerk, survey: Survey, typed_code: str, data: BallotInput) -> PaperResult:
    """A clerk types in one paper ballot, identified by the code printed on it.

    With two-clerk entry the first entry waits; the second is compared with it: equal → counted (and
    both entries deleted), different → flagged, nothing counted until one entry is withdrawn and redone."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    code = codelib.normalize(typed_code)
    hashes = codelib.code_hashes(code)
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("Paper ballots can be entered only while the vote is open."))
    row = BallotCode.objects.filter(code_hash__in=hashes).first()
    if row is None or row.survey_id != survey.pk:
        raise ValidationError({"code": str(_refusal_for_unusable_code(survey, hashes, paper=True))})
    hashed = row.code_hash
    if not row.is_paper:
        raise ValidationError({"code": _("This code was issued for phone voting, not for a paper ballot.")})
    if row.status != CodeStatus.UNUSED:
        raise ValidationError({"code": _("This code has already been used: each code votes once.")})
    data = clean_ballot(survey, data)
    if not survey.paper_double_entry:
        receipt = cast_ballot(survey, code, data, paper=True)
        return PaperResult(counted=True, receipt=receipt)
    content = _paper_content(data)
    if PaperEntry.objects.filter(code_hash=hashed, clerk=clerk).exists():
        raise ValidationError(
            {"code": _("You have already entered this ballot; a second clerk must enter it to check.")}
        )
    other = PaperEntry.objects.filter(code_hash=hashed, survey=survey).exclude(clerk=clerk).first()
    if other is None:
        PaperEntry.objects.create(survey=survey, code_hash=hashed, clerk=clerk, content=content)
        return PaperResult(counted=False, waiting_for_second_clerk=True)
    if other.content != content:
        PaperEntry.objects.create(survey=survey, code_hash=hashed, clerk=clerk, content=content)
        return PaperResult(counted=False, mismatch=True)
    receipt = cast_ballot(survey, code, data, paper=True)
    PaperEntry.objects.filter(code_hash=hashed).delete()
    return PaperResult(counted=True, receipt=receipt)


def paper_mismatches(survey: Survey) -> list[list[PaperEntry]]:
    """Paper ballots whose two entries disagree (to be redone before they count)."""
    groups: dict[str, list[PaperEntry]] = {}
    for entry in PaperEntry.objects.filter(survey=survey).select_related("clerk").order_by("code_hash", "created_at"):
        groups.setdefault(entry.code_hash, []).append(entry)
    return [entries for entries in groups.values() if len(entries) > 1]


@transaction.atomic
def withdraw_paper_entry(actor, entry: PaperEntry) -> None:
    """Remove a wrong entry of an uncounted paper ballot so it can be entered again."""
    survey = entry.survey
    deleted, _rows = PaperEntry.objects.filter(pk=entry.pk).delete()
    if deleted:
        record(
            actor,
            Verb.VOTE_PAPER_ENTRY_WITHDRAWN,
            survey,
            organization_id=survey.meeting.reviewer_id,
            note=_("paper ballot entry withdrawn"),
        )


@transaction.atomic
def set_paper_double_entry(actor, survey: Survey, enabled: bool, *, ip: str | None = None) -> Survey:
    """Whether paper ballots must be entered by two clerks whose entries agree before they count.
    Can change only while no paper ballot has been entered."""
    survey = Survey.objects.select_for_update().select_related("meeting").get(pk=survey.pk)
    if survey.paper_double_entry == enabled:
        return survey
    if (
        survey.status == SurveyStatus.CLOSED
        or PaperEntry.objects.filter(survey=survey).exists()
        or Ballot.objects.filter(survey=survey, is_paper=True).exists()
    ):
        raise ValidationError(_("Paper ballots have been entered; the way they are entered can no longer change."))
    survey.paper_double_entry = enabled
    survey.save(update_fields=["paper_double_entry"])
    record(
        actor,
        Verb.VOTE_DOUBLE_ENTRY_CHANGED,
        survey,
        before={"paper_double_entry": not enabled},
        after={"paper_double_entry": enabled},
        organization_id=survey.meeting.reviewer_id,
        ip=ip,
    )
    return survey
