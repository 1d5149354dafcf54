"""Casting a ballot on a phone: reading the code and the survey for the public ballot, validating
the ballot, claiming the code and storing the ballot exactly once, and the guess throttle.

cast_ballot is the hot path of the whole product (a room of hundreds voting within minutes): one
conditional UPDATE of the code and one INSERT of the ballot, in one short transaction.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from shuzhi.core import inputs
from shuzhi.meetings.models import Meeting
from shuzhi.voting import codes as codelib
from shuzhi.voting.models import (
    Ballot,
    BallotCode,
    CodeStatus,
    GuessThrottle,
    Survey,
    SurveyStatus,
)

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
    items = {
        i["key"]: {o["key"] for o in i.get("options", survey.form["options"])} for i in survey.form.get("items", [])
    }
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
            return BallotRefused(
                _("This code belongs to a rehearsal, not to this vote (or the other way round)."), "rehearsal"
            )
        return BallotRefused(_("This code belongs to another meeting's vote."), "other_meeting")
    if code.status == CodeStatus.USED:
        return BallotRefused(_("This code has already been used: each code votes once."), "used")
    return _wrong_medium(paper)


def _wrong_medium(paper: bool) -> BallotRefused:
    """A paper code votes only on its paper sheet, a phone code only on a phone: one code, one way
    of voting, so a card and a sheet can never both count."""
    if paper:
        return BallotRefused(_("This code was issued for phone voting, not for a paper ballot."), "phone_code")
    return BallotRefused(
        _(
            "This code is printed on a paper ballot sheet: fill in that sheet and hand it in; "
            "it cannot be used on a phone."
        ),
        "paper_code",
    )


# The ballot's hot path in plain SQL: the whole room loads its ballot and submits it within a minute or
# two, and each statement the ORM would build costs more CPU than the database spends running it.
# The statements are portable (SQLite 3.35+ and PostgreSQL both have UPDATE … RETURNING); tests
# run them on both databases.

_BALLOT_COLUMNS = (
    's."id", s."meeting_id", s."status", s."is_rehearsal", s."form", s."presenters", m."title", '
    '(SELECT t."failures" FROM "voting_guessthrottle" t WHERE t."key" = %s AND t."window" = %s)'
)


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
    survey = _partial(
        Survey,
        {
            "id": row[0],
            "meeting_id": row[1],
            "status": row[2],
            "is_rehearsal": bool(row[3]),
            "form": json.loads(row[4]),
            "presenters": json.loads(row[5]),
        },
    )
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
            f"SELECT {_BALLOT_COLUMNS}{code_columns} FROM (SELECT 1 AS one) AS one {joins} "
            'LEFT JOIN "meetings_meeting" m ON m."id" = s."meeting_id"',
            [throttle_key(client_address), _throttle_window(), *keys],
        )
        row = cursor.fetchone()
    return BallotLookup(
        throttled=(row[7] or 0) >= guess_limit(),
        survey=_survey_from_row(row),
        code_used=with_code and row[8] == CodeStatus.USED,
        paper_code=with_code and bool(row[9]),
    )


def look_up_code(code: str, client_address: str) -> BallotLookup:
    """The survey of a (normalised, valid-looking) code and the guess throttle of the client, in one
    statement. The caller must refuse a throttled client before saying anything about the code."""
    hashes = codelib.code_hashes(code)
    code_match = _hash_match('c."code_hash"', hashes)
    return _ballot_lookup(
        f'LEFT JOIN "voting_ballotcode" c ON {code_match} LEFT JOIN "voting_survey" s ON s."id" = c."survey_id"',
        hashes,
        client_address,
        with_code=True,
    )


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
    fields = [
        Ballot._meta.get_field(name)
        for name in (
            "id",
            "survey",
            "category",
            "receipt",
            "ratings",
            "item_ratings",
            "suggestions",
            "overall_suggestion",
            "is_paper",
        )
    ]
    sql = 'INSERT INTO "voting_ballot" ({}) VALUES ({})'.format(
        ", ".join(f'"{f.column}"' for f in fields), ", ".join(["%s"] * len(fields))
    )
    return sql, fields


_INSERT_BALLOT, _INSERT_FIELDS = _ballot_fields()


def why_not_open(status: str | None) -> BallotRefused:
    return BallotRefused(
        _("Voting is closed.") if status == SurveyStatus.CLOSED else _("Voting has not started yet."), "not_open"
    )


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
    claim = _CLAIM_CODE.format(
        hash_match=_hash_match('"code_hash"', hashes), lock=" FOR SHARE" if connection.vendor == "postgresql" else ""
    )
    for _attempt in range(3):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        claim,
                        [CodeStatus.USED, *hashes, survey.pk, CodeStatus.UNUSED, paper, survey.pk, SurveyStatus.OPEN],
                    )
                    claimed = cursor.fetchone()
                    if claimed is None:
                        status = Survey.objects.filter(pk=survey.pk).values_list("status", flat=True).first()
                        if status != SurveyStatus.OPEN:
                            raise why_not_open(status)
                        raise _refusal_for_unusable_code(survey, hashes, paper=paper)
                    receipt = codelib.new_receipt()
                    values = [
                        uuid.uuid4(),
                        survey.pk,
                        claimed[0],
                        receipt,
                        data.ratings,
                        data.item_ratings,
                        data.suggestions,
                        data.overall_suggestion,
                        paper,
                    ]
                    cursor.execute(
                        _INSERT_BALLOT,
                        [
                            field.get_db_prep_save(value, connection)
                            for field, value in zip(_INSERT_FIELDS, values, strict=True)
                        ],
                    )
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
    failures = (
        GuessThrottle.objects.filter(key=throttle_key(client_address), window=_throttle_window())
        .values_list("failures", flat=True)
        .first()
        or 0
    )
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
