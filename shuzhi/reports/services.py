"""Writing, submitting and vetting (审核) duty reports.

Only a Review's secretary saves and submits (callers check with access.check_review_secretary);
the reviewer's leaders or the org dept pass or return it (access.check_vetter). Saves carry the
revision they were based on: a save based on an older revision is refused with EditConflict rather
than overwriting what another tab or device saved.

The quality check's rules (word lists and thresholds) are the shipped defaults unless the org dept
saved its own (callers check with access.check_manage); the saved rules are read laid over the
shipped defaults, so they survive a release that adds or drops a setting.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.cycles import stages
from shuzhi.cycles.models import PriorProblem, Review
from shuzhi.cycles.services import prior_problems_for
from shuzhi.reports import quality, sections
from shuzhi.reports.models import (
    MAX_ANSWER_CHARS,
    MAX_SECTION_CHARS,
    DutyReport,
    QualityRules,
    ReportStatus,
    ReportVersion,
    ReportVetting,
    VettingOutcome,
)

log = logging.getLogger(__name__)

SECTION_LABELS = sections.TITLES
TEXT_SECTIONS = sections.TEXT_KEYS
EDITABLE_CYCLE_STAGES = (stages.Stage.PREPARATION, stages.Stage.REPORT)


class EditConflict(Exception):
    """The report was saved elsewhere since this editor loaded it."""

    def __init__(self, report: DutyReport):
        self.revision = report.revision
        self.updated_at = report.updated_at
        editor = report.last_editor
        self.editor_name = editor.name if editor else ""
        super().__init__(
            _(
                "This report was saved in another window or on another device (%(time)s). Your text has not been "
                "saved over it: copy what you typed, reload the page, and merge."
            )
            % {"time": timezone.localtime(report.updated_at).strftime("%H:%M:%S")}
        )


@dataclass(frozen=True)
class ReportContent:
    practices: str
    problems: str
    next_steps: str
    prior_answers: dict[str, str]


def get_report(review: Review) -> DutyReport:
    report, _created = DutyReport.objects.get_or_create(review=review)
    return report


def why_not_editable(review: Review, report: DutyReport) -> str | None:
    """The reason the report cannot be edited now, in Chinese, or None if it can."""
    if report.status == ReportStatus.ACCEPTED:
        return _("The report has been accepted and can no longer be changed.")
    if report.status == ReportStatus.SUBMITTED:
        return _(
            "The report has been submitted and is waiting for the reviewer; it can be changed again if it is returned."
        )
    # The Review's group's calendar decides (a 党总支's group may still be writing when the committee's meets).
    if review.group.stage not in EDITABLE_CYCLE_STAGES:
        return _(
            "The cycle is in the “%(stage)s” stage; reports can only be written during preparation and report."
        ) % {"stage": stages.Stage(review.group.stage).label}
    return None


def _clean_content(review: Review, content: ReportContent) -> ReportContent:
    errors: dict[str, str] = {}
    for name in TEXT_SECTIONS:
        text = getattr(content, name)
        if len(text) > MAX_SECTION_CHARS:
            errors[name] = _(
                "“%(section)s” has %(n)d characters; the limit is %(limit)d. Your text is kept: shorten it and save again."
            ) % {"section": SECTION_LABELS[name], "n": len(text), "limit": MAX_SECTION_CHARS}
    valid_ids = {str(p.pk) for p in prior_problems_for(review)}
    # an editor (or API client) opened before the org dept withdrew a problem may still send its answer
    withdrawn_ids = {
        str(pk)
        for pk in PriorProblem.objects.filter(
            organization_id=review.organization_id,
            year=review.cycle.year - 1,
            withdrawn_at__isnull=False,
        ).values_list("pk", flat=True)
    }
    answers: dict[str, str] = {}
    for key, answer in (content.prior_answers or {}).items():
        if str(key) in withdrawn_ids:
            continue
        if str(key) not in valid_ids:
            errors["prior_answers"] = _("An answer refers to a problem that is not on this report's list.")
            continue
        if len(answer) > MAX_ANSWER_CHARS:
            errors["prior_answers"] = _(
                "An answer has %(n)d characters; the limit is %(limit)d. Your text is kept: shorten it and save again."
            ) % {"n": len(answer), "limit": MAX_ANSWER_CHARS}
        answers[str(key)] = answer
    if errors:
        raise ValidationError(errors)
    return ReportContent(content.practices, content.problems, content.next_steps, answers)


def _same_content(report: DutyReport, content: ReportContent) -> bool:
    return (
        report.practices == content.practices
        and report.problems == content.problems
        and report.next_steps == content.next_steps
        and {k: v for k, v in report.prior_answers.items() if v}
        == {k: v for k, v in content.prior_answers.items() if v}
    )


@transaction.atomic
def save_draft(actor, review: Review, content: ReportContent, *, base_revision: int) -> DutyReport:
    """Save the working copy. Returns it with the new revision. Saving identical content changes
    nothing (so a repeated autosave or a double click is harmless)."""
    report = get_report(review)
    report = DutyReport.objects.select_for_update().get(pk=report.pk)
    review = Review.objects.select_related("cycle", "group").get(pk=review.pk)
    reason = why_not_editable(review, report)
    if reason:
        raise ValidationError(reason)
    content = _clean_content(review, content)
    if _same_content(report, content):
        return report
    if base_revision != report.revision:
        raise EditConflict(report)
    report.practices, report.problems, report.next_steps = content.practices, content.problems, content.next_steps
    report.prior_answers = content.prior_answers
    report.revision += 1
    report.last_editor = review.secretary
    report.save()
    return report


def missing_sections(review: Review, report: DutyReport) -> list[str]:
    missing = [SECTION_LABELS[name] for name in TEXT_SECTIONS if not getattr(report, name).strip()]
    unanswered = [p for p in prior_problems_for(review) if not report.prior_answers.get(str(p.pk), "").strip()]
    if unanswered:
        missing.insert(
            0,
            _("%(section)s (%(n)d problems without an answer)")
            % {"section": SECTION_LABELS["prior_answers"], "n": len(unanswered)},
        )
    return missing


def version_content(review: Review, report: DutyReport) -> dict:
    problems = prior_problems_for(review)
    return {
        "practices": report.practices,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "prior_answers": [[p.text, report.prior_answers.get(str(p.pk), "")] for p in problems],
    }


@transaction.atomic
def submit(actor, review: Review, *, base_revision: int, ip: str | None = None) -> ReportVersion:
    """Freeze the current working copy as a new version and send it to the reviewer.

    Refused when a section is empty; the working copy stays as it was (the message says nothing about
    saving: the caller knows whether it saved anything). Submitting again what was just submitted returns
    that version."""
    report = DutyReport.objects.select_for_update().get(pk=get_report(review).pk)
    review = Review.objects.select_related("cycle", "group", "secretary").get(pk=review.pk)
    latest = report.versions.order_by("-number").first()
    if report.status == ReportStatus.SUBMITTED and latest and latest.content == version_content(review, report):
        return latest
    reason = why_not_editable(review, report)
    if reason:
        raise ValidationError(reason)
    if base_revision != report.revision:
        raise EditConflict(report)
    missing = missing_sections(review, report)
    if missing:
        raise ValidationError(
            _("Fill in every section before submitting: %(sections)s.") % {"sections": "；".join(missing)}
        )
    version = ReportVersion.objects.create(
        report=report,
        number=(latest.number + 1) if latest else 1,
        author=review.secretary,
        content=version_content(review, report),
    )
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    record(
        actor,
        Verb.REPORT_SUBMITTED,
        report,
        organization_id=review.organization_id,
        ip=ip,
        before={"status": ReportStatus.DRAFT if not latest else ReportStatus.RETURNED},
        after={"status": ReportStatus.SUBMITTED, "version": version.number},
        note=_("report submitted"),
    )
    return version


@transaction.atomic
def vet(
    actor, review: Review, *, version_number: int, outcome: str, comment: str = "", ip: str | None = None
) -> ReportVetting:
    """Pass or return a submitted version (审核). Vetting the same way on the same version again returns
    the first vetting; a different outcome on an already vetted version is refused."""
    report = DutyReport.objects.select_for_update().get(pk=get_report(review).pk)
    review = Review.objects.select_related("cycle").get(pk=review.pk)
    comment = (comment or "").strip()
    if outcome not in VettingOutcome.values:
        raise ValidationError({"outcome": _("Choose pass or return.")})
    version = report.versions.filter(number=version_number).first()
    if version is None:
        raise ValidationError(_("There is no version %(n)d of this report.") % {"n": version_number})
    existing = ReportVetting.objects.filter(version=version).first()
    if existing:
        if existing.outcome == outcome:
            return existing
        raise ValidationError(_("Version %(n)d has already been vetted.") % {"n": version_number})
    latest = report.versions.order_by("-number").first()
    if report.status != ReportStatus.SUBMITTED or latest.pk != version.pk:
        raise ValidationError(_("Only the latest submitted version can be passed or returned."))
    if outcome == VettingOutcome.RETURNED and not comment:
        raise ValidationError({"comment": _("Say what should be revised when returning a report.")})
    if len(comment) > 5000:
        raise ValidationError({"comment": _("At most %(n)d characters.") % {"n": 5000}})
    result = ReportVetting.objects.create(version=version, outcome=outcome, comment=comment, vetted_by=actor)
    report.status = ReportStatus.ACCEPTED if outcome == VettingOutcome.PASSED else ReportStatus.RETURNED
    report.save(update_fields=["status", "updated_at"])
    record(
        actor,
        Verb.REPORT_VETTING_PASSED if outcome == VettingOutcome.PASSED else Verb.REPORT_VETTING_RETURNED,
        report,
        organization_id=review.organization_id,
        ip=ip,
        before={"status": ReportStatus.SUBMITTED},
        after={"status": report.status, "version": version.number},
        note=_("report accepted") if outcome == VettingOutcome.PASSED else _("report returned"),
    )
    return result


def prior_kinds_by_text(review: Review) -> dict[str, str]:
    """The kind of each of last year's items of the review's organisation, by its text. A version keeps
    the text of each item only (version_content), so its exports find the kind here; withdrawn items are
    included, since an older version may still hold them."""
    kinds: dict[str, str] = {}
    for text, kind in (
        PriorProblem.objects.filter(organization_id=review.organization_id, year=review.cycle.year - 1)
        .order_by("withdrawn_at", "kind", "id")
        .values_list("text", "kind")
    ):
        kinds.setdefault(text, kind)
    return kinds


def prior_problem_rows(review: Review, report: DutyReport) -> list[tuple[PriorProblem, str]]:
    return [(p, report.prior_answers.get(str(p.pk), "")) for p in prior_problems_for(review)]


def report_date(report: DutyReport) -> datetime.date:
    return timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()


# --- Quality check rules --------------------------------------------------------------------------

DEFAULT_RULES_STAMP = "default"
QUALITY_RULES_PK = 1  # the one row of tuned rules; a fixed key, so two first saves cannot both create one


class RulesConflict(Exception):
    """The rules were changed (or reset) since the editor was opened."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone changed the rules after you opened this page. Your text is kept below: "
                "copy it, reload the page and apply your change again."
            )
        )


