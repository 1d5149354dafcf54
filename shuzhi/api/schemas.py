"""Request and response shapes of the JSON API, and the functions that fill them from model objects.

Response schemas are built from objects the endpoint has already looked up through
shuzhi.orgs.access; nothing here queries the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from shuzhi.core.inputs import Flag, Id, IdParam, Limit, Offset, SortOrder, Text
from shuzhi.orgs.models import Organization, OrgKind, Person, Position, PositionRole

# --- Requests -----------------------------------------------------------------------------------


class InputSchema(Schema):
    """The base of every request schema: a JSON object, nothing else. (ninja's Schema reads any value
    by its attributes, so a body of "" or [] would pass as an object with every field left out.) The
    fields themselves use the types of shuzhi.core.inputs."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        if not isinstance(values, (Mapping, cls)):
            raise PydanticCustomError("shuzhi_input", "{message}", {"message": _("Must be a JSON object ({…}).")})
        return handler(DjangoGetter(values, cls, info.context))


# --- Errors -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="Why the request was refused (401 not signed in, 403 not allowed, 404 not found).")


class FieldErrorOut(Schema):
    field: str | None = Field(
        description="The request field the message is about, e.g. `name` or `parent_id`; null when it is "
        "about the request as a whole."
    )
    message: str = Field(description="A message for the user, in the request's language (简体中文 by default).")


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut] = Field(description="One entry per problem found.")


# 400: the body is not JSON; 413: the body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE; 422: a value is refused.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 400: ValidationErrorOut, 413: ValidationErrorOut}


# --- Pagination -------------------------------------------------------------------------------

MAX_LIMIT = 200


class PageIn(InputSchema):
    limit: Limit(MAX_LIMIT) = Field(50, description=f"How many items to return (at most {MAX_LIMIT}).")
    offset: Offset = Field(0, description="How many items to skip.")


class PageOut(Schema):
    count: int = Field(description="How many items match, over all pages.")
    limit: int
    offset: int


# --- Organisations ------------------------------------------------------------------------------


class PersonRefOut(Schema):
    person_id: int = Field(description="The person's id (see /api/people/{id}).")
    name: str = Field(description="The person's name.")


class OrganizationOut(Schema):
    id: int
    name: str = Field(description="Unique name, e.g. 机械工程学院党总支.")
    kind: OrgKind = Field(
        description="committee 学校党委, general_branch 党总支, branch 党支部, direct_branch 直属党支部."
    )
    kind_label: str = Field(description="The kind, in the request's language.")
    parent_id: int | None = Field(description="The parent organisation; null only for the Party committee.")
    is_active: bool = Field(description="False once deactivated; deactivated organisations keep their history.")
    sort_order: int = Field(description="Position among its siblings (ascending).")
    secretary: PersonRefOut | None = Field(description="The current 书记, if there is one.")


class PositionOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(description="The person's name.")
    organization_id: int
    organization_name: str = Field(description="The organisation's name.")
    role: PositionRole = Field(
        description="secretary 书记, deputy_secretary 副书记, member 委员, organizer 组织委员, "
        "org_dept_staff 组织统战部工作人员."
    )
    role_label: str = Field(description="The role, in the request's language.")
    start_date: datetime.date = Field(description="First day of the term.")
    end_date: datetime.date | None = Field(description="Last day of the term (inclusive); null while open.")
    is_current: bool = Field(description="Whether the term includes today.")


class OrganizationDetailOut(OrganizationOut):
    children_ids: list[int] = Field(description="Organisations directly under this one that the user may see.")
    positions: list[PositionOut] = Field(description="Current positions in this organisation.")


class OrganizationFilters(InputSchema):
    kind: OrgKind | None = Field(None, description="Only organisations of this kind.")
    parent_id: IdParam | None = Field(None, description="Only organisations directly under this one.")
    active: bool | None = Field(None, description="true: active only; false: deactivated only; omitted: both.")


class OrganizationCreateIn(InputSchema):
    name: Text(100) = Field(description="Unique name, at most 100 characters.")
    kind: OrgKind = Field(description="The kind; it decides which parent it needs.")
    parent_id: Id | None = Field(
        None,
        description="党总支 and 直属党支部 sit under the committee, 党支部 under a 党总支; null for the committee.",
    )
    sort_order: SortOrder = Field(0, description="Position among its siblings.")


class OrganizationPatchIn(InputSchema):
    name: Text(100) | None = Field(None, description="A new name.")
    sort_order: SortOrder | None = Field(None, description="A new position among its siblings.")
    parent_id: Id | None = Field(None, description="Move the organisation under this parent (tree rules apply).")


# --- People -------------------------------------------------------------------------------------


GenderIn = Literal["", "M", "F"]


