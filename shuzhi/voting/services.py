"""Running a satisfaction survey: set-up, issuing codes, casting ballots, paper entry, closing.

cast_ballot is the hot path of the whole product (a room of hundreds voting within minutes): one
conditional UPDATE of the code and one INSERT of the ballot, in one short transaction.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.core import inputs
from shuzhi.meetings.models import Meeting
from shuzhi.voting import ballotform, secrecy
from shuzhi.voting import codes as codelib
from shuzhi.voting.models import (
    Ballot, BallotCode, CodeStatus, GuessThrottle, PaperEntry, Survey, SurveyStatus, VoterCategory,
)
from shuzhi.voting.tally import PresenterResult, tally_rows

MAX_CODES_PER_ISSUE = 2000
MAX_SUGGESTION_CHARS = 1000


def guess_limit() -> int:
    """Wrong codes a client address may try per minute before it must wait (settings.BALLOT_GUESS_LIMIT).
    Generous by default, because a whole room may reach the server through one NAT address."""
    return settings.BALLOT_GUESS_LIMIT


class BallotRefused(Exception):
    """A ballot that is not counted, with the Chinese message to show the voter."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def form_for_meeting(meeting: Meeting) -> dict:
    """The cycle's ballot form (validated), or the default one."""
    configured = meeting.cycle.ballot_form
    return ballotform.parse_form(configured) if configured else ballotform.default_form()


# --- Set-up ---------------------------------------------------------------------------------------

@transaction.atomic
def create_survey(actor, meeting: Meeting, *, rehearsal: bool = False, form: dict | None = None,
                  ip: str | None = None) -> Survey:
    """The meeting's survey (one real one; any number of rehearsals), with one default voter category."""
    if not rehearsal:
        existing = Survey.objects.filter(meeting=meeting, is_rehearsal=False).first()
        if existing:
            return existing
    survey = Survey.objects.create(meeting=meeting, is_rehearsal=rehearsal,
                                   form=ballotform.parse_form(form) if form else form_for_meeting(meeting),
                                   created_by=actor if getattr(actor, "pk", None) else None)
    VoterCategory.objects.create(survey=survey, name="参会人员", weight=Decimal(100))
    record(actor, Verb.VOTE_CREATED, survey, organization_id=meeting.reviewer_id, ip=ip,
           note=_("rehearsal survey") if rehearsal else "")
    return survey


def presenters_of(meeting: Meeting) -> list[dict]:
    return [{"review": item.review_id, "name": item.review.secretary.name, "org": item.review.organization.name}
            for item in meeting.agenda.select_related("review__secretary", "review__organization")]


