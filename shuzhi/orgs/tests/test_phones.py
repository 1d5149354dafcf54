"""A person's phone number: one rule (orgs.phones.clean_phone) on every path in — the person form, the
API and the Excel import — mainland mobile numbers of 11 digits and landlines with their area code."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from shuzhi.orgs import importing
from shuzhi.orgs.models import Person
from shuzhi.orgs.phones import MAX_LENGTH, clean_phone
from shuzhi.orgs.tests.test_import import GOOD_ORGS, GOOD_POSITIONS, PASSWORD, make_xlsx, problems_of


def no_area_code(phone: str) -> str:
    return _("%(phone)s has no area code: write a landline with its area code, e.g. 0394-8888888.") % {"phone": phone}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # full-width digits, as a Chinese input method types them
        ("19912345678", "19912345678"),
        ("0394-8888888", "0394-8888888"),
        ("03948888888", "0394-8888888"),
        ("(0394)8888888", "0394-8888888"),
        ("（0394）88888888", "0394-88888888"),
        ("010-62345678", "010-62345678"),
        ("02168888888", "021-68888888"),
        ("+86 394 8888888", "0394-8888888"),
        ("0394-8888888转801", "0394-8888888-801"),
        ("0394-8888888-801", "0394-8888888-801"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mobile_numbers_and_landlines_with_area_code_are_stored_in_one_form(typed, stored):
    assert clean_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("8888888", "no area code"),  # the 7-digit number the import used to accept
        ("88888888", "no area code"),
        ("888-8888", "no area code"),
        ("1391234567", "10 digits"),
        ("139123456789", "12 digits"),
        ("12345678901", "not a phone number"),  # 12…: no mainland mobile number starts so
        ("+1 212 555 1234", "not a mainland China number"),
        ("0394-888888", "not a phone number"),  # a local number of 6 digits
        ("0123-8888888", "not a phone number"),  # no area code 012x
        ("0394-0888888", "not a phone number"),
        ("abc", "not a phone number"),
        ("13912345678转1", "not a phone number"),  # a mobile has no extension
        ("1" * (MAX_LENGTH + 1), "at most"),
    ],
)
def test_other_numbers_are_refused_with_what_is_wrong(typed, says):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        clean_phone(typed)
    assert says in refused.value.messages[0]


def test_the_form_refuses_a_number_without_its_area_code(college, client_for):
    response = client_for(college.org_dept).post(
        "/orgs/people/new/",
        {"name": "王五", "staff_no": "70001", "phone": "8888888", "gender": "M", "is_party_member": "on"},
    )
    assert no_area_code("8888888") in response.content.decode()
    assert not Person.objects.filter(staff_no="70001").exists()


def test_the_form_stores_a_mobile_number_typed_with_spaces_in_one_form(college, client_for):
    client_for(college.org_dept).post(
        "/orgs/people/new/",
        {"name": "王五", "staff_no": "70001", "phone": "139 1234 5678", "gender": "M", "is_party_member": "on"},
    )
    assert Person.objects.get(staff_no="70001").phone == "13912345678"


def test_the_api_refuses_a_number_without_its_area_code_with_the_same_message(college, client_for):
    response = client_for(college.org_dept).post(
        "/api/people", {"name": "王五", "staff_no": "70001", "phone": "8888888"}, content_type="application/json"
    )
    assert response.status_code == 422
    [entry] = [e for e in response.json()["detail"] if e["field"] == "phone"]
    assert no_area_code("8888888") in entry["message"]
    assert not Person.objects.filter(staff_no="70001").exists()


def test_the_import_refuses_a_seven_digit_number_and_names_the_row_and_column(college):
    people = [
        ("张三", "80001", "8888888", "男", "是"),
        ("李四", "80002", "0394-8888888", "女", "是"),
        ("王五", "80003", None, None, "否"),
    ]
    problems = problems_of("test", make_xlsx(GOOD_ORGS, people, GOOD_POSITIONS))
    assert [(p.sheet, p.row, p.column, p.message) for p in problems] == [
        (importing.SHEET_PEOPLE, 2, importing.COL_PHONE, no_area_code("8888888"))
    ]


def test_the_import_stores_numbers_in_the_same_form_as_the_pages(college):
    people = [
        ("张三", "80001", "139-0000-0001", "男", "是"),
        ("李四", "80002", "03948888888", "女", "是"),
        ("王五", "80003", 13900000003, None, "否"),
    ]  # a number cell, not text
    importing.apply("test", importing.parse_workbook(make_xlsx(GOOD_ORGS, people, GOOD_POSITIONS)), PASSWORD)
    assert dict(Person.objects.filter(staff_no__startswith="8000").values_list("staff_no", "phone")) == {
        "80001": "13900000001",
        "80002": "0394-8888888",
        "80003": "13900000003",
    }
