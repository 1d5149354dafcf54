"""The cycle page: stages, key content, editing and advancing (/cycles/<id>/, edit/, advance/)."""

import pytest
from django.utils.translation import gettext as _

from shuzhi.cycles import services, stages
from shuzhi.cycles.models import ReviewCycle
from shuzhi.cycles.tests.helpers import REQUIRED, audit_count, html


def test_detail_shows_all_eight_stages_with_the_current_one_marked(college, cycle, client_for):
    page = html(client_for(college.org_dept).get(f"/cycles/{cycle.pk}/"))
    stepper = page.split('id="cycle-stages"')[1].split("</ol>")[0]
    assert stepper.count("<li") == 8
    assert 'class="step-current" aria-current="step"' in stepper
    assert stepper.index("step-current") < stepper.index("step-todo")
    assert "深化党的创新理论武装" in page


def test_org_dept_gets_edit_and_advance(college, cycle, client_for):
    page = html(client_for(college.org_dept).get(f"/cycles/{cycle.pk}/"))
    assert f"/cycles/{cycle.pk}/edit/" in page and 'id="advance-form"' in page and "data-confirm=" in page


@pytest.mark.parametrize("who", ["gb_a_secretary", "branch_a1_secretary", "committee_member"])
def test_others_see_the_cycle_without_edit_or_advance(college, cycle, client_for, who):
    page = html(client_for(getattr(college, who)).get(f"/cycles/{cycle.pk}/"))
    assert cycle.title in page and 'id="advance-form"' not in page and f"/cycles/{cycle.pk}/edit/" not in page


def test_a_user_without_a_review_in_the_cycle_gets_404(college, cycle, client_for):
    client = client_for(college.outsider)
    assert client.get(f"/cycles/{cycle.pk}/").status_code == 404
    assert client.get(f"/cycles/{cycle.pk + 999}/").status_code == 404


def test_org_dept_edits_the_cycle(college, cycle, client_for):
    before = audit_count()
    response = client_for(college.org_dept).post(
        f"/cycles/{cycle.pk}/edit/",
        {"title": cycle.title, "key_items": "新的重点一\n新的重点二", "report_due": "2026-11-30"},
    )
    cycle.refresh_from_db()
    assert response.status_code == 302
    assert cycle.key_items == ["新的重点一", "新的重点二"] and str(cycle.report_due) == "2026-11-30"
    assert audit_count() == before + 1


def test_bad_edit_is_explained_kept_and_nothing_is_written(college, cycle, client_for):
    before = audit_count()
    response = client_for(college.org_dept).post(
        f"/cycles/{cycle.pk}/edit/",
        {"title": "", "key_items": "保留我", "preparation_due": "2026-12-01", "report_due": "2026-11-01"},
    )
    page = html(response)
    assert response.status_code == 200 and REQUIRED in page and "保留我" in page
    assert _("The report due date cannot be before the preparation due date.") in page
    cycle.refresh_from_db()
    assert cycle.key_items == ["深化党的创新理论武装", "党支部标准化规范化建设"] and audit_count() == before


def test_an_archived_cycle_cannot_be_edited(college, cycle, client_for):
    for target in stages.ORDER[1:]:
        services.advance_cycle(college.org_dept, cycle, target, override_reason="测试：越过未满足的条件")
    response = client_for(college.org_dept).post(f"/cycles/{cycle.pk}/edit/", {"title": "改名", "key_items": ""})
    assert _("An archived cycle cannot be changed.") in html(response)
    assert ReviewCycle.objects.get(pk=cycle.pk).title == cycle.title


@pytest.mark.parametrize("who", ["gb_a_secretary", "branch_a1_secretary", "committee_member"])
def test_only_the_org_dept_may_edit(college, cycle, client_for, who):
    client = client_for(getattr(college, who))
    before = audit_count()
    assert client.get(f"/cycles/{cycle.pk}/edit/").status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/edit/", {"title": "越权", "key_items": ""}).status_code == 403
    assert ReviewCycle.objects.get(pk=cycle.pk).title == cycle.title and audit_count() == before


def _prepare_all(college, cycle):
    for review in cycle.reviews.all():
        services.mark_preparation_done(college.org_dept, review)


def test_org_dept_advances_the_cycle_one_stage(college, cycle, client_for):
    _prepare_all(college, cycle)
    before = audit_count()
    response = client_for(college.org_dept).post(f"/cycles/{cycle.pk}/advance/", {"target": "report"}, follow=True)
    cycle.refresh_from_db()
    # one record per group moved (three) and one for the cycle's own stage
    assert cycle.stage == stages.Stage.REPORT and audit_count() == before + cycle.groups.count() + 1
    assert "msg-success" in html(response)


def test_the_cycle_does_not_advance_past_an_unmet_gate_without_a_reason(college, cycle, client_for):
    before = audit_count()
    client = client_for(college.org_dept)
    response = client.post(f"/cycles/{cycle.pk}/advance/", {"target": "report"}, follow=True)
    cycle.refresh_from_db()
    assert cycle.stage == stages.Stage.PREPARATION and audit_count() == before
    assert "尚未完成述前准备" in html(response)
    client.post(f"/cycles/{cycle.pk}/advance/", {"target": "report", "override_reason": "按党委安排提前开始撰写"})
    cycle.refresh_from_db()
    assert cycle.stage == stages.Stage.REPORT
    assert set(cycle.groups.values_list("stage_changes__override_reason", flat=True)) == {"按党委安排提前开始撰写"}


def test_a_repeated_advance_changes_nothing(college, cycle, client_for):
    _prepare_all(college, cycle)
    client = client_for(college.org_dept)
    client.post(f"/cycles/{cycle.pk}/advance/", {"target": "report"})
    before = audit_count()
    client.post(f"/cycles/{cycle.pk}/advance/", {"target": "report"})
    cycle.refresh_from_db()
    assert cycle.stage == stages.Stage.REPORT and audit_count() == before


def test_an_illegal_jump_shows_the_services_message(college, cycle, client_for):
    before = audit_count()
    response = client_for(college.org_dept).post(f"/cycles/{cycle.pk}/advance/", {"target": "decision"}, follow=True)
    expected = _("A cycle moves one stage at a time: from “%(current)s” the next stage is “%(next)s”.") % {
        "current": stages.Stage.PREPARATION.label,
        "next": stages.Stage.REPORT.label,
    }
    assert expected in html(response)
    cycle.refresh_from_db()
    assert cycle.stage == stages.Stage.PREPARATION and audit_count() == before


def test_advance_requires_post(college, cycle, client_for):
    assert client_for(college.org_dept).get(f"/cycles/{cycle.pk}/advance/").status_code == 405


@pytest.mark.parametrize("who, status", [("gb_a_secretary", 403), ("branch_b1_secretary", 403), ("outsider", 404)])
def test_others_cannot_advance(college, cycle, client_for, who, status):
    before = audit_count()
    response = client_for(getattr(college, who)).post(f"/cycles/{cycle.pk}/advance/", {"target": "report"})
    assert response.status_code == status
    cycle.refresh_from_db()
    assert cycle.stage == stages.Stage.PREPARATION and audit_count() == before
