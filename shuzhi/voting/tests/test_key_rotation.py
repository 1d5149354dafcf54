"""Rotating SECRET_KEY keeps printed, unused ballot codes valid while the old key is a fallback."""

import pytest
from django.test import Client, override_settings

from shuzhi.voting import codes as codelib
from shuzhi.voting import services
from shuzhi.voting.models import Ballot
from shuzhi.voting.services import BallotInput, BallotRefused

OLD, NEW = "old-key-" + "o" * 50, "new-key-" + "n" * 50


def test_cards_printed_before_a_key_rotation_still_print_and_vote(college, meeting):
    with override_settings(SECRET_KEY=OLD):
        survey = services.create_survey(college.org_dept, meeting)
        codes = services.issue_codes(college.org_dept, survey, 3)
        services.open_survey(college.org_dept, survey)
        survey.refresh_from_db()
    first = str(survey.presenters[0]["review"])
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert [c for c, _cat in services.printable_codes(survey, paper=False)[0]] == codes
        assert services.cast_ballot(survey, codes[0], BallotInput({first: "satisfied"}, {}, {}))
        response = Client().post(f"/v/{codes[1]}/", {"survey": str(survey.pk), f"r_{first}": "basic"})
        assert response.status_code == 200 and Ballot.objects.filter(survey=survey).count() == 2
        with pytest.raises(BallotRefused) as refused:  # used under the old key: still used
            services.cast_ballot(survey, codes[0], BallotInput({first: "basic"}, {}, {}))
        assert refused.value.reason == "used"
        fresh = services.issue_codes(college.org_dept, survey, 1)  # new codes under the new key
        assert services.cast_ballot(survey, fresh[0], BallotInput({}, {}, {}))


def test_a_dropped_old_key_invalidates_its_codes_without_an_error(college, meeting):
    with override_settings(SECRET_KEY=OLD):
        survey = services.create_survey(college.org_dept, meeting)
        codes = services.issue_codes(college.org_dept, survey, 2)
        services.open_survey(college.org_dept, survey)
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        assert services.printable_codes(survey, paper=False)[0] == []
        with pytest.raises(BallotRefused) as refused:
            services.cast_ballot(survey.pk, codes[0], BallotInput({}, {}, {}))
        assert refused.value.reason == "unknown"


def test_a_sealed_code_opens_only_with_its_own_hash():
    hashed = codelib.code_hash("ABCDEFGHJKMNP")
    sealed = codelib.seal("ABCDEFGHJKMNP", hashed)
    assert "ABCDEFGHJKMNP" not in sealed
    assert codelib.unseal(sealed, hashed) == "ABCDEFGHJKMNP"
    assert codelib.unseal(sealed, codelib.code_hash("ABCDEFGHJKMNQ")) == ""  # moved to another row: opens nothing
    assert codelib.unseal("not base64!", hashed) == "" and codelib.unseal("", hashed) == ""
