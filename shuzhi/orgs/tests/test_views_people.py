"""People and positions pages, and their scoping."""

from shuzhi.audit.models import AuditEvent
from shuzhi.orgs.models import Person, Position


def test_org_dept_adds_a_person_with_an_initial_password(college, client_for):
    response = client_for(college.org_dept).post(
        "/orgs/people/new/",
        {
            "name": "王五",
            "staff_no": "70001",
            "phone": "13800000000",
            "gender": "M",
            "is_party_member": "on",
            "initial_password": "Start-pass-2026",
        },
    )
    person = Person.objects.get(staff_no="70001")
    assert response.status_code == 302
    assert person.user.must_change_password


def test_duplicate_staff_number_keeps_the_form(college, client_for):
    response = client_for(college.org_dept).post(
        "/orgs/people/new/", {"name": "重复的人", "staff_no": "90005", "phone": "", "gender": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "重复的人" in html
    assert Person.objects.filter(staff_no="90005").count() == 1


def test_people_search(college, client_for):
    html = client_for(college.org_dept).get("/orgs/people/", {"q": "支书甲"}).content.decode()
    assert "支书甲一" in html and "支书乙一" not in html


def test_people_search_answers_htmx_with_rows_only(college, client_for):
    response = client_for(college.org_dept).get("/orgs/people/", {"q": "90"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table>" in html and "<html" not in html


def test_general_branch_sees_only_its_people(college, client_for):
    html = client_for(college.gb_a_secretary).get("/orgs/people/").content.decode()
    assert "支书甲一" in html and "支书乙一" not in html and "直属支书" not in html


def test_people_list_query_count_is_constant(college, client_for, django_assert_max_num_queries):
    from shuzhi.orgs import services

    client = client_for(college.org_dept)
    for i in range(40):
        services.create_person(college.org_dept, name=f"人员{i}", staff_no=f"6{i:04d}")
    with django_assert_max_num_queries(12):
        assert client.get("/orgs/people/").status_code == 200


def test_person_of_another_organisation_is_missing(college, client_for):
    client = client_for(college.branch_a1_secretary)
    other = college.branch_b1_secretary.person
    events = AuditEvent.objects.count()
    assert client.get(f"/orgs/people/{other.pk}/").status_code == 404
    assert client.post(f"/orgs/people/{other.pk}/edit/", {"name": "篡改", "staff_no": "1"}).status_code == 404
    assert client.post(f"/orgs/people/{other.pk}/deactivate/").status_code == 404
    assert client.post(f"/orgs/people/{other.pk}/password/", {"new_password": "Hijack-2026-x"}).status_code == 404
    other.refresh_from_db()
    assert other.name == "支书乙一" and other.is_active
    assert AuditEvent.objects.count() == events


def test_appoint_and_end_a_term_through_the_pages(college, client_for):
    client = client_for(college.org_dept)
    response = client.post(
        f"/orgs/{college.branch_a2.pk}/positions/new/",
        {"staff_no": "90002", "role": "secretary", "start_date": "2025-01-01"},
    )
    assert response.status_code == 302
    position = Position.objects.get(organization=college.branch_a2, role="secretary")
    response = client.post(f"/orgs/positions/{position.pk}/end/", {"end_date": "2025-12-31"})
    position.refresh_from_db()
    assert response.status_code == 302 and str(position.end_date) == "2025-12-31"


def test_a_second_secretary_is_refused_with_a_message(college, client_for):
    response = client_for(college.org_dept).post(
        f"/orgs/{college.branch_a1.pk}/positions/new/",
        {"staff_no": "90002", "role": "secretary", "start_date": "2025-01-01"},
    )
    assert response.status_code == 200
    assert Position.objects.filter(organization=college.branch_a1, role="secretary").count() == 1
    assert "90002" in response.content.decode()  # typed input kept


def test_unknown_staff_number_in_appointment(college, client_for):
    response = client_for(college.org_dept).post(
        f"/orgs/{college.branch_a2.pk}/positions/new/",
        {"staff_no": "no-such", "role": "member", "start_date": "2025-01-01"},
    )
    assert response.status_code == 200
    assert not Position.objects.filter(organization=college.branch_a2).exists()


def test_reset_password_page_action(college, client_for):
    target = college.branch_a1_secretary
    client_for(college.org_dept).post(f"/orgs/people/{target.person.pk}/password/", {"new_password": "Temporary-2026"})
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Temporary-2026")
