"""manage.py scrub_vote_files: the after-close scrub on demand."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from shuzhi.voting import services
from shuzhi.voting.services import BallotInput


@pytest.mark.django_db(transaction=True)
def test_scrub_command_empties_the_write_ahead_log(survey):
    services.cast_ballot(survey, survey.test_codes[0], BallotInput({}, {}, {}))
    out = StringIO()
    call_command("scrub_vote_files", stdout=out)
    assert out.getvalue().startswith("OK")
    if connection.vendor == "sqlite":
        assert Path(f"{connection.settings_dict['NAME']}-wal").stat().st_size == 0
