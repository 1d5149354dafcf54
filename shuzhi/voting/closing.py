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

from shuzhi.audit.models import AuditAction
from shuzhi.audit.services import record
from shuzhi.voting import secrecy
from shuzhi.voting.models import Ballot, PaperEntry, Survey, SurveyStatus


def ballot_payload(ballot: Ballot, category_names: dict[int, str]) -> str:
    """The canonical text of one ballot that the seal hashes (and the archive prints, so anyone can
    hash it again): receipt, voter category, ratings, item ratings, suggestions, paper or phone."""
    return json.dumps({
        "receipt": ballot.receipt, "category": category_names.get(ballot.category_id, ""),
        "ratings": ballot.ratings, "item_ratings": ballot.item_ratings, "suggestions": ballot.suggestions,
        "overall_suggestion": ballot.overall_suggestion, "paper": ballot.is_paper,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
    (a digest over every ballot), rewrites the survey's codes and ballots in random order in the same
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
    PaperEntry.objects.filter(survey=survey).delete()
    record(actor, AuditAction.UPDATE, survey, organization_id=survey.meeting.reviewer_id, ip=ip,
           before={"status": SurveyStatus.OPEN}, after={"status": SurveyStatus.CLOSED, "ballots": len(per_ballot),
                                                        "seal": top}, note=_("vote closed"))
    return survey


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
            row += [item_labels[item["key"]].get(ballot.item_ratings.get(str(p["review"]), {}).get(item["key"], ""), "")
                    for p in presenters]
        row += [ballot.suggestions.get(str(p["review"]), "") for p in presenters]
        payload = ballot_payload(ballot, categories)
        row += [ballot.overall_suggestion, payload, digest(payload)]
        rows.append(row)
    return headers, rows
