"""`make demo` loads a realistic college and prints one login per role; running it twice is safe."""

from io import StringIO

from django.core.management import call_command

from shuzhi.cycles.models import Review, ReviewCycle
from shuzhi.evaluation.models import GradeChange, GroupGrading, Opinion, ReviewGrade
from shuzhi.orgs.models import Organization
from shuzhi.voting.models import Survey, VoteResult


def test_demo_loads_the_college_and_a_cycle_and_prints_the_logins(db, client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for staff_no in ("10001", "10002", "20001", "20011", "30001"):
        assert f"工号 {staff_no}" in text
    assert "/v/" in text
    assert Organization.objects.filter(kind="general_branch").count() == 6
    assert Review.objects.filter(cycle__year=2026).count() == Organization.objects.exclude(kind="committee").count()
    assert Survey.objects.get(meeting__cycle__year=2026).status == "open"
    # The 2025 cycle is past its review meetings and its grading: each meeting's vote closed with a stored
    # result for every presenter; every group graded under the quotas, submitted, at 研究决定.
    last_year = ReviewCycle.objects.get(year=2025)
    assert set(last_year.groups.values_list("stage", flat=True)) == {"decision"}
    gradings = GroupGrading.objects.filter(group__cycle=last_year)
    assert gradings.count() == last_year.groups.count() and {g.status for g in gradings} == {"submitted"}
    assert not ReviewGrade.objects.filter(review__cycle=last_year, grade="").exists()
    hand = GradeChange.objects.filter(review_grade__review__cycle=last_year, field="grade", is_proposal=False)
    assert hand.count() == 1 and hand.get().reason  # one grade changed by hand, with its reason
    assert Opinion.objects.filter(review__cycle=last_year).count() == last_year.reviews.count()
    assert set(Survey.objects.filter(meeting__cycle=last_year).values_list("status", flat=True)) == {"closed"}
    assert VoteResult.objects.filter(review__cycle=last_year, is_current=True).count() == last_year.reviews.count()
    assert client.post("/accounts/login/", {"username": "20011", "password": "Demo@2026"}).status_code == 302

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert ReviewCycle.objects.count() == 2 and "工号 10001" in again.getvalue()


def test_demo_prints_the_port_it_serves_on_and_how_phones_on_the_lan_reach_the_ballot(db, settings):
    settings.PUBLIC_BASE_URL = ""
    out = StringIO()
    call_command("seed_demo", "--port", "8080", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8080/v/" in text and "打开 http://127.0.0.1:8080 登录" in text
    assert ":8000" not in text
    assert "make demo PORT=8080 PUBLIC_BASE_URL=http://" in text


def test_demo_prints_ballot_addresses_phones_can_reach_when_public_base_url_is_set(db, settings):
    settings.PUBLIC_BASE_URL = "http://192.168.1.23:8080"
    out = StringIO()
    call_command("seed_demo", "--port", "8080", stdout=out)
    text = out.getvalue()
    assert "http://192.168.1.23:8080/v/" in text and "http://127.0.0.1:8080/v/" not in text
    assert "端口" not in text.split("PUBLIC_BASE_URL")[-1]  # the ports agree: no warning


def test_demo_warns_when_the_public_address_names_another_port(db, settings):
    settings.PUBLIC_BASE_URL = "http://192.168.1.23"
    out = StringIO()
    call_command("seed_demo", "--port", "8080", stdout=out)
    assert "PUBLIC_BASE_URL 的端口 80 与演示服务器的端口 8080 不同" in out.getvalue()
