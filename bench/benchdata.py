"""The benchmarks' data, made through the project's services in a Django process of its own.

    benchdata.py setup --presenters 20 --codes 1000   # a committee meeting's vote, opened; JSON on stdout
    benchdata.py verify --survey 1                    # ballots, codes used and receipts; JSON on stdout

Run with the environment bench/benchlib.django_env() builds (DATABASE_URL etc.).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys


def setup_django() -> None:
    import django

    django.setup()


def build_vote(presenters: int, codes: int, *, actor: str = "bench") -> dict:
    """A college with one Party committee and `presenters` 直属党支部 (each with a secretary), the
    year's cycle, the committee's review meeting with all of them on the agenda, its survey with
    `codes` phone codes, opened. Returns {"survey", "presenters": [review ids], "codes": [plain codes]}."""
    from django.utils import timezone

    from shuzhi.cycles import services as cycles
    from shuzhi.meetings import services as meetings
    from shuzhi.orgs import services as orgs
    from shuzhi.orgs.models import OrgKind, PositionRole
    from shuzhi.voting import setup

    start = datetime.date(2024, 1, 1)
    committee = orgs.create_organization(actor, name="学校党委", kind=OrgKind.COMMITTEE, parent=None)
    for i in range(1, presenters + 1):
        branch = orgs.create_organization(
            actor, name=f"第{i}直属党支部", kind=OrgKind.DIRECT_BRANCH, parent=committee, sort_order=i
        )
        person = orgs.create_person(actor, name=f"书记{i:03d}", staff_no=f"B{i:05d}", gender="M")
        orgs.appoint(actor, person=person, organization=branch, role=PositionRole.SECRETARY, start_date=start)
    cycle = cycles.open_cycle(
        actor, year=2026, title="2026年度基层党组织书记抓党建工作述职评议考核", key_items=["深化党的创新理论武装"]
    ).cycle
    reviews = list(cycle.reviews.filter(reviewer=committee).order_by("organization__sort_order"))
    assert len(reviews) == presenters, (len(reviews), presenters)
    meeting = meetings.schedule_meeting(
        actor,
        cycle=cycle,
        reviewer=committee,
        title="2026年度述职评议会（党委扩大会议）",
        starts_at=timezone.now(),
        place="行政楼第一会议室",
        expected_attendees=min(codes, meetings.MAX_ATTENDEES),
        agenda=[(r, "on_site") for r in reviews],
    )
    survey = setup.create_survey(actor, meeting)
    plain: list[str] = []
    while len(plain) < codes:
        plain += setup.issue_codes(actor, survey, min(setup.MAX_CODES_PER_ISSUE, codes - len(plain)))
    survey = setup.open_survey(actor, survey)
    return {"survey": survey.pk, "presenters": [p["review"] for p in survey.presenters], "codes": plain}


def verify(survey_id: int) -> dict:
    from shuzhi.voting.models import Ballot, BallotCode, CodeStatus

    codes = BallotCode.objects.filter(survey_id=survey_id)
    return {
        "ballots": Ballot.objects.filter(survey_id=survey_id).count(),
        "codes": codes.count(),
        "codes_used": codes.filter(status=CodeStatus.USED).count(),
        "receipts": sorted(Ballot.objects.filter(survey_id=survey_id).values_list("receipt", flat=True)),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    setup = sub.add_parser("setup")
    setup.add_argument("--presenters", type=int, default=20)
    setup.add_argument("--codes", type=int, default=1000)
    check = sub.add_parser("verify")
    check.add_argument("--survey", type=int, required=True)
    args = parser.parse_args(argv)
    setup_django()
    if args.command == "setup":
        result = build_vote(args.presenters, args.codes)
    else:
        result = verify(args.survey)
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
