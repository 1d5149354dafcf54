"""A ballot cannot be linked to its code or to a person: the schema and the stored data show it."""

import uuid

from django.db import connection

from shuzhi.voting import services
from shuzhi.voting.models import Ballot, BallotCode
from shuzhi.voting.services import BallotInput

FORBIDDEN = (
    "code",
    "user",
    "person",
    "ip",
    "address",
    "time",
    "date",
    "created",
    "updated",
    "at",
    "seq",
    "order",
    "voter",
    "session",
    "agent",
)


def test_ballot_table_has_no_column_that_could_identify_a_voter_or_a_moment():
    columns = [f.column for f in Ballot._meta.get_fields() if getattr(f, "column", None)]
    for column in columns:
        words = column.lower().split("_")
        assert not set(words) & set(FORBIDDEN), column
    related = {f.related_model for f in Ballot._meta.get_fields() if f.is_relation}
    from shuzhi.voting.models import Survey, VoterCategory

    assert related <= {Survey, VoterCategory}


def test_ballot_code_table_has_no_link_to_ballots_and_no_time_of_use():
    fields = {f.name for f in BallotCode._meta.get_fields()}
    assert not {name for name in fields if "ballot" == name or "time" in name or name.endswith("_at")}
    assert not any(f.related_model is Ballot for f in BallotCode._meta.get_fields() if f.is_relation)


def test_database_has_no_foreign_key_between_codes_and_ballots(db):
    with connection.cursor() as cursor:
        for table, other in (("voting_ballot", "voting_ballotcode"), ("voting_ballotcode", "voting_ballot")):
            constraints = connection.introspection.get_constraints(cursor, table)
            for constraint in constraints.values():
                fk = constraint.get("foreign_key")
                assert not fk or fk[0] != other


def test_ballot_keys_are_random_not_sequential(survey):
    for code in survey.test_codes[:6]:
        services.cast_ballot(survey.pk, code, BallotInput({}, {}, {}))
    ids = list(Ballot.objects.filter(survey=survey).values_list("id", flat=True))
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)


def test_sqlite_stores_ballots_without_a_rowid(db):
    if connection.vendor != "sqlite":
        return  # PostgreSQL: see test_closing_rewrites_rows_in_one_transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'voting_ballot'")
        assert "WITHOUT ROWID" in cursor.fetchone()[0].upper()


def test_closing_rewrites_rows_in_one_transaction(college, survey):
    """On PostgreSQL the transaction id (xmin) of each row would pair a ballot with the code it used;
    after closing every ballot and code of the survey carries the same one."""
    for code in survey.test_codes[:5]:
        services.cast_ballot(survey.pk, code, BallotInput({}, {}, {}))
    services.close_survey(college.org_dept, survey)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM voting_ballot WHERE survey_id = %s "
            "UNION SELECT DISTINCT xmin::text FROM voting_ballotcode WHERE survey_id = %s",
            [survey.pk, survey.pk],
        )
        assert len(cursor.fetchall()) == 1


def test_receipts_do_not_reveal_the_code(survey):
    receipt = services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    assert receipt not in survey.test_codes[0]
