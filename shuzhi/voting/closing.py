"""Closing a vote: the seal (a digest over every ballot), the rewrite in random order and the file
scrub (voting/secrecy.py), and verifying the seal afterwards (manage.py verify_votes). Also the sealed
ballots as an anonymous table (the archive export)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.voting import secrecy
from shuzhi.voting.models import (
    Ballot,
    PaperEntry,
    ResultKind,
    Survey,
    SurveyStatus,
    VoteResult,
    VoteSummary,
)
from shuzhi.voting.results import SurveyResults
from shuzhi.voting.results import results as recount
from shuzhi.voting.tally import PresenterResult


def ballot_payload(ballot: Ballot, category_names: dict[int, str]) -> str:
    """The canonical text of one ballot that the seal hashes (and the archive prints, so anyone can
    hash it again): receipt, voter category, ratings, item ratings, suggestions, paper or phone."""
    return json.dumps(
        {
            "receipt": ballot.receipt,
            "category": category_names.get(ballot.category_id, ""),
            "ratings": ballot.ratings,
            "item_ratings": ballot.item_ratings,
            "suggestions": ballot.suggestions,
            "overall_suggestion": ballot.overall_suggestion,
            "paper": ballot.is_paper,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def seal_digest_of(per_ballot: dict[str, str]) -> str:
    """The seal: SHA-256 over the lines "receipt:ballot digest", sorted by receipt, joined by newlines."""
    return digest("\n".join(f"{r}:{d}" for r, d in sorted(per_ballot.items())))


def _category_names(survey: Survey) -> dict[int, str]:
    return dict(survey.categories.values_list("pk", "name"))


def seal_of(survey: Survey) -> tuple[str, dict[str, str]]:
    names = _category_names(survey)
    per_ballot = {b.receipt: digest(ballot_payload(b, names)) for b in Ballot.objects.filter(survey=survey)}
    return seal_digest_of(per_ballot), per_ballot


@transaction.atomic
def close_survey(actor, survey: Survey, *, ip: str | None = None) -> Survey:
    """Close the vote: no ballot is taken after this, and the result never changes. Seals the ballots
    (a digest over every ballot), stores each presenter's result (store_results; not for a
    rehearsal), rewrites the survey's codes and ballots in random order in the same
    transaction, and once it has committed scrubs the database files (secrecy.scrub_files), so that
    afterwards nothing stored, in rows or in the files, pairs a ballot with its code."""
    survey = Survey.objects.select_for_update().select_related("meeting").get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        return survey
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("The vote has not been opened."))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    secrecy.rewrite_in_random_order(survey.pk)
    transaction.on_commit(secrecy.scrub_files)
    top, per_ballot = seal_of(survey)
    survey.seal_digest = top
    survey.seal = {"algorithm": "sha256", "count": len(per_ballot), "ballots": per_ballot}
    survey.save(update_fields=["seal_digest", "seal"])
    store_results(survey)
    PaperEntry.objects.filter(survey=survey).delete()
    record(
        actor,
        Verb.VOTE_CLOSED,
        survey,
        organization_id=survey.meeting.reviewer_id,
        ip=ip,
        before={"status": SurveyStatus.OPEN},
        after={"status": SurveyStatus.CLOSED, "ballots": len(per_ballot), "seal": top},
        note=_("vote closed"),
    )
    return survey


# --- The stored results ----------------------------------------------------------------------------


def _row_record(p: PresenterResult, kind: str, position: int) -> dict:
    """One presenter's figures as they are stored (VoteResult's fields): Decimals and strings, no float."""
    return {
        "review": p.review_id,
        "kind": kind,
        "position": position,
        "name": p.name,
        "organization": p.organization,
        "score": p.score_exact,
        "satisfaction_rate": p.satisfaction_exact,
        "rated": p.rated,
        "not_rated": p.not_rated,
        "counts": dict(p.counts),
        "by_category": [
            {
                "category": c.name,
                "weight": f"{c.weight:.2f}",
                "counts": dict(c.counts),
                "rated": c.rated,
                "mean": None if c.mean_exact is None else str(c.mean_exact),
            }
            for c in p.by_category
        ],
        "item_counts": {k: dict(v) for k, v in p.item_counts.items()},
        "suggestions": list(p.suggestions),
    }


def result_record(outcome: SurveyResults) -> tuple[dict, list[dict]]:
    """A count of the ballots (results.results) as it is stored: (the VoteSummary's fields, one dict of
    VoteResult fields per presenter and kind, in ballot order)."""
    weights = (
        [{"category": c.name, "weight": f"{c.weight:.2f}"} for c in outcome.presenters[0].by_category]
        if outcome.presenters
        else [{"category": c.name, "weight": f"{c.weight:.2f}"} for c in outcome.survey.categories.all()]
    )
    summary = {
        "ballots": outcome.ballots,
        "valid": outcome.valid,
        "void": dict(outcome.void),
        "set_aside": dict(outcome.flagged),
        "codes_issued": outcome.codes_issued,
        "weights": weights,
        "overall_suggestions": {
            "counted": list(outcome.suggestions.overall),
            "void": list(outcome.void_suggestions.overall),
            "set_aside": list(outcome.flagged_suggestions.overall),
        },
        "void_suggestions": {str(p.review_id): list(p.texts) for p in outcome.void_suggestions.presenters},
    }
    rows = [_row_record(p, ResultKind.COUNTED, i) for i, p in enumerate(outcome.presenters, 1)]
    rows += [_row_record(p, ResultKind.SET_ASIDE, i) for i, p in enumerate(outcome.flagged_presenters, 1)]
    return summary, rows


_SUMMARY_FIELDS = (
    "ballots",
    "valid",
    "void",
    "set_aside",
    "codes_issued",
    "weights",
    "overall_suggestions",
    "void_suggestions",
)
_ROW_FIELDS = (
    "position",
    "name",
    "organization",
    "score",
    "satisfaction_rate",
    "rated",
    "not_rated",
    "counts",
    "by_category",
    "item_counts",
    "suggestions",
)


def store_results(survey: Survey) -> None:
    """Store the count of a closed real vote (VoteSummary, one VoteResult per presenter and kind), inside
    the caller's transaction (close_survey's, so a failure leaves neither the result nor a closed vote).
    The new COUNTED rows are each Review's current result; an earlier vote's result of the same Review
    stays, no longer current. A rehearsal stores nothing; a vote already stored is left alone."""
    if survey.is_rehearsal or VoteSummary.objects.filter(survey=survey).exists():
        return
    summary, rows = result_record(recount(survey))
    VoteSummary.objects.create(survey=survey, **summary)
    counted = [r["review"] for r in rows if r["kind"] == ResultKind.COUNTED]
    VoteResult.objects.filter(review_id__in=counted, kind=ResultKind.COUNTED, is_current=True).update(is_current=False)
    VoteResult.objects.bulk_create(
        [
            VoteResult(survey=survey, review_id=r["review"], kind=r["kind"], **{f: r[f] for f in _ROW_FIELDS})
            for r in rows
        ]
    )


def stored_record(survey: Survey) -> tuple[dict, list[dict]] | None:
    """The stored count of a vote in result_record's form, or None if nothing is stored."""
    summary = VoteSummary.objects.filter(survey=survey).first()
    if summary is None:
        return None
    rows = [
        {"review": r.review_id, "kind": r.kind, **{f: getattr(r, f) for f in _ROW_FIELDS}}
        for r in VoteResult.objects.filter(survey=survey).order_by("kind", "position")
    ]
    return {f: getattr(summary, f) for f in _SUMMARY_FIELDS}, rows