@dataclass(frozen=True)
class RulesState:
    """The rules in force, as the editor shows them."""

    row: QualityRules | None  # the org dept's saved rules, None when the defaults are in use
    data: dict  # the saved rules laid over the shipped defaults (or the defaults), JSON-ready
    stamp: str  # what the editor sends back as `loaded`, so a save cannot undo a change made meanwhile
    error: str | None  # why the saved rules cannot be used (the check then uses the defaults)


def _default_rules_dict() -> dict:
    return quality.rules_to_dict(quality.load_default_rules())


def _stamp(row: QualityRules | None) -> str:
    return row.updated_at.isoformat() if row else DEFAULT_RULES_STAMP


def _rules_row(*, for_update: bool = False) -> QualityRules | None:
    rows = QualityRules.objects.select_related("updated_by").order_by("pk")
    if for_update:
        rows = QualityRules.objects.select_for_update().order_by("pk")
    return rows.first()


def _effective(row: QualityRules | None) -> tuple[dict, quality.RuleSet | None, str | None]:
    """(the rules as a dict, parsed or None, the reason they are unusable or None) of a saved row."""
    defaults = _default_rules_dict()
    if row is None:
        return defaults, quality.load_default_rules(), None
    data = row.data if isinstance(row.data, dict) else {}
    merged = quality.merge_over_defaults(data, defaults)
    try:
        rules = quality.parse_rules(merged)
    except ValueError as error:
        return merged, None, str(error)
    return quality.rules_to_dict(rules), rules, None