@transaction.atomic
def issue_codes(actor, survey: Survey, count: int, *, category: VoterCategory | None = None, paper: bool = False,
                ip: str | None = None) -> list[str]:
    """Create `count` new one-time codes and return their plain text (for printing)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("The vote is closed; no more codes can be issued."))
    if not 1 <= count <= MAX_CODES_PER_ISSUE:
        raise ValidationError({"count": _("Issue between 1 and %(n)d codes at a time.") % {"n": MAX_CODES_PER_ISSUE}})
    category = category or survey.categories.first()
    if category.survey_id != survey.pk:
        raise ValidationError({"category": _("That voter category belongs to another survey.")})
    batch = (BallotCode.objects.filter(survey=survey).order_by("-batch").values_list("batch", flat=True).first() or 0) + 1
    plain = [codelib.new_code() for _ in range(count)]
    hashes = [codelib.code_hash(c) for c in plain]
    BallotCode.objects.bulk_create([
        BallotCode(survey=survey, category=category, code_hash=hashed, sealed_code=codelib.seal(c, hashed),
                   is_paper=paper, batch=batch)
        for c, hashed in zip(plain, hashes, strict=True)
    ])
    record(actor, Verb.VOTE_CODES_ISSUED, survey, organization_id=survey.meeting.reviewer_id, ip=ip,
           note=_("%(n)d codes issued (batch %(batch)d, %(category)s)") % {"n": count, "batch": batch, "category": category.name})
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
    record(actor, Verb.VOTE_OPENED, survey, organization_id=survey.meeting.reviewer_id, ip=ip,
           before={"status": SurveyStatus.DRAFT}, after={"status": SurveyStatus.OPEN}, note=_("vote opened"))
    return survey


def printable_codes(survey: Survey, *, paper: bool, batch: int | None = None) -> tuple[list[tuple[str, str]], int]:
    """(the unused phone or paper codes of the survey, unsealed, with their category name, in batch
    and issue order; how many codes of that selection are used and so no longer printable)."""
    selection = BallotCode.objects.filter(survey=survey, is_paper=paper)
    if batch is not None:
        selection = selection.filter(batch=batch)
    rows = (selection.filter(status=CodeStatus.UNUSED).exclude(sealed_code="").order_by("batch", "pk")
            .values_list("sealed_code", "code_hash", "category__name"))
    unused = [(plain, category) for sealed, hashed, category in rows if (plain := codelib.unseal(sealed, hashed))]
    return unused, selection.filter(status=CodeStatus.USED).count()


def unsealed_codes(code_hashes: list[str]) -> dict[str, str]:
    """{code hash: plain code} for those of these codes that are still unused (sealed)."""
    rows = BallotCode.objects.filter(code_hash__in=code_hashes).exclude(sealed_code="").values_list(
        "code_hash", "sealed_code")
    return {hashed: plain for hashed, sealed in rows if (plain := codelib.unseal(sealed, hashed))}


# --- Casting --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BallotInput:
    ratings: dict[str, str]
    item_ratings: dict[str, dict[str, str]]
    suggestions: dict[str, str]
    overall_suggestion: str = ""


def clean_ballot(survey: Survey, data: BallotInput) -> BallotInput:
    """Keep only known presenters, options and items; limit text. Raises ValidationError for junk."""
    presenter_ids = {str(p["review"]) for p in survey.presenters}
    option_keys = {o["key"] for o in survey.form["options"]}
    items = {i["key"]: {o["key"] for o in i.get("options", survey.form["options"])} for i in survey.form.get("items", [])}
    ratings: dict[str, str] = {}
    for review, option in (data.ratings or {}).items():
        if str(review) not in presenter_ids or option not in option_keys:
            raise ValidationError(_("The ballot contains a rating that is not on this ballot form."))
        ratings[str(review)] = option
    item_ratings: dict[str, dict[str, str]] = {}
    for review, marks in (data.item_ratings or {}).items():
        if str(review) not in presenter_ids:
            raise ValidationError(_("The ballot contains a rating that is not on this ballot form."))
        cleaned = {}
        for key, option in marks.items():
            if key not in items or option not in items[key]:
                raise ValidationError(_("The ballot contains a rating that is not on this ballot form."))
            cleaned[key] = option
        if cleaned:
            item_ratings[str(review)] = cleaned
    suggestions = {}
    for review, text in (data.suggestions or {}).items():
        # A control character cannot be stored (PostgreSQL refuses NUL): code "control_character".
        text = inputs.clean_text(text or "")
        if str(review) not in presenter_ids:
            raise ValidationError(_("The ballot contains a rating that is not on this ballot form."))
        if len(text) > MAX_SUGGESTION_CHARS:
            raise ValidationError(_("A suggestion can be at most %(n)d characters.") % {"n": MAX_SUGGESTION_CHARS})
        if text:
            suggestions[str(review)] = text
    overall = inputs.clean_text(data.overall_suggestion or "")
    if len(overall) > MAX_SUGGESTION_CHARS * 2:
        raise ValidationError(_("A suggestion can be at most %(n)d characters.") % {"n": MAX_SUGGESTION_CHARS * 2})
    return BallotInput(ratings, item_ratings, suggestions, overall)


def _refusal_for_unusable_code(survey: Survey, hashes: list[str], *, paper: bool = False) -> BallotRefused:
    code = BallotCode.objects.filter(code_hash__in=hashes).select_related("survey").first()
    if code is None:
        return BallotRefused(_("This code is not valid. Check the code on your card and type it again."), "unknown")
    if code.survey_id != survey.pk:
        if code.survey.is_rehearsal != survey.is_rehearsal:
            return BallotRefused(_("This code belongs to a rehearsal, not to this vote (or the other way round)."), "rehearsal")
        return BallotRefused(_("This code belongs to another meeting's vote."), "other_meeting")
    if code.status == CodeStatus.USED:
        return BallotRefused(_("This code has already been used: each code votes once."), "used")
    return _wrong_medium(paper)


def _wrong_medium(paper: bool) -> BallotRefused:
    """A paper code votes only on its paper sheet, a phone code only on a phone: one code, one way
    of voting, so a card and a sheet can never both count."""
    if paper:
        return BallotRefused(_("This code was issued for phone voting, not for a paper ballot."), "phone_code")
    return BallotRefused(_("This code is printed on a paper ballot sheet: fill in that sheet and hand it in; "
                           "it cannot be used on a phone."), "paper_code")


# The ballot's hot path in plain SQL: the whole room loads its ballot and submits it within a minute or
# two, and each statement the ORM would build costs more CPU than the database spends running it.
# The statements are portable (SQLite 3.35+ and PostgreSQL both have UPDATE … RETURNING); tests
# run them on both databases.

_BALLOT_COLUMNS = ('s."id", s."meeting_id", s."status", s."is_rehearsal", s."form", s."presenters", m."title", '
                   '(SELECT t."failures" FROM "voting_guessthrottle" t WHERE t."key" = %s AND t."window" = %s)')


def _hash_match(column: str, hashes: list[str]) -> str:
    """`column = %s`, or `column IN (%s, …)` while SECRET_KEY_FALLBACKS hold older keys."""
    return f"{column} = %s" if len(hashes) == 1 else f"{column} IN ({', '.join(['%s'] * len(hashes))})"


@dataclass(frozen=True)
class BallotLookup:
    """What the public ballot needs to answer one request, read in one statement."""

    throttled: bool  # too many wrong codes from this client address in this minute
    survey: Survey | None  # with its meeting's title loaded; None: no such code / survey
    code_used: bool = False
    paper_code: bool = False  # the code is a paper sheet's, which does not vote on a phone


def _survey_from_row(row: tuple) -> Survey | None:
    if row[0] is None:
        return None
    survey = _partial(Survey, {"id": row[0], "meeting_id": row[1], "status": row[2], "is_rehearsal": bool(row[3]),
                               "form": json.loads(row[4]), "presenters": json.loads(row[5])})
    survey.meeting = _partial(Meeting, {"id": row[1], "title": row[6]})
    return survey


def _partial(model, values: dict):
    """An instance with only these fields loaded (the others deferred), as `.only()` would give."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def _ballot_lookup(joins: str, keys: list, client_address: str, *, with_code: bool) -> BallotLookup:
    code_columns = ', c."status", c."is_paper"' if with_code else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {_BALLOT_COLUMNS}{code_columns} FROM (SELECT 1 AS one) AS one {joins} '
            'LEFT JOIN "meetings_meeting" m ON m."id" = s."meeting_id"',
            [throttle_key(client_address), _throttle_window(), *keys])
        row = cursor.fetchone()
    return BallotLookup(throttled=(row[7] or 0) >= guess_limit(), survey=_survey_from_row(row),
                        code_used=with_code and row[8] == CodeStatus.USED,
                        paper_code=with_code and bool(row[9]))