# What verify_votes and the verify page call each stored figure (Chinese: they are read by the people
# who run the meeting and by the server's operator, like the rest of verify_votes' output).
FIGURE_NAMES = {
    "ballots": "收回测评票数",
    "valid": "有效票数",
    "void": "无效票数",
    "set_aside": "另行统计票数",
    "codes_issued": "发放测评码数",
    "weights": "各类评议人员权重",
    "overall_suggestions": "总体意见建议",
    "void_suggestions": "无效票上的意见建议",
    "position": "序号",
    "name": "姓名",
    "organization": "党组织",
    "score": "得分",
    "satisfaction_rate": "满意率",
    "rated": "评价票数",
    "not_rated": "未评价票数",
    "counts": "各选项票数",
    "by_category": "各类评议人员统计",
    "item_counts": "分项票数",
    "suggestions": "意见建议",
}


@dataclass
class ResultCheck:
    ok: bool
    stored: bool  # a result was stored for the vote
    differences: list[str]  # e.g. "甲学院党总支 张三（得分）：存储 83.3333，重新计票 80.0000"


def _label(row: dict) -> str:
    kind = "" if row["kind"] == ResultKind.COUNTED else "·存疑票"
    return f"{row['organization']} {row['name']}{kind}"


def verify_results(survey: Survey) -> ResultCheck:
    """Recount the ballots and compare with the stored result, naming every figure that differs."""
    stored = stored_record(survey)
    if stored is None:
        return ResultCheck(False, False, [])
    summary, rows = stored
    fresh_summary, fresh_rows = result_record(recount(survey))
    differences = [
        f"测评汇总（{FIGURE_NAMES[f]}）：存储 {summary[f]}，重新计票 {fresh_summary[f]}"
        for f in _SUMMARY_FIELDS
        if summary[f] != fresh_summary[f]
    ]
    stored_by_key = {(r["review"], r["kind"]): r for r in rows}
    fresh_by_key = {(r["review"], r["kind"]): r for r in fresh_rows}
    for key, fresh in fresh_by_key.items():
        row = stored_by_key.get(key)
        if row is None:
            differences.append(f"{_label(fresh)}：没有存储的结果")
            continue
        differences += [
            f"{_label(fresh)}（{FIGURE_NAMES[f]}）：存储 {row[f]}，重新计票 {fresh[f]}"
            for f in _ROW_FIELDS
            if row[f] != fresh[f]
        ]
    differences += [
        f"{_label(row)}：存储的结果不在重新计票中" for key, row in stored_by_key.items() if key not in fresh_by_key
    ]
    return ResultCheck(not differences, True, differences)