def quality_rules_state() -> RulesState:
    row = _rules_row()
    data, _rules, error = _effective(row)
    return RulesState(row=row, data=data, stamp=_stamp(row), error=error)


def current_quality_rules() -> quality.RuleSet:
    """The rules every report is checked with: the org dept's (laid over the shipped defaults) when
    saved and valid, else the shipped defaults."""
    row = _rules_row()
    _data, rules, error = _effective(row)
    if rules is None:
        log.error("stored quality rules %s are invalid (%s); using the defaults", row.pk if row else None, error)
        return quality.load_default_rules()
    return rules


def _changed_keys(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@transaction.atomic
def save_quality_rules(actor, data: dict, *, loaded: str, ip: str | None = None) -> QualityRules | None:
    """Store the org dept's rules (validated with quality.parse_rules: ValidationError on "data" with
    the Chinese message naming the bad key) with an audit record of the changed keys. Saving the rules
    already in force changes nothing (a double click is harmless, whatever `loaded` says); otherwise
    RulesConflict when the rules changed since the editor was opened (`loaded`, see RulesState.stamp).
    Returns the saved row (None when the rules in force are the defaults and stay so)."""
    try:
        clean = quality.rules_to_dict(quality.parse_rules(data))
    except ValueError as error:
        raise ValidationError({"data": str(error)}) from None
    row = _rules_row(for_update=True)
    current, _rules, _error = _effective(row)
    if current == clean:
        return row
    if _stamp(row) != loaded:
        raise RulesConflict
    if row is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first save holds the key
                row = QualityRules.objects.create(pk=QUALITY_RULES_PK, data=clean, updated_by=actor)
        except IntegrityError:
            raise RulesConflict from None
    else:
        row.data, row.updated_by = clean, actor
        row.save()
    before, after = _changed_keys(current, clean)
    record(
        actor,
        Verb.QUALITY_RULES_CHANGED,
        row,
        before=before,
        after=after,
        ip=ip,
        object_repr=_("Quality check rules"),
        note=_("quality check rules changed"),
    )
    return row


@transaction.atomic
def reset_quality_rules(actor, *, ip: str | None = None) -> None:
    """Back to the shipped defaults: the saved rules are removed (their values stay in the audit
    record). Nothing happens when the defaults are already in use."""
    row = _rules_row(for_update=True)
    if row is None:
        return
    current, _rules, _error = _effective(row)
    before, after = _changed_keys(current, _default_rules_dict())
    record(
        actor,
        Verb.QUALITY_RULES_RESET,
        row,
        before=before,
        after=after,
        ip=ip,
        object_repr=_("Quality check rules"),
        note=_("quality check rules reset to the defaults"),
    )
    QualityRules.objects.filter(pk=row.pk).delete()
