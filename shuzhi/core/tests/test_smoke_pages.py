import pytest

PAGES = ["/", "/orgs/", "/orgs/people/", "/audit/"]


@pytest.mark.parametrize("path", PAGES)
def test_org_dept_can_open_every_main_page(college, client_for, path):
    response = client_for(college.org_dept).get(path)
    assert response.status_code == 200


def test_pages_are_in_chinese_by_default(college, client_for):
    response = client_for(college.org_dept).get("/orgs/")
    assert "组织" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
