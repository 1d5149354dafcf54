"""Setting up a satisfaction survey (满意度测评): creating it, its voter categories and weights, its
ballot form, issuing one-time codes (and unsealing them to print the cards), opening the vote, and
rehearsals (模拟测评)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.meetings.models import Meeting
from shuzhi.voting import ballotform
from shuzhi.voting import codes as codelib
from shuzhi.voting.models import (
    Ballot,
    BallotCode,
    CodeStatus,
    PaperEntry,
    Survey,
    SurveyStatus,
    VoterCategory,
)

MAX_CODES_PER_ISSUE = 2000


def form_for_meeting(meeting: Meeting) -> dict:
    """The cycle's ballot form (validated), or the default one."""
    configured = meeting.cycle.ballot_form
    return ballotform.parse_form(configured) if configured else ballotform.default_form()


# --- The survey and its codes ---------------------------------------------------------------


@transaction.atomic
def create_survey(
    actor, meeting: Meeting, *, rehearsal: bool = False, form: dict | None = None, ip: str | None = None
) -> Survey:
    """The meeting's survey (one real one; any number of rehearsals), with one default voter category."""
    if not rehearsal:
        existing = Survey.objects.filter(meeting=meeting, is_rehearsal=False).first()
        if existing:
            return existing
    survey = Survey.objects.create(
        meeting=meeting,
        is_rehearsal=rehearsal,
        form=ballotform.parse_form(form) if form else form_for_meeting(meeting),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    VoterCategory.objects.create(survey=survey, name="参会人员", weight=Decimal(100))
    record(
        actor,
        Verb.VOTE_CREATED,
        survey,
        organization_id=meeting.reviewer_id,
        ip=ip,
        note=_("rehearsal survey") if rehearsal else "",
    )
    return survey


def presenters_of(meeting: Meeting) -> list[dict]:
    return [
        {"review": item.review_id, "name": item.review.secretary.name, "org": item.review.organization.name}
        for item in meeting.agenda.select_related("review__secretary", "review__organization")
    ]


@transaction.atomic
def issue_codes(
    actor,
    survey: Survey,
    count: int,
    *,
    category: VoterCategory | None = None,
    paper: bool = False,
    ip: str | None = None,
) -> list[str]:
    """Create `count` new one-time codes and return their plain text (for printing)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("The vote is closed; no more codes can be issued."))
    if not 1 <= count <= MAX_CODES_PER_ISSUE:
        raise ValidationError({"count": _("Issue between 1 and %(n)d codes at a time.") % {"n": MAX_CODES_PER_ISSUE}})
    category = category or survey.categories.first()
    if category.survey_id != survey.pk:
        raise ValidationError({"category": _("That voter category belongs to another survey.")})
    batch = (
        BallotCode.objects.filter(survey=survey).order_by("-batch").values_list("batch", flat=True).first() or 0
    ) + 1
    plain = [codelib.new_code() for _ in range(count)]
    hashes = [codelib.code_hash(c) for c in plain]
    BallotCode.objects.bulk_create(
        [
            BallotCode(
                survey=survey,
                category=category,
                code_hash=hashed,
                sealed_code=codelib.seal(c, hashed),
                is_paper=paper,
                batch=batch,
            )
            for c, hashed in zip(plain, hashes, strict=True)
        ]
    )
    record(
        actor,
        Verb.VOTE_CODES_ISSUED,
        survey,
        organization_id=survey.meeting.reviewer_id,
        ip=ip,
        note=_("%(n)d codes issued (batch %(batch)d, %(category)s)")
        % {"n": count, "batch": batch, "category": category.name},
    )
    return plain


@transaction.atomic
def open_survey(actor, survey: Survey, *, ip: str | None = None) -> Survey:
    """Open the vote: the ballot's presenters are fixed from the meeting's agenda at this moment."""
    survey = Survey.objects.select_for_update().select_related("meeting").get(pk=survey.pk)
    if survey.status == SurveyStatus.OPEN:
        return survey
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("A closed vote cannot be opened again."))
    presenters = presenters_of(survey.meeting)
    if not presenters:
        raise ValidationError(_("Put at least one presenter on the agenda before opening the vote."))
    survey.presenters = presenters
    survey.status = SurveyStatus.OPEN
    survey.opened_at = timezone.now()
    survey.save(update_fields=["presenters", "status", "opened_at"])
    record(
        actor,
        Verb.VOTE_OPENED,
        survey,
        organization_id=survey.meeting.reviewer_id,
        ip=ip,
        before={"status": SurveyStatus.DRAFT},
        after={"status": SurveyStatus.OPEN},
        note=_("vote opened"),
    )
    return survey


def printable_codes(survey: Survey, *, paper: bool, batch: int | None = None) -> tuple[list[tuple[str, str]], int]:
    """(the unused phone or paper codes of the survey, unsealed, with their category name, in batch
    and issue order; how many codes of that selection are used and so no longer printable)."""
    selection = BallotCode.objects.filter(survey=survey, is_paper=paper)
    if batch is not None:
        selection = selection.filter(batch=batch)
    rows = (
        selection.filter(status=CodeStatus.UNUSED)
        .exclude(sealed_code="")
        .order_by("batch", "pk")
        .values_list("sealed_code", "code_hash", "category__name")
    )
    unused = [(plain, category) for sealed, hashed, category in rows if (plain := codelib.unseal(sealed, hashed))]
    return unused, selection.filter(status=CodeStatus.USED).count()


def unsealed_codes(code_hashes: list[str]) -> dict[str, str]:
    """{code hash: plain code} for those of these codes that are still unused (sealed)."""
    rows = (
        BallotCode.objects.filter(code_hash__in=code_hashes)
        .exclude(sealed_code="")
        .values_list("code_hash", "sealed_code")
    )
    return {hashed: plain for hashed, sealed in rows if (plain := codelib.unseal(sealed, hashed))}


# --- Voter categories, the ballot form, rehearsals --------------------------------------------------


def survey_locked(survey: Survey) -> bool:
    """Whether the form and the voter categories are fixed: a ballot has arrived or the vote closed."""
    return Ballot.objects.filter(survey=survey).exists() or survey.status == SurveyStatus.CLOSED


_has_ballots = survey_locked


@transaction.atomic
def set_categories(
    actor, survey: Survey, categories: list[tuple[str, Decimal]], *, ip: str | None = None
) -> list[VoterCategory]:
    """Set the voter categories (评议人员类别) and their weights, which must add up to 100%.

    Before any code is issued the list can change freely; afterwards only the weights of the existing
    categories, and only until the first ballot arrives."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if _has_ballots(survey):
        raise ValidationError(_("Ballots have arrived; the voter categories can no longer change."))
    cleaned: list[tuple[str, Decimal]] = []
    for name, weight in categories:
        name = " ".join(str(name or "").split())
        if not name or len(name) > 50:
            raise ValidationError({"categories": _("Every category needs a name of at most 50 characters.")})
        try:
            weight = Decimal(str(weight)).quantize(Decimal("0.01"))
        except Exception:  # noqa: BLE001 - any unparsable weight gets the same message
            raise ValidationError(
                {"categories": _("The weight of %(name)s must be a number.") % {"name": name}}
            ) from None
        if not Decimal(0) < weight <= Decimal(100):
            raise ValidationError(
                {"categories": _("The weight of %(name)s must be above 0 and at most 100.") % {"name": name}}
            )
        cleaned.append((name, weight))
    if not 1 <= len(cleaned) <= 10:
        raise ValidationError({"categories": _("Between 1 and 10 voter categories.")})
    if len({n for n, _w in cleaned}) != len(cleaned):
        raise ValidationError({"categories": _("Two categories have the same name.")})
    total = sum(w for _n, w in cleaned)
    if total != Decimal(100):
        raise ValidationError(
            {
                "categories": _("The weights add up to %(total)s%%; they must add up to 100%%.")
                % {"total": f"{total.normalize():f}"}
            }
        )
    existing = list(survey.categories.all())
    before = [(c.name, str(c.weight)) for c in existing]
    if BallotCode.objects.filter(survey=survey).exists():
        by_name = {c.name: c for c in existing}
        if set(by_name) != {n for n, _w in cleaned}:
            raise ValidationError({"categories": _("Codes have been issued; only the weights can change now.")})
        for position, (name, weight) in enumerate(cleaned):
            VoterCategory.objects.filter(pk=by_name[name].pk).update(weight=weight, position=position)
    else:
        survey.categories.all().delete()
        VoterCategory.objects.bulk_create(
            [VoterCategory(survey=survey, name=n, weight=w, position=i) for i, (n, w) in enumerate(cleaned)]
        )
    after = [(n, str(w)) for n, w in cleaned]
    if after != before:
        record(
            actor,
            Verb.VOTE_CATEGORIES_CHANGED,
            survey,
            before={"categories": before},
            after={"categories": after},
            organization_id=survey.meeting.reviewer_id,
            ip=ip,
            note=_("voter categories"),
        )
    return list(survey.categories.all())


@transaction.atomic
def set_survey_form(actor, survey: Survey, form: dict, *, ip: str | None = None) -> Survey:
    """Change the ballot form of a survey; refused once the first ballot has arrived."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if _has_ballots(survey):
        raise ValidationError(_("Ballots have arrived; the ballot form can no longer change."))
    cleaned = ballotform.parse_form(form)
    if cleaned != survey.form:
        before = survey.form
        survey.form = cleaned
        survey.save(update_fields=["form"])
        record(
            actor,
            Verb.VOTE_FORM_CHANGED,
            survey,
            before={"form": before},
            after={"form": cleaned},
            organization_id=survey.meeting.reviewer_id,
            ip=ip,
            note=_("ballot form"),
        )
    return survey


@transaction.atomic
def set_cycle_ballot_form(actor, cycle, form: dict, *, ip: str | None = None):
    """The default ballot form for the cycle's surveys (copied into each survey when it is created)."""
    from shuzhi.cycles.models import ReviewCycle

    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    cleaned = ballotform.parse_form(form)
    if cleaned != cycle.ballot_form:
        before = cycle.ballot_form
        cycle.ballot_form = cleaned
        cycle.save(update_fields=["ballot_form", "updated_at"])
        record(
            actor,
            Verb.CYCLE_BALLOT_FORM_CHANGED,
            cycle,
            before={"ballot_form": before},
            after={"ballot_form": cleaned},
            ip=ip,
            note=_("ballot form"),
        )
    return cycle


@transaction.atomic
def wipe_rehearsal(actor, survey: Survey, *, ip: str | None = None) -> None:
    """Delete a rehearsal (模拟测评) with its codes and ballots. Refused for a real vote, always."""
    survey = Survey.objects.select_for_update().select_related("meeting").get(pk=survey.pk)
    if not survey.is_rehearsal:
        raise ValidationError(_("Only a rehearsal can be wiped; a real vote is kept for ever."))
    counts = {"ballots": survey.ballots.count(), "codes": survey.codes.count()}
    Ballot.objects.filter(survey=survey, survey__is_rehearsal=True).delete()
    PaperEntry.objects.filter(survey=survey).delete()
    BallotCode.objects.filter(survey=survey, survey__is_rehearsal=True).delete()
    VoterCategory.objects.filter(survey=survey).delete()
    record(
        actor,
        Verb.VOTE_REHEARSAL_WIPED,
        survey,
        before=counts,
        organization_id=survey.meeting.reviewer_id,
        ip=ip,
        note=_("rehearsal wiped"),
    )
    Survey.objects.filter(pk=survey.pk, is_rehearsal=True).delete()


@transaction.atomic
def start_rehearsal(actor, meeting: Meeting, *, ip: str | None = None) -> Survey:
    """A rehearsal (模拟测评) of the meeting's vote, with the real vote's ballot form and voter categories
    if it has one (otherwise the year's form and the one default category).

    A rehearsal that is still untouched (not opened, no codes) is reused rather than a second one made,
    so a double click or a second visit gives one rehearsal; its form and categories are brought up to
    date with the real vote's."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one start at a time per meeting
    real = Survey.objects.filter(meeting=meeting, is_rehearsal=False).first()
    rehearsal = (
        Survey.objects.filter(meeting=meeting, is_rehearsal=True, status=SurveyStatus.DRAFT)
        .filter(codes__isnull=True)
        .order_by("-pk")
        .first()
    )
    if rehearsal is None:
        rehearsal = create_survey(actor, meeting, rehearsal=True, form=real.form if real else None, ip=ip)
    elif real is not None:
        set_survey_form(actor, rehearsal, real.form, ip=ip)
    if real is not None:
        categories = [(c.name, c.weight) for c in real.categories.all()]
        if categories and categories != [(c.name, c.weight) for c in rehearsal.categories.all()]:
            set_categories(actor, rehearsal, categories, ip=ip)
    rehearsal.meeting = meeting
    return rehearsal
