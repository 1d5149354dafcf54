"""Step 3: applying a plan in one transaction, all or nothing; and run_import(), which ties the three
steps together for the view.
"""

from __future__ import annotations

from typing import IO, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from shuzhi.audit.services import record
from shuzhi.audit.verbs import Verb
from shuzhi.orgs import services
from shuzhi.orgs.importing.cells import _one_message
from shuzhi.orgs.importing.existing import load_existing
from shuzhi.orgs.importing.fileformat import COL_END, SHEET_POSITIONS
from shuzhi.orgs.importing.planning import ImportPlan, plan_import
from shuzhi.orgs.importing.reading import ParsedWorkbook, parse_workbook
from shuzhi.orgs.importing.results import ImportFileError, ImportProblem, ImportRejected, ImportResult, ImportSummary
from shuzhi.orgs.importing.writing import _BulkWriter, _ServiceWriter
from shuzhi.orgs.models import PositionRole

# Above this many changes apply() writes creations and simple updates in bulk (see the package docstring).
BULK_THRESHOLD = 300


def apply(
    actor: Any, parsed: ParsedWorkbook, initial_password: str, *, file_name: str = "", ip: str | None = None
) -> ImportSummary:
    """Import the parsed workbook, all or nothing, in one transaction.

    Raises ImportRejected (nothing written) when any row has a problem, including problems caused by
    someone changing the same data at the same moment; ValidationError when initial_password fails the
    password validators. initial_password is set, with must_change_password, on the login accounts this
    import creates (username = 工号); existing accounts are left as they are. Rows that match the
    database are skipped, so a second import of the same file writes nothing, not even an audit event."""
    validate_password(initial_password)
    try:
        with transaction.atomic():
            existing = load_existing(lock=True)
            plan = plan_import(parsed, existing)
            if plan.problems:
                raise ImportRejected(plan.problems)
            summary = ImportSummary(
                file_name=file_name,
                orgs_unchanged=plan.orgs_unchanged,
                people_unchanged=plan.people_unchanged,
                positions_unchanged=plan.positions_unchanged,
            )
            writer = _BulkWriter if _use_bulk(plan) else _ServiceWriter
            # The bulk writer ends terms without the services: the org dept's last account is kept here.
            ends_org_dept_terms = any(c.role == PositionRole.ORG_DEPT_STAFF for c in plan.positions_to_end)
            with services.keeping_the_org_dept(actor, applies=ends_org_dept_terms):
                writer(actor, ip, existing, initial_password, summary).run(plan)
            if summary.changed:
                record(
                    actor,
                    Verb.IMPORT_APPLIED,
                    None,
                    object_repr=file_name,
                    after=summary.counts(),
                    ip=ip,
                    note=_("Excel import of %(file)s") % {"file": file_name},
                )
    except ValidationError as error:
        if getattr(error, "code", None) in services.ORG_DEPT_REFUSALS:
            raise ImportRejected([_org_dept_problem(actor, plan, error)]) from error
        # A service refused what the plan allowed: the data changed meanwhile, or a rule the plan lacks.
        raise ImportRejected(
            [
                ImportProblem(
                    "",
                    None,
                    "",
                    _(
                        "Nothing was saved: a check failed while saving (%(reason)s). If someone else was changing the "
                        "same data, upload the file again."
                    )
                    % {"reason": _one_message(error)},
                )
            ]
        ) from error
    except IntegrityError as error:
        raise ImportRejected(
            [
                ImportProblem(
                    "",
                    None,
                    "",
                    _(
                        "The data changed while the file was being imported, so nothing was saved. Upload the file again."
                    ),
                )
            ]
        ) from error
    return summary


def _org_dept_problem(actor: Any, plan: ImportPlan, error: ValidationError) -> ImportProblem:
    """The refusal of keeping_the_org_dept, at the row ending an org-dept term (the actor's own, for
    the refusal of ending one's own term)."""
    ends = [c for c in plan.positions_to_end if c.role == PositionRole.ORG_DEPT_STAFF]
    own = [c for c in ends if c.staff_no == getattr(actor, "username", None)]
    change = (own if error.code == "org_dept_self" and own else ends or [None])[0]
    if change is None:
        return ImportProblem("", None, "", _one_message(error))
    return ImportProblem(SHEET_POSITIONS, change.row, COL_END, _one_message(error))


def _use_bulk(plan: ImportPlan) -> bool:
    return plan.change_count > BULK_THRESHOLD and connection.features.can_return_rows_from_bulk_insert


# --- For the view -------------------------------------------------------------------------------


def run_import(
    actor: Any, file: IO[bytes], *, file_name: str, initial_password: str, ip: str | None = None
) -> ImportResult:
    """Parse, check and import one uploaded file; never raises for anything wrong with the file."""
    try:
        parsed = parse_workbook(file)
    except ImportFileError as error:
        return ImportResult(file_error=error.message, problems=error.problems)
    try:
        summary = apply(actor, parsed, initial_password, file_name=file_name, ip=ip)
    except ImportRejected as rejected:
        return ImportResult(problems=rejected.problems)
    return ImportResult(summary=summary)
