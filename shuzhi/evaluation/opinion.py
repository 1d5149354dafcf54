"""Drafting the evaluation opinion (综合评价意见) of one secretary from what the system already holds,
each sentence with where it came from, so nothing anyone typed is typed again:

肯定成绩 (achievements affirmed)
  - the report's main practices (述职报告·主要做法), its first sentences;
  - what the daily checks saw and heard on site (日常考核 findings of kind seen / heard);
  - the satisfaction vote's stored score and rate.
指出问题 (problems pointed out)
  - the reviewer's comments at the meeting (点评: problems, and the way forward);
  - the voters' suggestions for this presenter (满意度测评意见建议, stored with the result);
  - the daily checks' low scores and their reasons;
  - the report's own problems section (述职报告·存在的突出问题);
  - the report's quality-check findings (述职报告体检).

The draft is a starting point; the opinion saved is what the editor typed (save_opinion, below)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shuzhi.audit.services import record, snapshot
from shuzhi.audit.verbs import Verb
from shuzhi.cycles.models import Review
from shuzhi.evaluation.models import Opinion
from shuzhi.evaluation.services import Conflict, check_grader, is_account, stripped
from shuzhi.orgs import access

PRACTICE_SENTENCES = 3
OPINION_MAX = 5000
_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text or "") if s and s.strip()]


@dataclass(frozen=True)
class Sentence:
    text: str
    source: str  # where it came from, in Chinese
    url: str = ""  # the page it came from, when there is one


@dataclass(frozen=True)
class Draft:
    strengths: tuple[Sentence, ...]
    problems: tuple[Sentence, ...]

    def strengths_text(self) -> str:
        return "\n".join(s.text for s in self.strengths)

    def problems_text(self) -> str:
        return "\n".join(s.text for s in self.problems)


def _findings(review: Review) -> list:
    from shuzhi.assessment.scores import findings_for

    return findings_for(review)


def draft(review: Review) -> Draft:
    """The drafted sentences for this Review (a fixed number of queries)."""
    from shuzhi.meetings.models import Comment
    from shuzhi.reports import quality
    from shuzhi.reports import services as report_services
    from shuzhi.reports.models import DutyReport
    from shuzhi.voting.results import current_result

    strengths: list[Sentence] = []
    problems: list[Sentence] = []
    report = DutyReport.objects.filter(review=review).first()
    report_url = reverse("reports:editor", args=[review.pk])
    if report is not None:
        practices_source = _("Duty report: main practices")
        for text in sentences(report.practices)[:PRACTICE_SENTENCES]:
            strengths.append(Sentence(text, practices_source, report_url))
    findings = _findings(review)
    for finding in findings:
        if finding.kind in ("seen", "heard"):
            source = _("Daily check of %(date)s") % {"date": finding.date.strftime("%Y-%m-%d")}
            strengths.append(Sentence(finding.text, source))
    result = current_result(review.pk)
    if result is not None and result.score is not None:
        text = _("Satisfaction vote score %(score)s.") % {"score": result.score.quantize(Decimal("0.01"))}
        if result.satisfaction_rate is not None:
            rate = (result.satisfaction_rate * 100).quantize(Decimal("0.1"))
            text = _("Satisfaction vote score %(score)s, satisfaction rate %(rate)s%%.") % {
                "score": result.score.quantize(Decimal("0.01")),
                "rate": rate,
            }
        strengths.append(Sentence(text, _("Satisfaction vote"), reverse("voting:review_result", args=[review.pk])))
    comments = Comment.objects.filter(review=review).select_related("meeting").order_by("created_at", "pk")
    for comment in comments:
        source = _("Comment by %(author)s at %(meeting)s") % {
            "author": comment.author_name,
            "meeting": comment.meeting.title,
        }
        for text in sentences(comment.problems):
            problems.append(Sentence(text, source))
        for text in sentences(comment.direction):
            problems.append(Sentence(text, source))
    if result is not None:
        for text in result.suggestions or []:
            problems.append(Sentence(str(text), _("Voters' suggestions")))
    for finding in findings:
        if finding.kind not in ("seen", "heard"):
            source = _("Daily check of %(date)s") % {"date": finding.date.strftime("%Y-%m-%d")}
            problems.append(Sentence(finding.text, source))
    if report is not None:
        for text in sentences(report.problems):
            problems.append(Sentence(text, _("Duty report: outstanding problems"), report_url))
        rows = report_services.prior_problem_rows(review, report)
        text = quality.ReportText(
            prior_answers=tuple((p.text, a) for p, a in rows),
            practices=report.practices,
            problems=report.problems,
            next_steps=report.next_steps,
            key_items=tuple(review.cycle.key_items or ()),
        )
        if any((report.practices, report.problems, report.next_steps)):
            for f in quality.check_report(text, report_services.current_quality_rules()):
                problems.append(Sentence(f"{f.title}。", _("Duty report quality check"), report_url))
    return Draft(tuple(_dedupe(strengths)), tuple(_dedupe(problems)))


def _dedupe(items: list[Sentence]) -> list[Sentence]:
    seen: set[str] = set()
    found = []
    for item in items:
        if item.text in seen:
            continue
        seen.add(item.text)
        found.append(item)
    return found


# --- Saving ---------------------------------------------------------------------------------------


def opinion_of(review: Review) -> Opinion | None:
    return Opinion.objects.filter(review=review).first()


@transaction.atomic
def save_opinion(
    actor, review: Review, *, strengths: str, problems: str, base_revision: int, ip: str | None = None
) -> Opinion:
    """Save the opinion as typed. Refused (Conflict) when it was saved by someone else since the page
    showed revision `base_revision`; saving the same text again changes nothing."""
    check_grader(actor, review.group)
    if is_account(actor) and access.is_review_secretary(actor, review):
        raise PermissionDenied
    strengths, problems = stripped(strengths), stripped(problems)
    errors = {}
    for field, text in (("strengths", strengths), ("problems", problems)):
        if len(text) > OPINION_MAX:
            errors[field] = _("At most %(n)d characters.") % {"n": OPINION_MAX}
    if errors:
        raise ValidationError(errors)
    Opinion.objects.get_or_create(review=review)
    opinion = Opinion.objects.select_for_update().get(review=review)
    if opinion.strengths == strengths and opinion.problems == problems and opinion.revision:
        return opinion
    if base_revision != opinion.revision:
        raise Conflict(
            _(
                "Someone else saved this opinion while you were editing. Your text is kept below; compare it with "
                "the saved one and save again."
            )
        )
    before = snapshot(opinion, ["strengths", "problems"])
    opinion.strengths, opinion.problems = strengths, problems
    opinion.revision += 1
    opinion.updated_by = actor if is_account(actor) else None
    opinion.save()
    record(
        actor,
        Verb.OPINION_SAVED,
        opinion,
        before=before,
        after=snapshot(opinion, ["strengths", "problems"]),
        organization_id=review.organization_id,
        person_id=review.secretary_id,
        ip=ip,
    )
    return opinion
