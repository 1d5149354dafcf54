"""`make demo` loads a realistic college and prints one login per role; running it twice is safe."""

from io import StringIO

from django.core.management import call_command

from shuzhi.cycles.models import Review, ReviewCycle
from shuzhi.orgs.models import Organization
from shuzhi.voting.models import Survey


def test_demo_loads_the_college_and_a_cycle_and_prints_the_logins(db, client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for staff_no in ("10001", "10002", "20001", "20011", "30001"):
        assert f"工号 {staff_no}" in text
    assert "/v/" in text
    assert Organization.objects.filter(kind="general_branch").count() == 6
    assert Review.objects.filter(cycle__year=2026).count() == Organization.objects.exclude(kind="committee").count()
    assert Survey.objects.get().status == "open"
    assert client.post("/accounts/login/", {"username": "20011", "password": "Demo@2026"}).status_code == 302

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert ReviewCycle.objects.count() == 1 and "工号 10001" in again.getvalue()
