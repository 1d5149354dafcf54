"""The audit log is append-only and browsable by the org dept only."""

import pytest
from django.db import DatabaseError, connection, transaction

from shuzhi.audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(college):
    return AuditEvent.objects.latest("id")


def test_model_refuses_updates_and_deletes(event):
    event.note = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def _guard_on():
    """Turn the database guard back on for this transaction (the suite turns it off to empty tables)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL shuzhi.audit_purge = 'off'")
    else:
        connection.connection.create_function("shuzhi_audit_purge", 0, lambda: 0)


def _restore():
    if connection.vendor == "sqlite":
        connection.connection.create_function("shuzhi_audit_purge", 0, lambda: 1)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET note = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_raw_updates_and_deletes(event, statement):
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            _guard_on()
            with connection.cursor() as cursor:
                cursor.execute(statement)
    finally:
        _restore()
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


def test_queryset_update_is_refused_by_the_database(event):
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            _guard_on()
            AuditEvent.objects.filter(pk=event.pk).update(note="tampered")
    finally:
        _restore()


def rows(html: str) -> str:
    """The audit table's body (the filter's organisation list names every organisation)."""
    return html.split('<table id="audit-table">', 1)[1].split("</tbody>", 1)[0]


def test_org_dept_browses_and_filters(college, client_for):
    client = client_for(college.org_dept)
    html = client.get("/audit/", {"verb": "org.created", "object_type": "orgs.organization"}).content.decode()
    assert "甲学院党总支" in rows(html)
    html = client.get("/audit/", {"verb": "account.login"}).content.decode()
    assert "甲学院党总支" not in rows(html)


def test_filter_by_organisation_and_date(college, client_for):
    from django.utils import timezone

    client = client_for(college.org_dept)
    today = timezone.localdate().isoformat()
    html = client.get(
        "/audit/", {"organization": college.branch_b1.pk, "date_from": today, "date_to": today}
    ).content.decode()
    assert "乙学院教工党支部" in rows(html) and "甲学院学生党支部" not in rows(html)


def test_changes_show_before_and_after(college, client_for):
    from shuzhi.orgs import services

    services.update_organization(college.org_dept, college.direct, name="机关第二直属党支部")
    html = client_for(college.org_dept).get("/audit/", {"verb": "org.changed"}).content.decode()
    assert "<del>机关直属党支部</del>" in html and "<ins>机关第二直属党支部</ins>" in html


def test_bad_filter_values_do_not_break_the_page(college, client_for):
    response = client_for(college.org_dept).get("/audit/", {"date_from": "not-a-date", "page": "x"})
    assert response.status_code == 200


@pytest.mark.parametrize("user_attr", ["committee_member", "gb_a_secretary", "branch_a1_secretary", "outsider"])
def test_only_the_org_dept_reads_the_audit_log(college, client_for, user_attr):
    assert client_for(getattr(college, user_attr)).get("/audit/").status_code == 403


def test_client_address_is_the_proxys_last_forwarded_entry_only_behind_the_proxy(rf, settings):
    from shuzhi.audit.services import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.168.5.20")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.1"  # a client can write any X-Forwarded-For it likes
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "192.168.5.20"  # the entry the proxy appended, not the client's own
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")) == "10.0.0.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_wrong_codes_behind_the_proxy_are_throttled_per_voter_address_not_per_proxy(
    client, settings, survey, monkeypatch
):
    from shuzhi.voting import services

    now = services.time.time()
    monkeypatch.setattr(services.time, "time", lambda: now)  # one throttle window for the whole test
    settings.BEHIND_PROXY = True
    for _attempt in range(services.guess_limit()):
        client.get("/v/ABCDEFGHJKMNP/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.5.20")
    assert (
        client.get("/v/ABCDEFGHJKMNP/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.5.20").status_code == 429
    )
    other_voter = client.get(f"/v/{survey.test_codes[0]}/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.5.21")
    assert other_voter.status_code == 200
