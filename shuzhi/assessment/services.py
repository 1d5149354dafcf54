"""Every change of the daily assessment: the cycle's indicators and rule, its inspectors, and checks
(drafted, recorded, withdrawn). Views, the API and the demo call these; each runs in one transaction,
is audited with its Verb, and is idempotent under a double submit (a form token, or a no-op when the
state is already what was asked).

Callers do the access checks (shuzhi.orgs.access), as each docstring says; the rules of the data
(ranges, the lock, what a recorded check must hold) are checked here, with Chinese messages per field.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.assessment.models import (
    NOT_PREFERRED_METHODS,
    AssessmentSettings,
    Check,
    CheckScore,
    CheckStatus,
    Indicator,
    Inspector,
    Method,
    ScoreRule,
)
from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.core.inputs import text_problem
from shuzhi.orgs.models import OrgKind, Person, Position, PositionRole

# The four indicators of seed 五（二）, with their points (summing to 100) and scoring guidance: the
# defaults of every cycle until the org dept changes them.
DEFAULT_INDICATORS: tuple[tuple[str, Decimal, str], ...] = (
    (
        "严格落实组织生活制度",
        Decimal(30),
        "“三会一课”、组织生活会、民主评议党员、主题党日按期开展，内容紧扣主题、有实效；"
        "看现场、看开展的具体活动，听党员群众评价，不以翻阅记录本代替。",
    ),
    (
        "党支部建设",
        Decimal(30),
        "支部班子健全、分工明确，按期换届；党支部标准化规范化建设到位，发挥战斗堡垒作用；"
        "看阵地和支部开展工作的具体事例。",
    ),
    (
        "党员队伍建设",
        Decimal(25),
        "党员发展程序规范、教育管理严格，党员在本职岗位发挥先锋模范作用；"
        "听群众对党员的评价，看党员承诺践诺、志愿服务等具体事。",
    ),
    (
        "党建品牌建设",
        Decimal(15),
        "结合本单位实际打造党建特色品牌，党建与业务工作融合、有可见成效；看品牌活动现场和成果。",
    ),
)
MAX_POINTS = Decimal(1000)
MAX_INDICATORS = 20
MAX_REASON = 200
TEXT_MAX = 5000
REASON_MAX = 2000


# --- Settings and indicators ----------------------------------------------------------------------


def ensure_settings(cycle) -> AssessmentSettings:
    """The cycle's settings row, made with the default indicators the first time it is asked for. Safe
    under concurrency (the cycle row is locked while they are made)."""
    found = AssessmentSettings.objects.filter(cycle=cycle).first()
    if found is not None:
        return found
    from shuzhi.cycles.models import ReviewCycle

    with transaction.atomic():
        ReviewCycle.objects.select_for_update().filter(pk=cycle.pk).first()
        found = AssessmentSettings.objects.filter(cycle=cycle).first()
        if found is not None:
            return found
        settings_row = AssessmentSettings.objects.create(cycle=cycle)
        if not Indicator.objects.filter(cycle=cycle).exists():
            Indicator.objects.bulk_create(
                Indicator(cycle=cycle, name=name, points=points, guidance=guidance, order=n)
                for n, (name, points, guidance) in enumerate(DEFAULT_INDICATORS, start=1)
            )
        return settings_row


def indicators_of(cycle) -> list[Indicator]:
    ensure_settings(cycle)
    return list(Indicator.objects.filter(cycle=cycle).order_by("order", "id"))


def indicators_locked(cycle) -> bool:
    """Whether a recorded check (withdrawn ones included) of the cycle scored its indicators."""
    return Check.objects.filter(cycle=cycle, recorded_at__isnull=False).exists()


def locked_message() -> str:
    return _("A recorded check of this cycle uses these indicators: they can no longer be changed.")


@dataclass
class IndicatorRow:
    """One row of the indicators form: an existing indicator (pk) or a new one (pk None)."""

    pk: int | None
    name: str
    points: Decimal | None
    guidance: str = ""


def _indicator_text(rows) -> list[str]:
    return [f"{row.name}（{_number(row.points)}）" for row in rows]


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def validate_indicators(rows: list[IndicatorRow]) -> None:
    """ValidationError naming each bad row (by its number on the form), in Chinese."""
    errors: list[str] = []
    if not rows:
        errors.append(_("Give at least one indicator."))
    if len(rows) > MAX_INDICATORS:
        errors.append(_("At most %(n)d indicators.") % {"n": MAX_INDICATORS})
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        if not row.name:
            errors.append(_("Indicator %(n)d: give its name.") % {"n": n})
        elif len(row.name) > 100:
            errors.append(_("Indicator %(n)d: the name is longer than 100 characters.") % {"n": n})
        elif row.name in seen:
            errors.append(_("Indicator %(n)d: “%(name)s” is named twice.") % {"n": n, "name": row.name})
        seen.add(row.name)
        if row.points is None or not row.points.is_finite() or row.points <= 0 or row.points > MAX_POINTS:
            errors.append(_("Indicator %(n)d: points must be a number above 0 and at most 1000.") % {"n": n})
        elif row.points != row.points.quantize(Decimal("0.01")):
            errors.append(_("Indicator %(n)d: points take at most two decimal places.") % {"n": n})
        for value in (row.name, row.guidance):
            if text_problem(value):
                errors.append(_("Indicator %(n)d: ") % {"n": n} + text_problem(value))
        if len(row.guidance) > REASON_MAX:
            errors.append(_("Indicator %(n)d: the guidance is longer than 2000 characters.") % {"n": n})
    if errors:
        raise ValidationError({"indicators": errors})


def set_indicators(actor: Any, cycle, rows: list[IndicatorRow], *, ip: str | None = None) -> list[Indicator]:
    """Replace the cycle's indicators with `rows` (kept in their order): existing ones by pk changed, new
    ones added, missing ones removed (with the scores drafts gave them). Refused once indicators_locked.
    A no-op (no audit event) when nothing changes. The caller checked access.check_set_up_assessment."""
    validate_indicators(rows)
    with transaction.atomic():
        settings_row = ensure_settings(cycle)
        AssessmentSettings.objects.select_for_update().get(pk=settings_row.pk)
        if indicators_locked(cycle):
            raise ValidationError({"indicators": [locked_message()]})
        current = {i.pk: i for i in Indicator.objects.filter(cycle=cycle).order_by("order", "id")}
        before = _indicator_text(current.values()) + [i.guidance for i in current.values()]
        # A new row named as an existing indicator no other row keeps is that indicator (the same form
        # submitted twice adds nothing twice).
        by_name = {i.name: i.pk for i in current.values()}
        claimed = {row.pk for row in rows if row.pk in current}
        for row in rows:
            if row.pk not in current and by_name.get(row.name) not in claimed | {None}:
                row.pk = by_name[row.name]
                claimed.add(row.pk)
        kept = {row.pk for row in rows if row.pk in current}
        removed = [pk for pk in current if pk not in kept]
        if removed:
            CheckScore.objects.filter(indicator_id__in=removed, check_record__recorded_at__isnull=True).delete()
            Indicator.objects.filter(pk__in=removed).delete()
        # Names are unique per cycle: park the kept ones' names before writing the new ones.
        for indicator in current.values():
            if indicator.pk in kept:
                Indicator.objects.filter(pk=indicator.pk).update(name=f"parked-{uuid.uuid4().hex}")
        result = []
        for n, row in enumerate(rows, start=1):
            if row.pk in kept:
                indicator = current[row.pk]
                indicator.name, indicator.points, indicator.guidance, indicator.order = (
                    row.name,
                    row.points,
                    row.guidance,
                    n,
                )
                indicator.save(update_fields=["name", "points", "guidance", "order"])
            else:
                indicator = Indicator.objects.create(
                    cycle=cycle, name=row.name, points=row.points, guidance=row.guidance, order=n
                )
            result.append(indicator)
        after = _indicator_text(result) + [i.guidance for i in result]
        if after != before or removed or len(result) != len(current):
            record(
                actor,
                Verb.ASSESSMENT_INDICATORS_SET,
                settings_row,
                before={"indicators": _indicator_text(current.values())},
                after={"indicators": _indicator_text(result)},
                object_repr=cycle.title,
                ip=ip,
            )
    return result


def set_rule(actor: Any, cycle, rule: str, *, ip: str | None = None) -> AssessmentSettings:
    """Set the cycle's daily-score rule (a ScoreRule). No-op when unchanged. Caller:
    access.check_set_up_assessment."""
    if rule not in ScoreRule.values:
        raise ValidationError({"rule": [_("Choose one of the rules offered.")]})
    with transaction.atomic():
        settings_row = AssessmentSettings.objects.select_for_update().get(pk=ensure_settings(cycle).pk)
        if settings_row.rule == rule:
            return settings_row
        before = {"rule": settings_row.rule}
        settings_row.rule = rule
        settings_row.updated_by = actor
        settings_row.save(update_fields=["rule", "updated_by", "updated_at"])
        record(
            actor,
            Verb.ASSESSMENT_RULE_SET,
            settings_row,
            before=before,
            after={"rule": rule},
            object_repr=cycle.title,
            ip=ip,
        )
    return settings_row


# --- Inspectors -------------------------------------------------------------------------------------


def committee_members():
    """The people the org dept may name inspector: current committee members (a position at the 党委
    other than org-dept staff)."""
    person_ids = (
        Position.objects.current()
        .filter(organization__kind=OrgKind.COMMITTEE, person__is_active=True)
        .exclude(role=PositionRole.ORG_DEPT_STAFF)
        .values("person_id")
    )
    return Person.objects.filter(pk__in=person_ids).order_by("staff_no")


def active_inspectors(cycle):
    return Inspector.objects.filter(cycle=cycle, removed_at__isnull=True).select_related("person")


def name_inspector(actor: Any, cycle, person: Person, *, ip: str | None = None) -> Inspector:
    """Name a committee member inspector for the cycle; the existing row when they already are. Caller:
    access.check_set_up_assessment."""
    if not committee_members().filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("Only a current member of the Party committee can be named inspector.")]})
    from shuzhi.cycles.models import ReviewCycle

    with transaction.atomic():
        ReviewCycle.objects.select_for_update().filter(pk=cycle.pk).first()
        existing = active_inspectors(cycle).filter(person=person).first()
        if existing is not None:
            return existing
        inspector = Inspector.objects.create(cycle=cycle, person=person, named_by=actor)
        record(
            actor,
            Verb.INSPECTOR_NAMED,
            inspector,
            after={"person": str(person), "cycle": cycle.title},
            person_id=person.pk,
            ip=ip,
        )
    return inspector


def remove_inspector(actor: Any, inspector: Inspector, *, ip: str | None = None) -> Inspector:
    """End the inspector's naming (the checks they recorded stay). No-op when already removed."""
    with transaction.atomic():
        inspector = Inspector.objects.select_for_update().select_related("person", "cycle").get(pk=inspector.pk)
        if inspector.removed_at is not None:
            return inspector
        inspector.removed_at = timezone.now()
        inspector.removed_by = actor
        inspector.save(update_fields=["removed_at", "removed_by"])
        record(
            actor,
            Verb.INSPECTOR_REMOVED,
            inspector,
            before={"person": str(inspector.person), "cycle": inspector.cycle.title},
            person_id=inspector.person_id,
            ip=ip,
        )
    return inspector


