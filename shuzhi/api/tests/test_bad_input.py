"""Bad input to the API is refused in Chinese, naming the field, with the right status — never a 500.

The rules are shuzhi.core.inputs'; these are the cases seen as server errors or English messages
before, on both databases. (test_any_input.py looks for new ones on every endpoint.)"""

import json

import pytest
from django.test import Client

from conftest import review_of
from shuzhi.api.tests.helpers import patch, post, row_counts
from shuzhi.cycles.models import PreparationItem
from shuzhi.meetings.models import Comment
from shuzhi.orgs.models import Organization


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def detail(response, status: int = 422) -> list[dict]:
    assert response.status_code == status, response.content
    return response.json()["detail"]


# --- Text -----------------------------------------------------------------------------------------

NUL_MESSAGE = (
    "第 2 个字符是不可见的控制字符（U+0000），无法保存。请删除它（这类字符常随从其他程序复制的文字带入）后重试。"
)


@pytest.mark.parametrize("hostile", ["甲\x00学院党支部", "甲\ud800学院党支部", "甲\x1b学院党支部"])
def test_a_control_character_or_lone_surrogate_in_a_name_is_refused_naming_the_field(college, client_for, hostile):
    before = row_counts()
    response = post(
        client_for(college.org_dept),
        "/api/organizations",
        {"name": hostile, "kind": "branch", "parent_id": college.gb_a.pk},
    )
    [problem] = detail(response)
    assert problem["field"] == "name" and problem["message"].startswith("第 2 个字符是不可见的控制字符（U+")
    assert row_counts() == before


def test_nul_in_a_person_change_is_refused_and_nothing_changes(college, client_for):
    person = college.branch_a1_secretary.person
    response = patch(client_for(college.org_dept), f"/api/people/{person.pk}", {"phone": "1\x00"})
    assert detail(response) == [{"field": "phone", "message": NUL_MESSAGE}]
    person.refresh_from_db()
    assert person.phone == ""