class PersonOut(Schema):
    id: int
    name: str
    staff_no: str = Field(description="工号 (staff number), unique; also the login name.")
    phone: str
    gender: str = Field(description="M, F or empty.")
    is_party_member: bool
    is_active: bool = Field(description="False once deactivated (left); the account can no longer sign in.")


class PersonPageOut(PageOut):
    items: list[PersonOut]


class PersonDetailOut(PersonOut):
    positions: list[PositionOut] = Field(description="Past and current positions in organisations the user may see.")


class PersonFilters(InputSchema):
    q: Text(50) | None = Field(None, description="Part of the name or the 工号.")
    active: bool | None = Field(None, description="true: active only; false: deactivated only; omitted: both.")


class PersonCreateIn(InputSchema):
    name: Text(50) = Field(description="Name, at most 50 characters.")
    staff_no: Text(32) = Field(description="工号: up to 32 letters, digits or hyphens; unique.")
    phone: Text(20) = Field("", description="Digits, optionally with + and -.")
    gender: GenderIn = Field("", description="M, F or empty.")
    is_party_member: Flag = True
    initial_password: Text(128) | None = Field(
        None,
        description="A temporary password for the new account, changed at first sign-in. Omitted: the "
        "account cannot sign in until the organisation department sets one.",
    )


class PersonPatchIn(InputSchema):
    name: Text(50) | None = None
    staff_no: Text(32) | None = Field(None, description="Changing the 工号 also changes the login name.")
    phone: Text(20) | None = None
    gender: GenderIn | None = None
    is_party_member: Flag | None = None


# --- Positions ----------------------------------------------------------------------------------


class PositionFilters(InputSchema):
    organization_id: IdParam | None = Field(None, description="Only positions in this organisation.")
    person_id: IdParam | None = Field(None, description="Only this person's positions.")
    current: bool | None = Field(None, description="true: terms including today; false: past or future terms.")


class PositionPageOut(PageOut):
    items: list[PositionOut]


class PositionCreateIn(InputSchema):
    person_id: Id
    organization_id: Id
    role: PositionRole
    start_date: datetime.date
    end_date: datetime.date | None = Field(None, description="Last day (inclusive); omitted for an open term.")


class PositionEndIn(InputSchema):
    end_date: datetime.date = Field(description="Last day of the term (inclusive).")


# --- Me -----------------------------------------------------------------------------------------


class MeOut(Schema):
    username: str
    name: str = Field(description="The person's name, or the account name if it belongs to no person.")
    roles: list[str] = Field(description="org_dept, committee, general_branch and/or branch; from current positions.")
    can_manage: bool = Field(description="Whether the user may change the tree, people and positions.")
    visible_organization_count: int = Field(description="How many organisations (active or not) the user may see.")


# --- Filling the schemas ------------------------------------------------------------------------


def position_out(position: Position, today: datetime.date | None = None) -> PositionOut:
    """position must have person and organization loaded (select_related)."""
    return PositionOut(
        id=position.pk,
        person_id=position.person_id,
        person_name=position.person.name,
        organization_id=position.organization_id,
        organization_name=position.organization.name,
        role=position.role,
        role_label=str(position.get_role_display()),
        start_date=position.start_date,
        end_date=position.end_date,
        is_current=position.is_current(today or timezone.localdate()),
    )


def _org_fields(org: Organization, secretary: Position | None) -> dict[str, object]:
    return {
        "id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "kind_label": str(org.get_kind_display()),
        "parent_id": org.parent_id,
        "is_active": org.is_active,
        "sort_order": org.sort_order,
        "secretary": PersonRefOut(person_id=secretary.person_id, name=secretary.person.name) if secretary else None,
    }


def _secretary(positions: Iterable[Position]) -> Position | None:
    return next((p for p in positions if p.role == PositionRole.SECRETARY), None)


def organization_out(org: Organization, current_secretaries: Iterable[Position]) -> OrganizationOut:
    return OrganizationOut(**_org_fields(org, _secretary(current_secretaries)))


def organization_detail_out(
    org: Organization, children_ids: Iterable[int], current_positions: list[Position]
) -> OrganizationDetailOut:
    today = timezone.localdate()
    return OrganizationDetailOut(
        **_org_fields(org, _secretary(current_positions)),
        children_ids=list(children_ids),
        positions=[position_out(p, today) for p in current_positions],
    )


def person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        name=person.name,
        staff_no=person.staff_no,
        phone=person.phone,
        gender=person.gender,
        is_party_member=person.is_party_member,
        is_active=person.is_active,
    )


def person_detail_out(person: Person, positions: Iterable[Position]) -> PersonDetailOut:
    today = timezone.localdate()
    return PersonDetailOut(**person_out(person).model_dump(), positions=[position_out(p, today) for p in positions])
