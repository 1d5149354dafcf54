"""The stages of the yearly review, and which moves are legal (pure).

A review group (models.ReviewGroup) moves through them one step at a time behind the gates of
shuzhi.cycles.gates (shuzhi.cycles.groups.move_group); the cycle's stage is the earliest of its groups'
stages (the school-wide calendar); a Review's stage is not stored but computed from its real state
(shuzhi.cycles.review_stage)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    REPORT = "report", _("Report")
    MEETING = "meeting", _("Review meeting")
    EVALUATION = "evaluation", _("Evaluation")
    DECISION = "decision", _("Decision")
    FEEDBACK = "feedback", _("Feedback")
    RECTIFICATION = "rectification", _("Rectification")
    ARCHIVED = "archived", _("Archived")


ORDER: list[str] = [s.value for s in Stage]


def index(stage: str) -> int:
    return ORDER.index(stage)


def next_stage(stage: str) -> str | None:
    i = index(stage)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def can_move(current: str, target: str) -> bool:
    """Only one step forward at a time; archived is final. No going back: what happened stays on record."""
    return target in ORDER and next_stage(current) == target
