"""The stages a yearly cycle and each Review move through, and which moves are legal (pure)."""

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