def look_up_code(code: str, client_address: str) -> BallotLookup:
    """The survey of a (normalised, valid-looking) code and the guess throttle of the client, in one
    statement. The caller must refuse a throttled client before saying anything about the code."""
    hashes = codelib.code_hashes(code)
    code_match = _hash_match('c."code_hash"', hashes)
    return _ballot_lookup(f'LEFT JOIN "voting_ballotcode" c ON {code_match} '
                          'LEFT JOIN "voting_survey" s ON s."id" = c."survey_id"',
                          hashes, client_address, with_code=True)


def survey_for_ballot(survey_id: int, client_address: str) -> BallotLookup:
    """The survey a submitted ballot names, and the guess throttle of the client, in one statement."""
    return _ballot_lookup('LEFT JOIN "voting_survey" s ON s."id" = %s', [survey_id], client_address, with_code=False)


def refusal_for(lookup: BallotLookup) -> BallotRefused | None:
    """Why a found code cannot vote on a phone now (used, a paper sheet's code, or the vote not
    open): cast_ballot's own refusals."""
    if lookup.code_used:
        return BallotRefused(_("This code has already been used: each code votes once."), "used")
    if lookup.paper_code:
        return _wrong_medium(paper=False)
    return None if lookup.survey.status == SurveyStatus.OPEN else why_not_open(lookup.survey.status)


