"""Concurrent requests for the same change: exactly one takes effect."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from shuzhi.audit.models import AuditEvent
from shuzhi.orgs import services
from shuzhi.orgs.models import Organization, OrgKind, Position, PositionRole


def run_concurrently(fn, n: int) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_appointed_at_once_yield_one(college):
    people = [services.create_person("test", name=f"候选人{i}", staff_no=f"7000{i}") for i in range(4)]
    org = college.branch_a2

    def appoint(i):
        return services.appoint(
            "test",
            person=people[i],
            organization=org,
            role=PositionRole.SECRETARY,
            start_date=datetime.date(2025, 1, 1),
        )

    results = run_concurrently(appoint, 4)
    winners = [r for r in results if isinstance(r, Position)]
    assert len(winners) == 1, results
    assert all(isinstance(r, (Position, ValidationError)) for r in results), results
    assert Position.objects.filter(organization=org, role=PositionRole.SECRETARY).count() == 1


@pytest.mark.django_db(transaction=True)
def test_double_submitted_create_makes_one_organisation_and_one_audit_record(college):
    before = AuditEvent.objects.filter(action="create", object_type="orgs.organization").count()

    def create(_):
        return services.create_organization("test", name="并发党支部", kind=OrgKind.BRANCH, parent=college.gb_b)

    results = run_concurrently(create, 3)
    assert all(isinstance(r, Organization) for r in results), results
    assert Organization.objects.filter(name="并发党支部").count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="orgs.organization").count() == before + 1
