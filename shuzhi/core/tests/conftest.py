"""Fixtures for the backup tests: an empty scratch database to restore into, and an open vote."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connections


@pytest.fixture
def scratch_database(transactional_db, tmp_path):
    """An empty database beside the test database (a new SQLite file; on PostgreSQL a database created
    for the test and dropped after it). `with scratch_database():` points the default connection at it,
    so the restore, the ORM and the seal checks inside the block all use it."""
    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        scratch = f"{original}_restore"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{scratch}"')
    else:
        scratch = str(tmp_path / "restored.sqlite3")

    @contextmanager
    def use():
        connection.close()
        connection.settings_dict["NAME"] = scratch
        try:
            yield scratch
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original

    yield use
    if postgresql:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


@pytest.fixture
def open_vote(college, meeting):
    """The meeting's vote, open, with 40 phone codes (plain codes on open_vote.test_codes)."""
    from shuzhi.voting import services

    survey = services.create_survey(college.org_dept, meeting)
    codes = services.issue_codes(college.org_dept, survey, 40)
    services.open_survey(college.org_dept, survey)
    survey.refresh_from_db()
    survey.test_codes = codes
    return survey