# Claims the code, only if it is unused, belongs to this survey and the survey is open. On PostgreSQL
# the survey row is share-locked: close_survey's FOR UPDATE waits for ballots being cast, and a cast
# waiting on a close re-reads the status after it and finds the vote closed, so no ballot slips in after
# the seal. On SQLite the IMMEDIATE transaction already serialises all writers.
_CLAIM_CODE = (
    'UPDATE "voting_ballotcode" SET "status" = %s, "sealed_code" = \'\' '
    'WHERE {hash_match} AND "survey_id" = %s AND "status" = %s AND "is_paper" = %s '
    'AND EXISTS (SELECT 1 FROM "voting_survey" WHERE "id" = %s AND "status" = %s{lock}) '
    'RETURNING "category_id"'
)


def _ballot_fields() -> tuple[str, list]:
    fields = [Ballot._meta.get_field(name) for name in (
        "id", "survey", "category", "receipt", "ratings", "item_ratings", "suggestions", "overall_suggestion",
        "is_paper")]
    sql = 'INSERT INTO "voting_ballot" ({}) VALUES ({})'.format(
        ", ".join(f'"{f.column}"' for f in fields), ", ".join(["%s"] * len(fields)))
    return sql, fields


_INSERT_BALLOT, _INSERT_FIELDS = _ballot_fields()


def why_not_open(status: str | None) -> BallotRefused:
    return BallotRefused(_("Voting is closed.") if status == SurveyStatus.CLOSED
                         else _("Voting has not started yet."), "not_open")


def cast_ballot(survey: Survey | int, typed_code: str, data: BallotInput, *, paper: bool = False) -> str:
    """Count one ballot for one unused code, exactly once. Returns the voter's receipt code.

    `survey` may be the Survey the caller already loaded (its form and presenters validate the
    ballot; its status is re-checked inside the transaction). Raises BallotRefused (with the message
    for the voter) for an unknown, used, other-meeting or rehearsal code and when the vote is not
    open; ValidationError for a malformed ballot."""
    code = codelib.normalize(typed_code)
    if not codelib.looks_valid(code):
        raise BallotRefused(_("This code is not valid. Check the code on your card and type it again."), "unknown")
    hashes = codelib.code_hashes(code)
    if not isinstance(survey, Survey):
        survey = Survey.objects.get(pk=survey)
    data = clean_ballot(survey, data)
    claim = _CLAIM_CODE.format(hash_match=_hash_match('"code_hash"', hashes),
                               lock=" FOR SHARE" if connection.vendor == "postgresql" else "")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(claim, [CodeStatus.USED, *hashes, survey.pk, CodeStatus.UNUSED, paper, survey.pk,
                                           SurveyStatus.OPEN])
                    claimed = cursor.fetchone()
                    if claimed is None:
                        status = Survey.objects.filter(pk=survey.pk).values_list("status", flat=True).first()
                        if status != SurveyStatus.OPEN:
                            raise why_not_open(status)
                        raise _refusal_for_unusable_code(survey, hashes, paper=paper)
                    receipt = codelib.new_receipt()
                    values = [uuid.uuid4(), survey.pk, claimed[0], receipt, data.ratings, data.item_ratings,
                              data.suggestions, data.overall_suggestion, paper]
                    cursor.execute(_INSERT_BALLOT, [field.get_db_prep_save(value, connection)
                                                    for field, value in zip(_INSERT_FIELDS, values)])
                return receipt
        except IntegrityError:
            continue  # a receipt collision (1 in 2**39): draw another
        except OperationalError as error:
            # SQLite: the write lock was not free within the busy timeout. Nothing was written and the
            # code is still unused, so the voter is asked to submit again (not shown a server error).
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            break
    raise BallotRefused(_("The ballot could not be saved. Please submit it again."), "error")