# --- Verifying the seal ---------------------------------------------------------------------------


@dataclass
class SealCheck:
    ok: bool
    sealed: bool
    digest_matches: bool  # the stored per-ballot list still gives the sealed digest
    changed: list[str]  # receipts whose ballot differs from what was sealed
    missing: list[str]  # sealed receipts no longer in the database
    extra: list[str]  # ballots in the database that were not sealed
    count: int


def verify_seal(survey: Survey) -> SealCheck:
    """Compare the stored ballots with the seal made when the vote closed, naming every difference."""
    if not survey.seal_digest or not survey.seal:
        return SealCheck(False, False, False, [], [], [], 0)
    sealed: dict[str, str] = survey.seal.get("ballots", {})
    recomputed_top = seal_digest_of(sealed)
    _top, current = seal_of(survey)
    changed = sorted(r for r, d in current.items() if r in sealed and sealed[r] != d)
    missing = sorted(set(sealed) - set(current))
    extra = sorted(set(current) - set(sealed))
    digest_matches = recomputed_top == survey.seal_digest
    ok = digest_matches and not changed and not missing and not extra
    return SealCheck(ok, True, digest_matches, changed, missing, extra, len(current))


def archive_rows(survey: Survey) -> tuple[list[str], list[list[str]]]:
    """The sealed ballots as an anonymous table (原始测评票存档): one row per ballot, in receipt order,
    with each ballot's digest, so anyone can recount and re-verify."""
    categories = {c.pk: c.name for c in survey.categories.all()}
    labels = {o["key"]: o["label"] for o in survey.form["options"]}
    headers = ["回执码", "评议人员类别", "票面来源"]
    presenters = survey.presenters
    headers += [f"{p['org']} {p['name']}" for p in presenters]
    for item in survey.form.get("items", []):
        headers += [f"{p['name']}·{item['label']}" for p in presenters]
    headers += [f"{p['name']}·意见建议" for p in presenters] + ["总体意见建议", "票面数据(JSON)", "单票摘要(SHA-256)"]
    item_labels = {i["key"]: {o["key"]: o["label"] for o in i["options"]} for i in survey.form.get("items", [])}
    rows = []
    for ballot in sorted(Ballot.objects.filter(survey=survey), key=lambda b: b.receipt):
        row = [ballot.receipt, categories.get(ballot.category_id, ""), "纸质" if ballot.is_paper else "手机"]
        row += [labels.get(ballot.ratings.get(str(p["review"]), ""), "") for p in presenters]
        for item in survey.form.get("items", []):
            row += [
                item_labels[item["key"]].get(ballot.item_ratings.get(str(p["review"]), {}).get(item["key"], ""), "")
                for p in presenters
            ]
        row += [ballot.suggestions.get(str(p["review"]), "") for p in presenters]
        payload = ballot_payload(ballot, categories)
        row += [ballot.overall_suggestion, payload, digest(payload)]
        rows.append(row)
    return headers, rows
