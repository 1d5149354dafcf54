"""Who may inspect which organisation, and who sees which check (shuzhi.orgs.access, daily assessment
section), through the pages: ids of other organisations' checks answer 404, an organisation outside an
inspector's remit 403 (404 when they do not even see it)."""

from __future__ import annotations

import pytest

from shuzhi.assessment.models import Check
from shuzhi.assessment.tests.helpers import check_day, record_check
from shuzhi.attachments.tests import samples
from shuzhi.orgs import access

pytestmark = pytest.mark.django_db


def post_check(client, cycle, org, *, action="record", **extra):
    from shuzhi.assessment import services

    data = {
        "organization": str(org.pk),
        "date": check_day(cycle).isoformat(),
        "place": "活动室",
        "methods": ["on_site"],
        "seen": "看了支部活动记录和党员活动室",
        "form_token": extra.pop("token", "tok-" + str(org.pk)),
        "action": action,
    }
    for indicator in services.indicators_of(cycle):
        data[f"score_{indicator.pk}"] = "10"
        data[f"reason_{indicator.pk}"] = "理由"
    data.update(extra)
    return client.post(f"/assessment/cycles/{cycle.pk}/new/", data)


def test_the_remits(college, cycle, inspector):
    names = {
        "org_dept": {"甲学院党总支", "乙学院党总支", "甲学院教工党支部", "乙学院教工党支部", "机关直属党支部"},
        "committee_member": {"甲学院党总支", "乙学院党总支", "机关直属党支部"},
        "gb_a_secretary": {"甲学院教工党支部"},
        "gb_b_secretary": {"乙学院教工党支部"},
        "branch_a1_secretary": set(),
        "direct_secretary": set(),
        "outsider": set(),
    }
    for role, expected in names.items():
        reviews = access.inspectable_reviews(getattr(college, role), cycle)
        assert {r.organization.name for r in reviews} == expected, role


def test_a_committee_member_not_named_inspector_may_not_record(college, cycle, client_for):
    client = client_for(college.committee_member)
    assert client.get(f"/assessment/cycles/{cycle.pk}/new/").status_code == 403
    assert post_check(client, cycle, college.gb_a).status_code == 403
    assert not Check.objects.exists()


def test_a_named_inspector_records_a_general_branch_but_not_a_branch(college, cycle, inspector, client_for):
    client = client_for(inspector)
    assert post_check(client, cycle, college.gb_a).status_code == 302
    assert post_check(client, cycle, college.branch_a1).status_code == 403  # seen, but outside the remit
    assert list(Check.objects.values_list("organization__name", flat=True)) == ["甲学院党总支"]


def test_a_general_branch_leader_records_her_branch_and_not_another_general_branch_s(college, cycle, client_for):
    client = client_for(college.gb_a_secretary)
    assert post_check(client, cycle, college.branch_a1).status_code == 302
    assert post_check(client, cycle, college.branch_b1).status_code == 404  # not even visible to her
    assert post_check(client, cycle, college.gb_a).status_code == 403  # her own general branch: the committee's
    assert Check.objects.count() == 1


def test_a_secretary_sees_her_own_organisation_s_checks_and_nobody_else_s(college, cycle, client_for):
    own = record_check(college.org_dept, cycle, college.branch_a1, [30, 20, 25, 15], seen="看到支部活动阵地")
    other = record_check(college.org_dept, cycle, college.branch_b1, [30, 20, 25, 15], seen="别的支部")
    draft = record_check(college.org_dept, cycle, college.branch_a1, [1], to_record=False)
    client = client_for(college.branch_a1_secretary)
    page = client.get(f"/assessment/checks/{own.pk}/")
    assert page.status_code == 200 and "看到支部活动阵地" in page.content.decode()
    for check in (other, draft):  # changing the id
        assert client.get(f"/assessment/checks/{check.pk}/").status_code == 404
        assert client.get(f"/assessment/checks/{check.pk}/edit/").status_code == 404
        assert client.get(f"/api/checks/{check.pk}").status_code == 404
    listing = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "甲学院教工党支部" in listing and "乙学院教工党支部" not in listing
    assert client.get(f"/assessment/cycles/{cycle.pk}/new/").status_code == 403  # never asked to upload
    assert client.get(f"/assessment/checks/{own.pk}/withdraw/").status_code == 403


def test_another_inspector_s_draft_is_missing_even_for_the_org_dept(college, cycle, client_for):
    draft = record_check(college.gb_a_secretary, cycle, college.branch_a1, [1], to_record=False)
    assert client_for(college.org_dept).get(f"/assessment/checks/{draft.pk}/edit/").status_code == 404
    assert client_for(college.gb_a_secretary).get(f"/assessment/checks/{draft.pk}/edit/").status_code == 200


def test_a_check_s_files_follow_the_check(college, cycle, client_for):
    from io import BytesIO

    from shuzhi.assessment import services
    from shuzhi.assessment.tests.helpers import check_input

    photo = BytesIO(samples.photo_jpeg())
    photo.name = "现场.jpg"
    check = services.save_check(
        college.gb_a_secretary,
        cycle=cycle,
        organization=college.branch_a1,
        data=check_input(cycle, [30, 20, 25, 15]),
        form_token="files",
        to_record=True,
        files=[photo],
    )
    attachment = services_attachments(check)[0]
    url = f"/attachments/{attachment.pk}/download"
    assert client_for(college.branch_a1_secretary).get(url).status_code == 200  # the checked secretary
    assert client_for(college.gb_a_secretary).get(url).status_code == 200
    assert client_for(college.branch_b1_secretary).get(url).status_code == 404
    assert client_for(college.gb_b_secretary).get(url).status_code == 404
    # recorded: the files no longer change, for anyone
    assert client_for(college.gb_a_secretary).get(f"/attachments/{attachment.pk}/withdraw/").status_code == 403


def services_attachments(check):
    from shuzhi.attachments.services import attachments_of

    return list(attachments_of(check))


def test_nobody_records_checks_in_an_archived_cycle(college, cycle, client_for):
    from shuzhi.cycles.models import ReviewCycle
    from shuzhi.cycles.stages import Stage

    ReviewCycle.objects.filter(pk=cycle.pk).update(stage=Stage.ARCHIVED)
    cycle.refresh_from_db()
    assert not access.can_inspect_in(college.org_dept, cycle)
    assert client_for(college.org_dept).get(f"/assessment/cycles/{cycle.pk}/new/").status_code == 403