# --- Checks -----------------------------------------------------------------------------------------


@dataclass
class ScoreInput:
    score: Decimal | None = None
    reason: str = ""
    # What was typed when it was not a number (kept for the form, refused here).
    raw: str = ""


@dataclass
class CheckInput:
    date: datetime.date | None = None
    place: str = ""
    co_inspectors: str = ""
    methods: list[str] = field(default_factory=list)
    seen: str = ""
    heard: str = ""
    scores: dict[int, ScoreInput] = field(default_factory=dict)  # by indicator id


def parse_score(text: str) -> tuple[Decimal | None, bool]:
    """(the number, whether the text was one); empty text is (None, True)."""
    text = (text or "").strip().replace("，", ".").replace("。", ".")
    if not text:
        return None, True
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, False
    return (value, True) if value.is_finite() else (None, False)


def validate_check(cycle, data: CheckInput, indicators: list[Indicator], *, to_record: bool) -> None:
    """ValidationError with a Chinese message per field (score fields named score_<indicator id> and
    reason_<indicator id>). A draft needs nothing filled, but what is filled must be valid; a check to
    record needs the date, a method, what was seen, and a score and reason for every indicator."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = timezone.localdate()
    if data.date is None:
        if to_record:
            add("date", _("Give the date of the check."))
    elif data.date > today:
        add("date", _("The date of the check cannot be in the future."))
    elif data.date.year != cycle.year:
        add("date", _("The check must fall in the cycle's year %(year)d.") % {"year": cycle.year})
    unknown = [m for m in data.methods if m not in Method.values]
    if unknown:
        add("methods", _("Choose the methods offered."))
    elif to_record and not data.methods:
        add("methods", _("Say how the check was done: choose at least one method."))
    if to_record and not data.seen.strip():
        add("seen", _("Write what was seen: the concrete things checked."))
    for name, value, limit in (
        ("place", data.place, 200),
        ("co_inspectors", data.co_inspectors, 200),
        ("seen", data.seen, TEXT_MAX),
        ("heard", data.heard, TEXT_MAX),
    ):
        if len(value) > limit:
            add(name, _("At most %(n)d characters.") % {"n": limit})
        elif text_problem(value):
            add(name, text_problem(value))
    for indicator in indicators:
        entry = data.scores.get(indicator.pk, ScoreInput())
        key = f"score_{indicator.pk}"
        if entry.raw and entry.score is None:
            add(key, _("Enter the score as a number, e.g. 25 or 22.5."))
        elif entry.score is None:
            if to_record:
                add(key, _("Give a score for “%(name)s”.") % {"name": indicator.name})
        elif entry.score < 0 or entry.score > indicator.points:
            add(
                key,
                _("The score of “%(name)s” must be between 0 and %(points)s.")
                % {"name": indicator.name, "points": _number(indicator.points)},
            )
        elif entry.score != entry.score.quantize(Decimal("0.01")):
            add(key, _("A score takes at most two decimal places."))
        if len(entry.reason) > REASON_MAX:
            add(f"reason_{indicator.pk}", _("At most %(n)d characters.") % {"n": REASON_MAX})
        elif text_problem(entry.reason):
            add(f"reason_{indicator.pk}", text_problem(entry.reason))
        elif to_record and not entry.reason.strip():
            add(f"reason_{indicator.pk}", _("Give the reason for the score of “%(name)s”.") % {"name": indicator.name})
    if errors:
        raise ValidationError(errors)


def _check_snapshot(check: Check, scores: list[CheckScore] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organization": check.organization.name,
        "status": check.status,
        "date": check.date.isoformat() if check.date else None,
        "place": check.place,
        "co_inspectors": check.co_inspectors,
        "methods": [str(Method(m).label) for m in check.methods],
        "seen": check.seen,
        "heard": check.heard,
    }
    if scores is not None:
        data["scores"] = [
            f"{s.indicator.name}：{_number(s.score) if s.score is not None else '—'}/{_number(s.indicator.points)}"
            + (f"（{s.reason}）" if s.reason else "")
            for s in scores
        ]
    return data


class CheckNotEditable(Exception):
    """The check is no longer a draft (recorded or withdrawn meanwhile, e.g. in another tab)."""

    def __init__(self, check: Check) -> None:
        super().__init__(_("This check is no longer a draft: it was recorded or withdrawn meanwhile."))
        self.check = check


def save_check(
    actor: Any,
    *,
    cycle,
    organization,
    data: CheckInput,
    form_token: str,
    check: Check | None = None,
    to_record: bool = False,
    files: list[IO[bytes]] | None = None,
    refused_files: list[tuple[str, str]] | None = None,
    ip: str | None = None,
) -> Check:
    """Save a check as a draft, or record it (to_record), with its files, all or nothing.

    The caller called access.check_inspect(actor, cycle, organization) and, for an existing check,
    access.check_edit_check. A new check is keyed by its form's token: the same token submitted twice
    (a double click, a resent request) is the same check, updated, not a second one. Raises
    ValidationError (per field), attachments.services.FilesRefused (a file refused: nothing saved), or
    CheckNotEditable (the check was recorded or withdrawn meanwhile; recording it again with the same
    token returns it unchanged)."""
    from shuzhi.attachments import services as attachment_services

    indicators = indicators_of(cycle)
    validate_check(cycle, data, indicators, to_record=to_record)
    files = list(files or [])
    if files or refused_files:
        attachment_services.check_files(files, refused=refused_files)
    created_files = []
    try:
        with transaction.atomic():
            # One writer at a time per cycle: the indicators' lock (set_indicators) and the form token.
            AssessmentSettings.objects.select_for_update().get(cycle=cycle)
            indicators = list(Indicator.objects.filter(cycle=cycle).order_by("order", "id"))
            validate_check(cycle, data, indicators, to_record=to_record)
            check = _lock_or_create(actor, cycle, organization, form_token, check)
            if check.organization_id != organization.pk or check.cycle_id != cycle.pk:
                raise ValidationError(_("This check belongs to another organisation."))
            if not check.is_draft:
                if to_record and check.status == CheckStatus.RECORDED and check.form_token == form_token:
                    return check  # the same record request again
                raise CheckNotEditable(check)
            before = _check_snapshot(check, list(check.scores.select_related("indicator"))) if check.pk else None
            check.date = data.date
            check.place = data.place.strip()
            check.co_inspectors = data.co_inspectors.strip()
            check.methods = [m.value for m in Method if m.value in data.methods]
            check.uses_not_preferred = any(m in NOT_PREFERRED_METHODS for m in check.methods)
            check.seen = data.seen.strip()
            check.heard = data.heard.strip()
            if to_record:
                check.status = CheckStatus.RECORDED
                check.recorded_at = timezone.now()
            check.save()
            scores = _write_scores(check, indicators, data)
            created_files = attachment_services.attach_within(actor, check, files, ip=ip)[1]
            after = _check_snapshot(check, scores)
            if created_files:
                after["files"] = [a.original_name for a in created_files]
            if to_record or before != after:
                record(
                    actor,
                    Verb.CHECK_RECORDED if to_record else Verb.CHECK_DRAFT_SAVED,
                    check,
                    before=before,
                    after=after,
                    organization_id=check.organization_id,
                    person_id=_checked_secretary(check),
                    ip=ip,
                )
    except BaseException:
        for attachment in created_files:
            attachment_services.storage().delete(attachment.storage_name)
        raise
    return check


def _lock_or_create(actor: Any, cycle, organization, form_token: str, check: Check | None) -> Check:
    if check is not None:
        return Check.objects.select_for_update().select_related("organization").get(pk=check.pk)
    same = Check.objects.select_for_update().select_related("organization").filter(form_token=form_token).first()
    if same is not None:
        if same.recorded_by_id != actor.pk:
            raise ValidationError(_("This form was already used. Open a new check form."))
        return same
    return Check(cycle=cycle, organization=organization, recorded_by=actor, form_token=form_token)


def _write_scores(check: Check, indicators: list[Indicator], data: CheckInput) -> list[CheckScore]:
    existing = {s.indicator_id: s for s in CheckScore.objects.filter(check_record=check)}
    result = []
    for indicator in indicators:
        entry = data.scores.get(indicator.pk, ScoreInput())
        row = existing.get(indicator.pk) or CheckScore(check_record=check, indicator=indicator)
        row.indicator = indicator
        if row.pk is None or row.score != entry.score or row.reason != entry.reason.strip():
            row.score = entry.score
            row.reason = entry.reason.strip()
            row.save()
        result.append(row)
    stale = [pk for pk in existing if pk not in {i.pk for i in indicators}]
    if stale:
        CheckScore.objects.filter(check_record=check, indicator_id__in=stale).delete()
    return result


def withdraw_check(actor: Any, check: Check, *, reason: str, ip: str | None = None) -> Check:
    """Withdraw a check (a draft given up, or a recorded check entered by mistake): it stays on record
    with who, when and why, and no longer counts. A reason is required. No-op when already withdrawn.
    Caller: access.check_withdraw_check."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the check is withdrawn.")]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": MAX_REASON}]})
    with transaction.atomic():
        check = Check.objects.select_for_update().select_related("organization").get(pk=check.pk)
        if check.status == CheckStatus.WITHDRAWN:
            return check
        before = {"status": check.status}
        check.status = CheckStatus.WITHDRAWN
        check.withdrawn_at = timezone.now()
        check.withdrawn_by = actor
        check.withdrawal_reason = reason
        check.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
        record(
            actor,
            Verb.CHECK_WITHDRAWN,
            check,
            before=before,
            after={"status": check.status, "withdrawal_reason": reason},
            organization_id=check.organization_id,
            person_id=_checked_secretary(check),
            ip=ip,
            note=reason,
        )
    return check


def _checked_secretary(check: Check) -> int | None:
    """The person an event about a check concerns: the secretary of the checked organisation's Review."""
    from shuzhi.cycles.models import Review

    return (
        Review.objects.filter(cycle_id=check.cycle_id, organization_id=check.organization_id)
        .values_list("secretary_id", flat=True)
        .first()
    )