def throttle_key(client_address: str) -> str:
    return codelib.code_hash("throttle:" + (client_address or "unknown"))


def _throttle_window() -> int:
    return int(time.time() // 60)


def too_many_guesses(client_address: str) -> bool:
    failures = GuessThrottle.objects.filter(key=throttle_key(client_address), window=_throttle_window()).values_list(
        "failures", flat=True).first() or 0
    return failures >= guess_limit()


def note_failed_guess(client_address: str) -> None:
    from django.db.models import F

    window = _throttle_window()
    key = throttle_key(client_address)
    with transaction.atomic():
        updated = GuessThrottle.objects.filter(key=key, window=window).update(failures=F("failures") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    GuessThrottle.objects.create(key=key, window=window, failures=1)
            except IntegrityError:
                GuessThrottle.objects.filter(key=key, window=window).update(failures=F("failures") + 1)
        GuessThrottle.objects.filter(window__lt=window - 60).delete()


# --- Paper ballots -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaperResult:
    counted: bool
    receipt: str = ""
    mismatch: bool = False
    waiting_for_second_clerk: bool = False


def _paper_content(data: BallotInput) -> dict:
    return {"ratings": data.ratings, "item_ratings": data.item_ratings, "suggestions": data.suggestions,
            "overall_suggestion": data.overall_suggestion}


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
        raise ValidationError({"code": _("You have already entered this ballot; a second clerk must enter it to check.")})
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
        record(actor, Verb.VOTE_PAPER_ENTRY_WITHDRAWN, survey, organization_id=survey.meeting.reviewer_id,
               note=_("paper ballot entry withdrawn"))


@transaction.atomic
def set_paper_double_entry(actor, survey: Survey, enabled: bool, *, ip: str | None = None) -> Survey:
    """Whether paper ballots must be entered by two clerks whose entries agree before they count.
    Can change only while no paper ballot has been entered."""
    survey = Survey.objects.select_for_update().select_related("meeting").get(pk=survey.pk)
    if survey.paper_double_entry == enabled:
        return survey
    if survey.status == SurveyStatus.CLOSED or PaperEntry.objects.filter(survey=survey).exists() or \
            Ballot.objects.filter(survey=survey, is_paper=True).exists():
        raise ValidationError(_("Paper ballots have been entered; the way they are entered can no longer change."))
    survey.paper_double_entry = enabled
    survey.save(update_fields=["paper_double_entry"])
    record(actor, Verb.VOTE_DOUBLE_ENTRY_CHANGED, survey, before={"paper_double_entry": not enabled},
           after={"paper_double_entry": enabled}, organization_id=survey.meeting.reviewer_id, ip=ip)
    return survey


# --- Closing and results --------------------------------------------------------------------------

def ballot_payload(ballot: Ballot, category_names: dict[int, str]) -> str:
    """The canonical text of one ballot that the seal hashes (and the archive prints, so anyone can
    hash it again): receipt, voter category, ratings, item ratings, suggestions, paper or phone."""
    return json.dumps({
        "receipt": ballot.receipt, "category": category_names.get(ballot.category_id, ""),
        "ratings": ballot.ratings, "item_ratings": ballot.item_ratings, "suggestions": ballot.suggestions,
        "overall_suggestion": ballot.overall_suggestion, "paper": ballot.is_paper,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def seal_digest_of(per_ballot: dict[str, str]) -> str:
    """The seal: SHA-256 over the lines "receipt:ballot digest", sorted by receipt, joined by newlines."""
    return digest("\n".join(f"{r}:{d}" for r, d in sorted(per_ballot.items())))


def _category_names(survey: Survey) -> dict[int, str]:
    return dict(survey.categories.values_list("pk", "name"))


def seal_of(survey: Survey) -> tuple[str, dict[str, str]]:
    names = _category_names(survey)
    per_ballot = {b.receipt: digest(ballot_payload(b, names)) for b in Ballot.objects.filter(survey=survey)}
    return seal_digest_of(per_ballot), per_ballot


@transaction.atomic
def close_survey(actor, survey: Survey, *, ip: str | None = None) -> Survey:
    """Close the vote: no ballot is taken after this, and the result never changes. Seals the ballots
    (a digest over every ballot), rewrites the survey's codes and ballots in random order in the same
    transaction, and once it has committed scrubs the database files (secrecy.scrub_files), so that
    afterwards nothing stored, in rows or in the files, pairs a ballot with its code."""
    survey = Survey.objects.select_for_update().select_related("meeting").get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        return survey
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("The vote has not been opened."))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    secrecy.rewrite_in_random_order(survey.pk)
    transaction.on_commit(secrecy.scrub_files)
    top, per_ballot = seal_of(survey)
    survey.seal_digest = top
    survey.seal = {"algorithm": "sha256", "count": len(per_ballot), "ballots": per_ballot}
    survey.save(update_fields=["seal_digest", "seal"])
    PaperEntry.objects.filter(survey=survey).delete()
    record(actor, Verb.VOTE_CLOSED, survey, organization_id=survey.meeting.reviewer_id, ip=ip,
           before={"status": SurveyStatus.OPEN}, after={"status": SurveyStatus.CLOSED, "ballots": len(per_ballot),
                                                        "seal": top}, note=_("vote closed"))
    return survey


@dataclass(frozen=True)
class PresenterSuggestions:
    review_id: int
    name: str
    organization: str
    texts: list[str]


@dataclass(frozen=True)
class Suggestions:
    """The suggestions (意见建议) written on one group of ballots: per presenter (in ballot order, only
    those with any) and overall (总体意见建议). Each list is sorted by text, so nothing in it links a
    suggestion to a ballot, its receipt or category, another suggestion on the same ballot, or the
    order the ballots came in (docs/vote-anonymity.md)."""

    presenters: list[PresenterSuggestions] = dataclass_field(default_factory=list)
    overall: list[str] = dataclass_field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.presenters or self.overall)

    @property
    def count(self) -> int:
        return sum(len(p.texts) for p in self.presenters) + len(self.overall)


def _suggestions(presenters: list[dict], per_review: dict[str, list[str]], overall: list[str]) -> Suggestions:
    return Suggestions(
        presenters=[PresenterSuggestions(int(p["review"]), p.get("name", ""), p.get("org", ""),
                                         sorted(per_review[str(p["review"])]))
                    for p in presenters if per_review.get(str(p["review"]))],
        overall=sorted(overall))


@dataclass
class SurveyResults:
    survey: Survey
    presenters: list[PresenterResult]  # each presenter's suggestions sorted by text
    ballots: int  # every ballot received
    valid: int
    void: dict[str, int]  # reason -> ballots
    flagged: dict[str, int]
    flagged_presenters: list[PresenterResult]  # the flagged ballots' own tally, shown separately
    codes_issued: int
    # What voters wrote, by the kind of ballot it was written on. Void and set-aside ballots are not in
    # the scores, but their suggestions are still the voters' and are shown apart, never dropped.
    suggestions: Suggestions = dataclass_field(default_factory=Suggestions)  # on valid ballots
    void_suggestions: Suggestions = dataclass_field(default_factory=Suggestions)  # on void ballots (not counted)
    flagged_suggestions: Suggestions = dataclass_field(default_factory=Suggestions)  # on set-aside ballots


def results(survey: Survey) -> SurveyResults:
    """The tally of a closed survey (callers must not show it while the vote is open). Ballots are
    classified by the form's valid-ballot rules first; void and flagged ones are counted separately,
    and the suggestions on them are returned separately too.

    Counted afresh on every call (1,000 ballots x 60 presenters: 30-40 ms, bench/tally.py). The JSON
    columns are fetched as text and decoded here, one json.loads each (an empty object without one),
    rather than through JSONField; the rules are worked out once (ballotform.Classifier)."""
    categories = [(c.pk, c.name, c.weight) for c in survey.categories.all()]
    rows = Ballot.objects.filter(survey=survey).values_list(
        "category_id", Cast("ratings", TextField()), Cast("item_ratings", TextField()), Cast("suggestions", TextField()),
        "overall_suggestion")
    classify = ballotform.Classifier(survey.form, len(survey.presenters))
    loads = json.loads
    valid, flagged_ballots = [], []
    void: dict[str, int] = {}
    flagged: dict[str, int] = {}
    overall: dict[str, list[str]] = {"valid": [], "void": [], "flag": []}
    void_texts: dict[str, list[str]] = {}
    total = 0
    for category_id, ratings, item_ratings, suggestions, overall_text in rows:
        total += 1
        row = (category_id, loads(ratings),
               {} if item_ratings == "{}" else loads(item_ratings), {} if suggestions == "{}" else loads(suggestions))
        verdict, reason = classify(row[1])
        if verdict == "valid":
            valid.append(row)
        elif verdict == "void":
            void[reason] = void.get(reason, 0) + 1
            for review, text in row[3].items():
                if text.strip():
                    void_texts.setdefault(review, []).append(text.strip())
        else:
            flagged[reason] = flagged.get(reason, 0) + 1
            flagged_ballots.append(row)
        if overall_text and overall_text.strip():
            overall["valid" if verdict == "valid" else "void" if verdict == "void" else "flag"].append(
                overall_text.strip())
    options, items = survey.form["options"], survey.form.get("items", [])
    presenters = tally_rows(survey.presenters, options, categories, valid, items)
    flagged_presenters = (tally_rows(survey.presenters, options, categories, flagged_ballots, items)
                          if flagged_ballots else [])
    for presenter in (*presenters, *flagged_presenters):
        presenter.suggestions.sort()

    def by_review(tallied: list[PresenterResult]) -> dict[str, list[str]]:
        return {str(p.review_id): p.suggestions for p in tallied}

    return SurveyResults(
        survey=survey, presenters=presenters, ballots=total, valid=len(valid), void=void, flagged=flagged,
        flagged_presenters=flagged_presenters, codes_issued=BallotCode.objects.filter(survey=survey).count(),
        suggestions=_suggestions(survey.presenters, by_review(presenters), overall["valid"]),
        void_suggestions=_suggestions(survey.presenters, void_texts, overall["void"]),
        flagged_suggestions=_suggestions(survey.presenters, by_review(flagged_presenters), overall["flag"]),
    )


def turnout(survey: Survey) -> tuple[int, int]:
    """(ballots received, codes issued) — safe to show while the vote is open."""
    return Ballot.objects.filter(survey=survey).count(), BallotCode.objects.filter(survey=survey).count()


def receipts(survey: Survey) -> list[str]:
    """Every receipt code, sorted, for voters to check their ballot was counted (after closing only)."""
    return sorted(Ballot.objects.filter(survey=survey).values_list("receipt", flat=True))


# --- Voter categories, the ballot form, rehearsals --------------------------------------------------

def survey_locked(survey: Survey) -> bool:
    """Whether the form and the voter categories are fixed: a ballot has arrived or the vote closed."""
    return Ballot.objects.filter(survey=survey).exists() or survey.status == SurveyStatus.CLOSED


_has_ballots = survey_locked


@transaction.atomic
def set_categories(actor, survey: Survey, categories: list[tuple[str, Decimal]], *, ip: str | None = None) -> list[VoterCategory]:
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
            raise ValidationError({"categories": _("The weight of %(name)s must be a number.") % {"name": name}}) from None
        if not Decimal(0) < weight <= Decimal(100):
            raise ValidationError({"categories": _("The weight of %(name)s must be above 0 and at most 100.") % {"name": name}})
        cleaned.append((name, weight))
    if not 1 <= len(cleaned) <= 10:
        raise ValidationError({"categories": _("Between 1 and 10 voter categories.")})
    if len({n for n, _w in cleaned}) != len(cleaned):
        raise ValidationError({"categories": _("Two categories have the same name.")})
    total = sum(w for _n, w in cleaned)
    if total != Decimal(100):
        raise ValidationError({"categories": _("The weights add up to %(total)s%%; they must add up to 100%%.") % {
            "total": f"{total.normalize():f}"}})
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
        VoterCategory.objects.bulk_create([VoterCategory(survey=survey, name=n, weight=w, position=i)
                                           for i, (n, w) in enumerate(cleaned)])
    after = [(n, str(w)) for n, w in cleaned]
    if after != before:
        record(actor, Verb.VOTE_CATEGORIES_CHANGED, survey, before={"categories": before}, after={"categories": after},
               organization_id=survey.meeting.reviewer_id, ip=ip, note=_("voter categories"))
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
        record(actor, Verb.VOTE_FORM_CHANGED, survey, before={"form": before}, after={"form": cleaned},
               organization_id=survey.meeting.reviewer_id, ip=ip, note=_("ballot form"))
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
        record(actor, Verb.CYCLE_BALLOT_FORM_CHANGED, cycle, before={"ballot_form": before}, after={"ballot_form": cleaned},
               ip=ip, note=_("ballot form"))
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
    record(actor, Verb.VOTE_REHEARSAL_WIPED, survey, before=counts, organization_id=survey.meeting.reviewer_id, ip=ip,
           note=_("rehearsal wiped"))
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
    rehearsal = (Survey.objects.filter(meeting=meeting, is_rehearsal=True, status=SurveyStatus.DRAFT)
                 .filter(codes__isnull=True).order_by("-pk").first())
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


# --- Verifying the seal ---------------------------------------------------------------------------

@dataclass
class SealCheck:
    ok: bool
    sealed: bool
    digest_matches: bool  # the stored per-ballot list still gives the sealed digest
    changed: list[str]  # receipts whose ballot differs from what was sealed
    missing: list[str]  # sealed receipts no longer in the database
    extra: list[str]  # ballots in the database that were not sealed
    count: int


def verify_seal(survey: Survey) -> SealCheck:
    """Compare the stored ballots with the seal made when the vote closed, naming every difference."""
    if not survey.seal_digest or not survey.seal:
        return SealCheck(False, False, False, [], [], [], 0)
    sealed: dict[str, str] = survey.seal.get("ballots", {})
    recomputed_top = seal_digest_of(sealed)
    _top, current = seal_of(survey)
    changed = sorted(r for r, d in current.items() if r in sealed and sealed[r] != d)
    missing = sorted(set(sealed) - set(current))
    extra = sorted(set(current) - set(sealed))
    digest_matches = recomputed_top == survey.seal_digest
    ok = digest_matches and not changed and not missing and not extra
    return SealCheck(ok, True, digest_matches, changed, missing, extra, len(current))


def archive_rows(survey: Survey) -> tuple[list[str], list[list[str]]]:
    """The sealed ballots as an anonymous table (原始测评票存档): one row per ballot, in receipt order,
    with each ballot's digest, so anyone can recount and re-verify."""
    categories = {c.pk: c.name for c in survey.categories.all()}
    labels = {o["key"]: o["label"] for o in survey.form["options"]}
    headers = ["回执码", "评议人员类别", "票面来源"]
    presenters = survey.presenters
    headers += [f"{p['org']} {p['name']}" for p in presenters]
    for item in survey.form.get("items", []):
        headers += [f"{p['name']}·{item['label']}" for p in presenters]
    headers += [f"{p['name']}·意见建议" for p in presenters] + ["总体意见建议", "票面数据(JSON)", "单票摘要(SHA-256)"]
    item_labels = {i["key"]: {o["key"]: o["label"] for o in i["options"]} for i in survey.form.get("items", [])}
    rows = []
    for ballot in sorted(Ballot.objects.filter(survey=survey), key=lambda b: b.receipt):
        row = [ballot.receipt, categories.get(ballot.category_id, ""), "纸质" if ballot.is_paper else "手机"]
        row += [labels.get(ballot.ratings.get(str(p["review"]), ""), "") for p in presenters]
        for item in survey.form.get("items", []):
            row += [item_labels[item["key"]].get(ballot.item_ratings.get(str(p["review"]), {}).get(item["key"], ""), "")
                    for p in presenters]
        row += [ballot.suggestions.get(str(p["review"]), "") for p in presenters]
        payload = ballot_payload(ballot, categories)
        row += [ballot.overall_suggestion, payload, digest(payload)]
        rows.append(row)
    return headers, rows
