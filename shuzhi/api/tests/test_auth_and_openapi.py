"""Session authentication, CSRF on unsafe methods, and the OpenAPI document."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from shuzhi.api.tests.helpers import patch, post, row_counts

READ_URLS = ["/api/me", "/api/organizations", "/api/organizations/1", "/api/people", "/api/people/1", "/api/positions"]
WRITE_URLS = [
    "/api/organizations",
    "/api/organizations/1/deactivate",
    "/api/organizations/1/reactivate",
    "/api/people",
    "/api/people/1/deactivate",
    "/api/people/1/reactivate",
    "/api/positions",
    "/api/positions/1/end",
]


@pytest.mark.parametrize("url", READ_URLS)
def test_anonymous_reads_are_refused_with_401_in_chinese(college, client, url):
    response = client.get(url)
    assert response.status_code == 401 and response.json() == {"detail": "请先登录：本接口使用已登录网页的用户会话。"}


@pytest.mark.parametrize("url", WRITE_URLS)
def test_anonymous_writes_are_refused_with_401_and_change_nothing(college, client, url):
    before = row_counts()
    assert post(client, url, {"name": "匿名", "kind": "branch", "parent_id": college.gb_a.pk}).status_code == 401
    assert patch(client, "/api/organizations/1", {"name": "匿名"}).status_code == 401
    assert row_counts() == before


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


NEW_BRANCH = {"name": "丙学院党支部", "kind": "branch"}


def test_post_without_the_csrf_token_is_refused(college):
    client = _csrf_client(college.org_dept)
    before = row_counts()
    response = post(client, "/api/organizations", {**NEW_BRANCH, "parent_id": college.gb_a.pk})
    assert response.status_code == 403 and response.json()["detail"].startswith("CSRF 校验未通过")
    assert post(client, f"/api/people/{college.gb_a_secretary.person.pk}/deactivate").status_code == 403
    assert patch(client, f"/api/organizations/{college.gb_a.pk}", {"name": "篡改"}).status_code == 403
    assert row_counts() == before


def test_post_with_a_wrong_csrf_token_is_refused(college):
    client = _csrf_client(college.org_dept)
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    response = post(
        client,
        "/api/organizations",
        {**NEW_BRANCH, "parent_id": college.gb_a.pk},
        HTTP_X_CSRFTOKEN=get_random_string(32),
    )
    assert response.status_code == 403


def test_post_with_the_csrf_token_is_accepted(college):
    client = _csrf_client(college.org_dept)
    token = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = post(client, "/api/organizations", {**NEW_BRANCH, "parent_id": college.gb_a.pk}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_reads_need_no_csrf_token(college):
    assert _csrf_client(college.committee_member).get("/api/organizations").status_code == 200


def test_the_openapi_document_lists_every_path_for_anyone(college, client, client_for):
    anonymous = client.get("/api/openapi.json")
    assert anonymous.status_code == 200
    document = json.loads(anonymous.content)
    assert document["openapi"].startswith("3.") and document["info"]["title"] == "shuzhi API"
    assert set(document["paths"]) >= {
        "/api/me",
        "/api/organizations",
        "/api/organizations/{org_id}",
        "/api/organizations/{org_id}/deactivate",
        "/api/organizations/{org_id}/reactivate",
        "/api/people",
        "/api/people/{person_id}",
        "/api/people/{person_id}/deactivate",
        "/api/people/{person_id}/reactivate",
        "/api/positions",
        "/api/positions/{position_id}/end",
        "/api/cycles",
        "/api/cycles/{cycle_id}/reviews",
        "/api/reviews/{review_id}/report",
        "/api/meetings",
        "/api/meetings/{meeting_id}/comments",
        "/api/meetings/{meeting_id}/surveys/{survey_id}/results",
    }
    assert set(document["paths"]["/api/organizations/{org_id}"]) == {"get", "patch"}
    assert set(document["paths"]["/api/positions"]) == {"get", "post"}
    assert json.loads(client_for(college.branch_a1_secretary).get("/api/openapi.json").content) == document


def test_the_openapi_document_describes_fields_and_error_shapes(college, client):
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "工号" in schemas["PersonOut"]["properties"]["staff_no"]["description"]
    assert {"field", "message"} <= set(schemas["FieldErrorOut"]["properties"])
    responses = document["paths"]["/api/positions"]["post"]["responses"]
    assert {"201", "401", "403", "404", "422"} <= set(responses)


def test_the_openapi_document_holds_no_data(college, client):
    text = json.dumps(client.get("/api/openapi.json").json(), ensure_ascii=False)
    assert "党总支" in text  # descriptions, in Chinese where it helps
    assert "甲学院党总支" not in text and "90001" not in text and "总支书记甲" not in text


def test_there_is_no_swagger_ui(college, client_for):
    assert client_for(college.org_dept).get("/api/docs").status_code == 404


def test_chinese_is_sent_as_utf_8(college, client_for):
    response = client_for(college.org_dept).get(f"/api/organizations/{college.gb_a.pk}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "甲学院党总支".encode() in response.content
