"""The verbs of events recorded before events carried one.

The log is append-only, so those events keep an empty verb (and their hash, see chain.py). Their verb
is read, when shown or filtered, from what they do store: the coarse action, the bare model name and
the keys or values they recorded — each service recorded a distinctive combination. The first rule
that matches wins; an old event no rule matches shows its coarse action (create, update, …).

Rules are data so one table serves both the page (event_verb, per event, no query) and the filter
(verb_q, the same rules as a database condition).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext

from shuzhi.audit import verbs
from shuzhi.audit.models import AuditEvent
from shuzhi.audit.verbs import Verb


@dataclass(frozen=True)
class Rule:
    verb: str
    action: str
    object_type: str  # the bare model name old events stored ("" for none)
    after_key: str = ""  # the after values hold this key
    after_status: str = ""  # after["status"] is this
    before_empty: bool | None = None  # nothing (or something) recorded as before
    after_empty: bool | None = None
    note_empty: bool | None = None
    note_is: tuple[str, ...] = ()  # the note is one of these msgids, as translated when recorded

    def matches(self, event: AuditEvent) -> bool:
        after = event.after if isinstance(event.after, dict) else {}
        return (
            event.action == self.action
            and event.object_type == self.object_type
            and (not self.after_key or self.after_key in after)
            and (not self.after_status or after.get("status") == self.after_status)
            and (self.before_empty is None or (event.before is None) == self.before_empty)
            and (self.after_empty is None or (event.after is None) == self.after_empty)
            and (self.note_empty is None or (event.note == "") == self.note_empty)
            and (not self.note_is or event.note in {gettext(n) for n in self.note_is} | set(self.note_is))
        )

    def q(self) -> Q:
        q = Q(action=self.action, object_type=self.object_type)
        if self.after_key:
            q &= Q(after__has_key=self.after_key)
        if self.after_status:
            q &= Q(after__status=self.after_status)
        if self.before_empty is not None:
            q &= Q(before__isnull=self.before_empty)
        if self.after_empty is not None:
            q &= Q(after__isnull=self.after_empty)
        if self.note_empty is not None:
            q &= Q(note="") if self.note_empty else ~Q(note="")
        if self.note_is:
            q &= Q(note__in={gettext(n) for n in self.note_is} | set(self.note_is))
        return q

    def excluded_q(self) -> Q:
        """Events of the same action and type that this rule does not match (null-safe: SQL's NOT of
        a JSON lookup on a missing key or a NULL column would drop the row instead)."""
        no_after = Q(after__isnull=True)
        parts = []
        if self.after_key:
            parts.append(no_after | ~Q(after__has_key=self.after_key))
        if self.after_status:
            parts.append(no_after | ~Q(after__has_key="status") | ~Q(after__status=self.after_status))
        if self.before_empty is not None:
            parts.append(Q(before__isnull=not self.before_empty))
        if self.after_empty is not None:
            parts.append(Q(after__isnull=not self.after_empty))
        if self.note_empty is not None:
            parts.append(~Q(note="") if self.note_empty else Q(note=""))
        if self.note_is:
            parts.append(~Q(note__in={gettext(n) for n in self.note_is} | set(self.note_is)))
        q = Q(pk__in=[])
        for part in parts:
            q |= part
        return q


V = Verb
RULES = [
    Rule(V.ORG_CREATED, "create", "organization"),
    Rule(V.ORG_MOVED, "update", "organization", note_is=("moved",)),
    Rule(V.ORG_CHANGED, "update", "organization"),
    Rule(V.ORG_DEACTIVATED, "deactivate", "organization"),
    Rule(V.ORG_REACTIVATED, "reactivate", "organization"),
    Rule(V.PERSON_CREATED, "create", "person"),
    Rule(V.PERSON_CHANGED, "update", "person"),
    Rule(V.PERSON_DEACTIVATED, "deactivate", "person"),
    Rule(V.PERSON_REACTIVATED, "reactivate", "person"),
    Rule(V.POSITION_CREATED, "create", "position"),
    Rule(V.POSITION_ENDED, "update", "position"),  # the only change of a position: its term ended
    Rule(V.POSITION_CANCELLED, "deactivate", "position"),
    Rule(V.IMPORT_APPLIED, "import", ""),
    Rule(V.LOGIN, "login", "user"),
    Rule(V.LOGOUT, "logout", "user"),
    Rule(V.LOGIN_FAILED, "login_failed", "user"),
    Rule(V.LOGIN_FAILED, "login_failed", ""),
    Rule(V.LOCKED, "locked", "user"),
    Rule(V.NETWORK_LOCKED, "locked", ""),
    Rule(V.UNLOCKED, "unlocked", "user"),
    Rule(V.PASSWORD_CHANGED, "password_change", "user", note_empty=True),
    Rule(V.PASSWORD_RESET, "password_change", "user", note_empty=False),
    Rule(V.CYCLE_OPENED, "create", "reviewcycle"),
    Rule(V.CYCLE_STAGE_MOVED, "update", "reviewcycle", after_key="stage"),
    Rule(V.CYCLE_BALLOT_FORM_CHANGED, "update", "reviewcycle", after_key="ballot_form"),
    Rule(V.CYCLE_CHANGED, "update", "reviewcycle"),
    Rule(V.REVIEW_ADDED, "create", "review"),
    Rule(V.REVIEW_STAGE_MOVED, "update", "review", after_key="stage"),
    Rule(V.REVIEW_SECRETARY_CHANGED, "update", "review", after_key="secretary"),
    Rule(V.PREPARATION_DONE, "update", "review", after_empty=True),
    Rule(V.PRIOR_PROBLEM_ADDED, "create", "priorproblem"),
    Rule(V.PRIOR_PROBLEM_WITHDRAWN, "deactivate", "priorproblem"),
    Rule(V.PREPARATION_ITEM_ADDED, "create", "preparationitem"),
    Rule(V.PREPARATION_ITEM_WITHDRAWN, "deactivate", "preparationitem"),
    Rule(V.REPORT_SUBMITTED, "update", "dutyreport", after_status="submitted"),
    Rule(V.REPORT_VETTING_PASSED, "update", "dutyreport", after_status="accepted"),
    Rule(V.REPORT_VETTING_RETURNED, "update", "dutyreport", after_status="returned"),
    Rule(V.QUALITY_RULES_RESET, "update", "qualityrules", note_is=("quality check rules reset to the defaults",)),
    Rule(V.QUALITY_RULES_CHANGED, "update", "qualityrules"),
    Rule(V.MEETING_SCHEDULED, "create", "meeting"),
    Rule(V.MEETING_AGENDA_CHANGED, "update", "meeting", after_key="agenda"),
    Rule(V.MEETING_CHANGED, "update", "meeting"),
    Rule(V.COMMENT_ADDED, "create", "comment"),
    Rule(V.VOTE_CREATED, "create", "survey", note_empty=True),
    Rule(V.VOTE_CREATED, "create", "survey", note_is=("rehearsal survey",)),
    Rule(V.VOTE_CODES_ISSUED, "create", "survey", note_empty=False),
    Rule(V.VOTE_OPENED, "update", "survey", after_status="open"),
    Rule(V.VOTE_CLOSED, "update", "survey", after_status="closed"),
    Rule(V.VOTE_DOUBLE_ENTRY_CHANGED, "update", "survey", after_key="paper_double_entry"),
    Rule(V.VOTE_CATEGORIES_CHANGED, "update", "survey", after_key="categories"),
    Rule(V.VOTE_FORM_CHANGED, "update", "survey", after_key="form"),
    Rule(V.VOTE_PAPER_ENTRY_WITHDRAWN, "deactivate", "survey", before_empty=True),
    Rule(V.VOTE_REHEARSAL_WIPED, "deactivate", "survey"),
]


def event_verb(event: AuditEvent) -> str:
    """The event's verb: its own, or for an older event the first rule's that matches ("" if none)."""
    if event.verb:
        return event.verb
    return next((rule.verb for rule in RULES if rule.matches(event)), "")


def verb_label(event: AuditEvent) -> str:
    verb = event_verb(event)
    return verbs.label(verb) if verb else str(event.get_action_display())


def verb_q(verb: str) -> Q:
    """Events with this verb: their own, or older events whose first matching rule gives it."""
    q = Q(verb=verb)
    for at, rule in enumerate(RULES):
        if rule.verb != verb:
            continue
        legacy = Q(verb="") & rule.q()
        for earlier in RULES[:at]:
            if (earlier.action, earlier.object_type) == (rule.action, rule.object_type) and earlier.verb != verb:
                legacy &= earlier.excluded_q()
        q |= legacy
    return q
