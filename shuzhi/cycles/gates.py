"""The gates of a review group's stages: what must be done before the group moves on (pure).

`unmet(target, facts)` lists, in Chinese, what the group still lacks for `target`; an empty list means
the gate is open. The facts are counts over the group's Reviews (groups.group_facts reads them in two
queries). A group moves past an unmet gate only by the org dept's override with a recorded reason
(groups.move_group).

On-site (现场述职) means a Review presented on the spot: on its agenda item in the on-site mode, or,
not yet on an agenda, any report mode but the written one; written (书面述职) is the rest.

The gates (each target lists every condition below it; the stages between 综合评价 and 归档 carry the
meeting's conditions until their own issues tighten them):
  → 撰写报告 REPORT        every secretary has marked preparation done;
  → 述职评议 MEETING       every on-site report accepted; every written report submitted (or accepted);
  → 综合评价 EVALUATION    no real vote of the group's meetings still open; every on-site Review on a
                           meeting's agenda, and presented and voted on (its meeting's vote closed);
                           every report accepted;
  → 研究决定 DECISION      as EVALUATION, and every Review graded and the group's grading submitted
                           (shuzhi.evaluation: submitting checks the quotas, so a submitted grading
                           keeps them);
  → 反馈通报 FEEDBACK      as DECISION (the decision issue adds: the decision recorded);
  → 整改落实 RECTIFICATION as DECISION (the feedback issue adds: every secretary's feedback delivered);
  → 归档 ARCHIVED          as DECISION, with the reports split by what is missing: none awaiting review
                           (submitted), none returned, none in draft or not started (later issues add
                           the rectification plans and the 党总支's filing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shuzhi.cycles.stages import Stage

# Where an unmet condition's link goes: the cycle's progress board with these filters (the group's
# reviewer added), the meetings list, or the group's grading page.
BOARD, MEETINGS, GRADING = "board", "meetings", "grading"


@dataclass(frozen=True)
class GroupFacts:
    """Counts over one group's Reviews (and its meetings' votes)."""

    reviews: int = 0
    preparation_not_done: int = 0
    not_started: int = 0  # no report yet
    draft: int = 0
    returned: int = 0
    submitted: int = 0  # awaiting review
    on_site_not_accepted: int = 0
    written_not_submitted: int = 0  # no report, draft or returned
    on_site_not_on_agenda: int = 0
    on_site_not_voted: int = 0  # on an agenda whose meeting's real vote is not closed
    open_votes: int = 0
    ungraded: int = 0  # Reviews without a grade (shuzhi.evaluation.ReviewGrade)
    grading_not_submitted: bool = False  # the group has Reviews and its grading is not submitted

    @property
    def not_accepted(self) -> int:
        return self.not_started + self.draft + self.returned + self.submitted


@dataclass(frozen=True)
class Unmet:
    """One unmet condition: its code, the Chinese line, how many it concerns, and where to look."""

    code: str
    text: str
    count: int
    link: str = BOARD
    filters: dict = field(default_factory=dict)


def _when(count: int, code: str, text: str, link: str = BOARD, **filters: str) -> list[Unmet]:
    """The condition `code` as unmet when `count` is not 0 (`text` has %(n)d for the count), else none."""
    return [Unmet(code, text % {"n": count}, count, link, filters)] if count else []


def _preparation(f: GroupFacts) -> list[Unmet]:
    return _when(
        f.preparation_not_done,
        "preparation",
        _("%(n)d secretaries have not marked their preparation done."),
        prepared="no",
    )


def _reports_for_meeting(f: GroupFacts) -> list[Unmet]:
    return _when(
        f.on_site_not_accepted, "on_site_not_accepted", _("%(n)d on-site reports have not been accepted.")
    ) + _when(f.written_not_submitted, "written_not_submitted", _("%(n)d written reports have not been submitted."))


def _meeting_done(f: GroupFacts) -> list[Unmet]:
    return (
        _when(f.open_votes, "open_votes", _("%(n)d votes of this group's review meetings are still open."), MEETINGS)
        + _when(
            f.on_site_not_on_agenda,
            "not_on_agenda",
            _("%(n)d on-site presenters are on no review meeting's agenda."),
            MEETINGS,
        )
        + _when(
            f.on_site_not_voted,
            "not_voted",
            _("%(n)d on-site presenters have not been presented and voted on (their meeting's vote is not closed)."),
            MEETINGS,
        )
    )


def _all_accepted(f: GroupFacts) -> list[Unmet]:
    return _when(f.not_accepted, "not_accepted", _("%(n)d reports have not been accepted."))


def _reports_closed(f: GroupFacts) -> list[Unmet]:
    unwritten = f.draft + f.not_started
    return (
        _when(f.submitted, "awaiting_review", _("%(n)d reports are awaiting review."), status="submitted")
        + _when(f.returned, "returned", _("%(n)d returned reports have not been submitted again."), status="returned")
        + _when(
            unwritten,
            "unwritten",
            _("%(n)d reports have not been submitted (not started or in draft)."),
            status="not_started" if f.not_started else "draft",
        )
    )


def _after_meeting(f: GroupFacts) -> list[Unmet]:
    return _meeting_done(f) + _all_accepted(f)


def _graded(f: GroupFacts) -> list[Unmet]:
    return _when(f.ungraded, "ungraded", _("%(n)d Reviews have no grade yet."), GRADING) + _when(
        int(f.grading_not_submitted), "grading_not_submitted", _("The group's grades have not been submitted."), GRADING
    )


def _after_grading(f: GroupFacts) -> list[Unmet]:
    return _after_meeting(f) + _graded(f)


GATES = {
    Stage.PREPARATION: lambda f: [],
    Stage.REPORT: _preparation,
    Stage.MEETING: _reports_for_meeting,
    Stage.EVALUATION: _after_meeting,
    Stage.DECISION: _after_grading,
    Stage.FEEDBACK: _after_grading,
    Stage.RECTIFICATION: _after_grading,
    Stage.ARCHIVED: lambda f: _meeting_done(f) + _reports_closed(f) + _graded(f),
}


def unmet(target: str, facts: GroupFacts) -> list[Unmet]:
    """What the group still lacks to enter `target` (empty: the gate is open). Pure."""
    return GATES[Stage(target)](facts)