def test_nul_in_preparation_is_refused(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    response = post(
        client_for(college.branch_a1_secretary),
        f"/api/reviews/{review.pk}/preparation",
        {"kind": "research", "content": "走访\x00实训基地"},
    )
    assert detail(response)[0]["field"] == "content" and not PreparationItem.objects.exists()


def test_nul_in_a_report_section_or_an_answer_is_refused(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    client = client_for(college.branch_a1_secretary)
    section = put(client, f"/api/reviews/{review.pk}/report", {"base_revision": 0, "practices": "甲\x00"})
    assert detail(section) == [{"field": "practices", "message": NUL_MESSAGE}]
    answer = put(client, f"/api/reviews/{review.pk}/report", {"base_revision": 0, "prior_answers": {"1": "甲\x00"}})
    assert detail(answer)[0]["field"] == "prior_answers.1"
    assert client.get(f"/api/reviews/{review.pk}/report").json()["revision"] == 0


def test_nul_in_a_comment_is_refused(college, cycle, meeting, client_for):
    response = post(
        client_for(college.committee_member),
        f"/api/meetings/{meeting.pk}/comments",
        {"review_id": review_of(cycle, college.gb_a).pk, "problems": "基层\x00调研不够"},
    )
    assert detail(response)[0]["field"] == "problems" and not Comment.objects.exists()


def test_nul_anywhere_in_a_ballot_form_is_refused(college, meeting, client_for):
    client = client_for(college.org_dept)
    survey = post(client, f"/api/meetings/{meeting.pk}/surveys").json()
    form = client.get(f"/api/meetings/{meeting.pk}/surveys/{survey['id']}/form").json()
    form["options"][0]["label"] = "满\x00意"
    response = put(client, f"/api/meetings/{meeting.pk}/surveys/{survey['id']}/form", form)
    [problem] = detail(response)
    assert problem["field"] is None and problem["message"].startswith("options.0.label：第 2 个字符")


def test_tab_and_newlines_are_kept(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    client = client_for(college.branch_a1_secretary)
    saved = put(client, f"/api/reviews/{review.pk}/report", {"base_revision": 0, "practices": "一、\t学习\r\n二、调研"})
    assert saved.status_code == 200 and "\t学习" in saved.json()["practices"]


def test_too_long_text_is_refused_with_the_limit_and_the_length(college, client_for):
    response = post(
        client_for(college.org_dept),
        "/api/organizations",
        {"name": "学" * 101, "kind": "branch", "parent_id": college.gb_a.pk},
    )
    assert detail(response) == [{"field": "name", "message": "最多 100 个字符，现有 101 个。"}]


# --- Numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort_order", [10**20, 2**31, 2**63, 100_001])
def test_a_sort_order_beyond_the_limit_of_every_path_is_refused(college, client_for, sort_order):
    response = patch(client_for(college.org_dept), f"/api/organizations/{college.gb_a.pk}", {"sort_order": sort_order})
    assert detail(response) == [{"field": "sort_order", "message": "不能大于 100000。"}]
    assert Organization.objects.get(pk=college.gb_a.pk).sort_order == 0


def test_the_largest_sort_order_of_the_pages_is_accepted(college, client_for):
    response = patch(client_for(college.org_dept), f"/api/organizations/{college.gb_a.pk}", {"sort_order": 100_000})
    assert response.status_code == 200 and response.json()["sort_order"] == 100_000


@pytest.mark.parametrize("offset", ["99999999999999999999", str(2**63), "1000001"])
def test_a_huge_offset_is_refused(college, client_for, offset):
    response = client_for(college.org_dept).get("/api/positions", {"offset": offset})
    assert detail(response) == [{"field": "offset", "message": "不能大于 1000000。"}]


@pytest.mark.parametrize(
    "path", ["/api/organizations/99999999999999999999", f"/api/people/{2**63}", "/api/reviews/-1", "/api/meetings/abc"]
)
def test_an_id_that_cannot_exist_in_a_path_is_refused_not_a_server_error(college, client_for, path):
    assert detail(client_for(college.org_dept).get(path))[0]["field"] is not None


# --- Types -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("person_id", [True, "1", 1.0, None])
def test_an_id_must_be_a_json_number(college, client_for, person_id):
    before = row_counts()
    response = post(
        client_for(college.org_dept),
        "/api/positions",
        {"person_id": person_id, "organization_id": college.branch_a2.pk, "role": "member", "start_date": "2026-01-01"},
    )
    [problem] = detail(response)
    assert problem["field"] == "person_id" and "整数" in problem["message"]
    assert row_counts() == before


def test_a_boolean_must_be_a_json_boolean(college, client_for):
    person = college.branch_a1_secretary.person
    response = patch(client_for(college.org_dept), f"/api/people/{person.pk}", {"is_party_member": "no"})
    assert detail(response) == [
        {"field": "is_party_member", "message": "须为 true 或 false（JSON 布尔值，不能是文字或数字）。"}
    ]


@pytest.mark.parametrize("body", ['""', "[]", "null", "7"])
def test_a_body_that_is_not_an_object_is_refused(college, client_for, body):
    response = client_for(college.org_dept).patch(
        f"/api/organizations/{college.gb_a.pk}", body, content_type="application/json"
    )
    assert detail(response) == [{"field": None, "message": "须为 JSON 对象（{…}）。"}]


def test_pydantic_messages_come_in_chinese(college, client_for):
    response = post(client_for(college.org_dept), "/api/organizations", {"kind": "town", "sort_order": "abc"})
    assert detail(response) == [
        {"field": "name", "message": "缺少此项，请填写。"},
        {"field": "kind", "message": "须为以下之一：committee、general_branch、branch、direct_branch。"},
        {"field": "sort_order", "message": "须为 JSON 数字形式的整数，例如 12（不能是文字，也不能是 true 或 false）。"},
    ]


def test_a_weight_must_be_a_finite_number(college, meeting, client_for):
    client = client_for(college.org_dept)
    survey = post(client, f"/api/meetings/{meeting.pk}/surveys").json()
    response = client.put(
        f"/api/meetings/{meeting.pk}/surveys/{survey['id']}/categories",
        '[{"name": "委员", "weight": NaN}]',
        content_type="application/json",
    )
    assert detail(response) == [{"field": "0.weight", "message": "请填写数字，例如 12.5。"}]


# --- The request as a whole ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe{}", b"1" * 5000])
def test_a_body_that_is_not_json_answers_400_in_chinese(college, client_for, body):
    response = client_for(college.org_dept).generic("POST", "/api/organizations", body, content_type="application/json")
    assert detail(response, 400) == [
        {"field": None, "message": ("请求内容不是有效的 JSON。请以 Content-Type: application/json 发送 JSON 对象。")}
    ]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--x\r\nContent-Disposition: x\r\n\r\n", "multipart/form-data; boundary=x"),
        ("&".join(f"f{i}=1" for i in range(3000)).encode(), "application/x-www-form-urlencoded"),
    ],
)
def test_a_form_body_answers_400_not_a_server_error(college, body, content_type):
    # Through the real CSRF check, which reads a form body before the API can.
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.org_dept)
    client.cookies["csrftoken"] = "k" * 32
    response = client.generic("POST", "/api/organizations", body, content_type=content_type, HTTP_X_CSRFTOKEN="k" * 32)
    assert detail(response, 400)[0]["field"] is None


def test_a_body_over_the_upload_limit_answers_413_in_chinese(college, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    before = row_counts()
    body = json.dumps(
        {"name": "丙学院党支部", "kind": "branch", "parent_id": college.gb_a.pk, "padding": "x" * (1024 * 1024)}
    )
    response = client_for(college.org_dept).post("/api/organizations", body, content_type="application/json")
    assert detail(response, 413) == [
        {"field": None, "message": ("请求内容超过 1 MB，远超通过接口进行任何修改所需，请分批提交。")}
    ]
    assert row_counts() == before


def test_a_method_an_endpoint_does_not_take_answers_405_in_chinese_json(college, client_for):
    response = client_for(college.org_dept).delete("/api/organizations")
    assert response.status_code == 405 and response["Allow"]
    assert response.json()["detail"].startswith("此接口地址不接受 DELETE 请求，可用的请求方法：")


def test_an_address_under_api_that_does_not_exist_answers_404_in_chinese_json(college, client_for):
    response = client_for(college.org_dept).get("/api/nothing-here")
    assert response.status_code == 404 and response.json() == {"detail": "未找到，或您无权查看。"}
