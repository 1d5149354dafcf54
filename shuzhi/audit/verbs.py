"""The one registry of audit verbs: what happened, as a stable code ("report.submitted") stored with the
event and translated when shown.

Every call of shuzhi.audit.services.record() names one of these; record() refuses anything else. The
code is stored (AuditEvent.verb), never its label, so labels can be reworded without touching the log.
Codes are "<thing>.<what happened>", lower case, and are never renamed or reused once released: old
events keep the code they were written with.

Adding verbs (later stages: grading, decision, feedback, rectification, filing): add members to Verb
below (code and English msgid), give each its coarse kind in KINDS, and add the msgid with its Chinese
to the catalogue. No migration is needed: the column has no choices. The tests check that every verb has
a kind and a Chinese label.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from shuzhi.audit.models import AuditAction


class Verb(models.TextChoices):
    # Organisations, people, positions (orgs)
    ORG_CREATED = "org.created", pgettext_lazy("audit verb", "organisation created")
    ORG_CHANGED = "org.changed", pgettext_lazy("audit verb", "organisation changed")
    ORG_MOVED = "org.moved", pgettext_lazy("audit verb", "organisation moved")
    ORG_DEACTIVATED = "org.deactivated", pgettext_lazy("audit verb", "organisation deactivated")
    ORG_REACTIVATED = "org.reactivated", pgettext_lazy("audit verb", "organisation reactivated")
    PERSON_CREATED = "person.created", pgettext_lazy("audit verb", "person added")
    PERSON_CHANGED = "person.changed", pgettext_lazy("audit verb", "person changed")
    PERSON_DEACTIVATED = "person.deactivated", pgettext_lazy("audit verb", "person deactivated")
    PERSON_REACTIVATED = "person.reactivated", pgettext_lazy("audit verb", "person reactivated")
    POSITION_CREATED = "position.created", pgettext_lazy("audit verb", "position assigned")
    POSITION_ENDED = "position.ended", pgettext_lazy("audit verb", "term ended")
    POSITION_CANCELLED = "position.cancelled", pgettext_lazy("audit verb", "appointment cancelled")
    IMPORT_APPLIED = "import.applied", pgettext_lazy("audit verb", "Excel import applied")
    # Accounts
    LOGIN = "account.login", pgettext_lazy("audit verb", "logged in")
    LOGOUT = "account.logout", pgettext_lazy("audit verb", "logged out")
    LOGIN_FAILED = "account.login_failed", pgettext_lazy("audit verb", "login failed")
    LOCKED = "account.locked", pgettext_lazy("audit verb", "login locked")
    NETWORK_LOCKED = "account.network_locked", pgettext_lazy("audit verb", "network address locked")
    UNLOCKED = "account.unlocked", pgettext_lazy("audit verb", "login lock lifted")
    PASSWORD_CHANGED = "account.password_changed", pgettext_lazy("audit verb", "password changed")
    PASSWORD_RESET = "account.password_reset", pgettext_lazy("audit verb", "password reset by the org dept")
    # The yearly cycle (cycles)
    CYCLE_OPENED = "cycle.opened", pgettext_lazy("audit verb", "review cycle opened")
    CYCLE_CHANGED = "cycle.changed", pgettext_lazy("audit verb", "review cycle changed")
    CYCLE_STAGE_MOVED = "cycle.stage_moved", pgettext_lazy("audit verb", "review cycle stage moved")
    CYCLE_BALLOT_FORM_CHANGED = "cycle.ballot_form_changed", pgettext_lazy("audit verb", "default ballot form changed")
    REVIEW_ADDED = "review.added", pgettext_lazy("audit verb", "review added")
    REVIEW_STAGE_MOVED = "review.stage_moved", pgettext_lazy("audit verb", "review stage moved")  # before review groups
    GROUP_STAGE_MOVED = "group.stage_moved", pgettext_lazy("audit verb", "review group stage moved")
    GROUP_GATE_OVERRIDDEN = "group.gate_overridden", pgettext_lazy("audit verb", "review group moved past its gate")
    REVIEW_SECRETARY_CHANGED = "review.secretary_changed", pgettext_lazy("audit verb", "secretary changed")
    PRIOR_PROBLEM_ADDED = "prior_problem.added", pgettext_lazy("audit verb", "last year's problem added")
    PRIOR_PROBLEM_IMPORTED = "prior_problem.imported", pgettext_lazy("audit verb", "last year's problem imported")
    PRIOR_PROBLEM_WITHDRAWN = "prior_problem.withdrawn", pgettext_lazy("audit verb", "last year's problem withdrawn")
    PREPARATION_ITEM_ADDED = "preparation.item_added", pgettext_lazy("audit verb", "preparation item added")
    PREPARATION_ITEM_WITHDRAWN = "preparation.item_withdrawn", pgettext_lazy("audit verb", "preparation item withdrawn")
    PREPARATION_DONE = "preparation.done", pgettext_lazy("audit verb", "preparation marked done")
    # Duty reports (reports)
    REPORT_SUBMITTED = "report.submitted", pgettext_lazy("audit verb", "report submitted")
    REPORT_VETTING_PASSED = "report.vetting_passed", pgettext_lazy("audit verb", "report vetting passed")
    REPORT_VETTING_RETURNED = "report.vetting_returned", pgettext_lazy("audit verb", "report vetting returned")
    QUALITY_RULES_CHANGED = "quality_rules.changed", pgettext_lazy("audit verb", "quality check rules changed")
    QUALITY_RULES_RESET = "quality_rules.reset", pgettext_lazy("audit verb", "quality check rules reset")
    # Review meetings (meetings)
    MEETING_SCHEDULED = "meeting.scheduled", pgettext_lazy("audit verb", "meeting scheduled")
    MEETING_CHANGED = "meeting.changed", pgettext_lazy("audit verb", "meeting changed")
    MEETING_AGENDA_CHANGED = "meeting.agenda_changed", pgettext_lazy("audit verb", "agenda changed")
    COMMENT_ADDED = "comment.added", pgettext_lazy("audit verb", "comment added")
    # The satisfaction vote (voting)
    VOTE_CREATED = "vote.created", pgettext_lazy("audit verb", "vote set up")
    VOTE_CODES_ISSUED = "vote.codes_issued", pgettext_lazy("audit verb", "ballot codes issued")
    VOTE_OPENED = "vote.opened", pgettext_lazy("audit verb", "vote opened")
    VOTE_CLOSED = "vote.closed", pgettext_lazy("audit verb", "vote closed")
    VOTE_PAPER_ENTRY_WITHDRAWN = (
        "vote.paper_entry_withdrawn",
        pgettext_lazy("audit verb", "paper ballot entry withdrawn"),
    )
    VOTE_DOUBLE_ENTRY_CHANGED = "vote.double_entry_changed", pgettext_lazy("audit verb", "paper double entry switched")
    VOTE_CATEGORIES_CHANGED = "vote.categories_changed", pgettext_lazy("audit verb", "voter categories changed")
    VOTE_FORM_CHANGED = "vote.form_changed", pgettext_lazy("audit verb", "ballot form changed")
    VOTE_REHEARSAL_WIPED = "vote.rehearsal_wiped", pgettext_lazy("audit verb", "rehearsal wiped")
    # Evidence files (attachments)
    ATTACHMENT_ADDED = "attachment.added", pgettext_lazy("audit verb", "evidence file uploaded")
    ATTACHMENT_WITHDRAWN = "attachment.withdrawn", pgettext_lazy("audit verb", "evidence file withdrawn")
    # Daily assessment (assessment)
    ASSESSMENT_INDICATORS_SET = (
        "assessment.indicators_set",
        pgettext_lazy("audit verb", "daily assessment indicators set"),
    )
    ASSESSMENT_RULE_SET = "assessment.rule_set", pgettext_lazy("audit verb", "daily score rule set")
    INSPECTOR_NAMED = "assessment.inspector_named", pgettext_lazy("audit verb", "inspector named")
    INSPECTOR_REMOVED = "assessment.inspector_removed", pgettext_lazy("audit verb", "inspector removed")
    CHECK_DRAFT_SAVED = "check.draft_saved", pgettext_lazy("audit verb", "daily check draft saved")
    CHECK_RECORDED = "check.recorded", pgettext_lazy("audit verb", "daily check recorded")
    CHECK_WITHDRAWN = "check.withdrawn", pgettext_lazy("audit verb", "daily check withdrawn")
    # The comprehensive evaluation (evaluation)
    SCHEME_SAVED = "scheme.saved", pgettext_lazy("audit verb", "scoring scheme saved")
    GRADES_PROPOSED = "grading.proposed", pgettext_lazy("audit verb", "grades proposed")
    GRADE_CHANGED = "grading.grade_changed", pgettext_lazy("audit verb", "grade changed")
    REVIEWER_SCORE_SET = "grading.reviewer_score_set", pgettext_lazy("audit verb", "reviewer's score set")
    GRADING_SUBMITTED = "grading.submitted", pgettext_lazy("audit verb", "group grading submitted")
    GRADING_REOPENED = "grading.reopened", pgettext_lazy("audit verb", "group grading reopened")
    OPINION_SAVED = "opinion.saved", pgettext_lazy("audit verb", "evaluation opinion saved")


# Each verb's coarse kind, stored in AuditEvent.action (what events before the verbs had alone).
_A = AuditAction
KINDS: dict[str, AuditAction] = {
    Verb.ORG_CREATED: _A.CREATE,
    Verb.ORG_CHANGED: _A.UPDATE,
    Verb.ORG_MOVED: _A.UPDATE,
    Verb.ORG_DEACTIVATED: _A.DEACTIVATE,
    Verb.ORG_REACTIVATED: _A.REACTIVATE,
    Verb.PERSON_CREATED: _A.CREATE,
    Verb.PERSON_CHANGED: _A.UPDATE,
    Verb.PERSON_DEACTIVATED: _A.DEACTIVATE,
    Verb.PERSON_REACTIVATED: _A.REACTIVATE,
    Verb.POSITION_CREATED: _A.CREATE,
    Verb.POSITION_ENDED: _A.UPDATE,
    Verb.POSITION_CANCELLED: _A.DEACTIVATE,
    Verb.IMPORT_APPLIED: _A.IMPORT,
    Verb.LOGIN: _A.LOGIN,
    Verb.LOGOUT: _A.LOGOUT,
    Verb.LOGIN_FAILED: _A.LOGIN_FAILED,
    Verb.LOCKED: _A.LOCKED,
    Verb.NETWORK_LOCKED: _A.LOCKED,
    Verb.UNLOCKED: _A.UNLOCKED,
    Verb.PASSWORD_CHANGED: _A.PASSWORD_CHANGE,
    Verb.PASSWORD_RESET: _A.PASSWORD_CHANGE,
    Verb.CYCLE_OPENED: _A.CREATE,
    Verb.CYCLE_CHANGED: _A.UPDATE,
    Verb.CYCLE_STAGE_MOVED: _A.UPDATE,
    Verb.CYCLE_BALLOT_FORM_CHANGED: _A.UPDATE,
    Verb.REVIEW_ADDED: _A.CREATE,
    Verb.REVIEW_STAGE_MOVED: _A.UPDATE,
    Verb.GROUP_STAGE_MOVED: _A.UPDATE,
    Verb.GROUP_GATE_OVERRIDDEN: _A.UPDATE,
    Verb.REVIEW_SECRETARY_CHANGED: _A.UPDATE,
    Verb.PRIOR_PROBLEM_ADDED: _A.CREATE,
    Verb.PRIOR_PROBLEM_IMPORTED: _A.CREATE,
    Verb.PRIOR_PROBLEM_WITHDRAWN: _A.DEACTIVATE,
    Verb.PREPARATION_ITEM_ADDED: _A.CREATE,
    Verb.PREPARATION_ITEM_WITHDRAWN: _A.DEACTIVATE,
    Verb.PREPARATION_DONE: _A.UPDATE,
    Verb.REPORT_SUBMITTED: _A.UPDATE,
    Verb.REPORT_VETTING_PASSED: _A.UPDATE,
    Verb.REPORT_VETTING_RETURNED: _A.UPDATE,
    Verb.QUALITY_RULES_CHANGED: _A.UPDATE,
    Verb.QUALITY_RULES_RESET: _A.UPDATE,
    Verb.MEETING_SCHEDULED: _A.CREATE,
    Verb.MEETING_CHANGED: _A.UPDATE,
    Verb.MEETING_AGENDA_CHANGED: _A.UPDATE,
    Verb.COMMENT_ADDED: _A.CREATE,
    Verb.VOTE_CREATED: _A.CREATE,
    Verb.VOTE_CODES_ISSUED: _A.CREATE,
    Verb.VOTE_OPENED: _A.UPDATE,
    Verb.VOTE_CLOSED: _A.UPDATE,
    Verb.VOTE_PAPER_ENTRY_WITHDRAWN: _A.DEACTIVATE,
    Verb.VOTE_DOUBLE_ENTRY_CHANGED: _A.UPDATE,
    Verb.VOTE_CATEGORIES_CHANGED: _A.UPDATE,
    Verb.VOTE_FORM_CHANGED: _A.UPDATE,
    Verb.VOTE_REHEARSAL_WIPED: _A.DEACTIVATE,
    Verb.ATTACHMENT_ADDED: _A.CREATE,
    Verb.ATTACHMENT_WITHDRAWN: _A.DEACTIVATE,
    Verb.ASSESSMENT_INDICATORS_SET: _A.UPDATE,
    Verb.ASSESSMENT_RULE_SET: _A.UPDATE,
    Verb.INSPECTOR_NAMED: _A.CREATE,
    Verb.INSPECTOR_REMOVED: _A.DEACTIVATE,
    Verb.CHECK_DRAFT_SAVED: _A.UPDATE,
    Verb.CHECK_RECORDED: _A.CREATE,
    Verb.CHECK_WITHDRAWN: _A.DEACTIVATE,
    Verb.SCHEME_SAVED: _A.UPDATE,
    Verb.GRADES_PROPOSED: _A.UPDATE,
    Verb.GRADE_CHANGED: _A.UPDATE,
    Verb.REVIEWER_SCORE_SET: _A.UPDATE,
    Verb.GRADING_SUBMITTED: _A.UPDATE,
    Verb.GRADING_REOPENED: _A.UPDATE,
    Verb.OPINION_SAVED: _A.UPDATE,
}

LABELS: dict[str, object] = dict(Verb.choices)


def is_verb(value: object) -> bool:
    return isinstance(value, str) and value in KINDS and value in LABELS


def kind_of(verb: str) -> AuditAction:
    return KINDS[verb]


def label(verb: str) -> str:
    return str(LABELS.get(verb, verb))
