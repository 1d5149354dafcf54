"""The ballot form editor (the year's form and a vote's own form) and its phone preview."""

import pytest

from shuzhi.audit.models import AuditEvent
from shuzhi.cycles.models import ReviewCycle
from shuzhi.orgs.tree import in_tree_order
from shuzhi.voting import ballotform, services
from shuzhi.voting.forms_design import BallotFormEditor
from shuzhi.voting.models import Survey
from shuzhi.voting.services import BallotInput


def editor_data(options, items=(), *, void=True, share="", top="count", bottom="count", action="save"):
    """The editor's fields as a browser posts them. options: (key, label, value, satisfied);
    items: (key, label, same, own options text)."""
    data = {
        "opt-total": str(len(options)),
        "item-total": str(len(items)),
        "rule-top-share": share,
        "rule-top-action": top,
        "rule-bottom-action": bottom,
        "action": action,
    }
    if void:
        data["rule-void"] = "1"
    for n, (key, label, value, satisfied) in enumerate(options):
        data.update({f"opt-{n}-key": key, f"opt-{n}-label": label, f"opt-{n}-value": value})
        if satisfied:
            data[f"opt-{n}-satisfied"] = "1"
    for n, (key, label, same, own) in enumerate(items):
        data.update({f"item-{n}-key": key, f"item-{n}-label": label, f"item-{n}-options": own})
        if same:
            data[f"item-{n}-same"] = "1"
    return data


FOUR_GRADES = [("", "好", "100", True), ("", "较好", "80", True), ("", "一般", "60", False), ("", "差", "0", False)]


def cycle_page(cycle, tail=""):
    return f"/cycles/{cycle.pk}/ballot-form/{tail}"


def survey_page(survey, tail=""):
    return f"/meetings/{survey.meeting_id}/vote-design/{survey.pk}/{tail}"


# --- The year's form -----------------------------------------------------------------------------


def test_cycle_form_is_for_the_org_dept_only(college, cycle, client_for):
    # Those taking part in the cycle are refused (403); an account outside it does not find it (404).
    for user, refused in (
        (college.committee_member, 403),
        (college.gb_a_secretary, 403),
        (college.branch_a1_secretary, 403),
        (college.outsider, 404),
    ):
        client = client_for(user)
        assert client.get(cycle_page(cycle)).status_code == refused
        assert client.post(cycle_page(cycle), editor_data(FOUR_GRADES)).status_code == refused
        assert client.get(cycle_page(cycle, "preview/")).status_code == refused
    cycle.refresh_from_db()
    assert cycle.ballot_form == {}
    assert client_for(college.org_dept).get(f"/cycles/{cycle.pk + 100}/ballot-form/").status_code == 404


def test_cycle_form_shows_the_default_options_as_rows(college, cycle, client_for):
    html = client_for(college.org_dept).get(cycle_page(cycle)).content.decode()
    for n, option in enumerate(ballotform.default_form()["options"]):
        assert f'name="opt-{n}-label" value="{option["label"]}"' in html
        assert f'name="opt-{n}-key" value="{option["key"]}"' in html
    assert 'id="ballot-preview"' in html and f'src="{cycle_page(cycle, "preview/")}"' in html
    assert "<textarea" not in html.split('id="ballot-form-editor"')[1].split("</form>")[0]  # no raw JSON


def test_cycle_form_saves_options_items_and_rules(college, cycle, client_for):
    data = editor_data(
        FOUR_GRADES,
        [("", "履行第一责任人职责", True, ""), ("", "基层组织建设", False, "强=100；中=60；弱=0")],
        share="80",
        top="flag",
        bottom="flag",
    )
    response = client_for(college.org_dept).post(cycle_page(cycle), data)
    assert response.status_code == 302
    cycle.refresh_from_db()
    form = cycle.ballot_form
    assert [(o["key"], o["label"], o["value"], o["satisfied"]) for o in form["options"]] == [
        ("o1", "好", 100.0, True),
        ("o2", "较好", 80.0, True),
        ("o3", "一般", 60.0, False),
        ("o4", "差", 0.0, False),
    ]
    assert form["items"][0]["key"] == "i1" and form["items"][0]["options"] == form["options"]
    assert form["items"][1]["label"] == "基层组织建设"
    assert [(o["label"], o["value"]) for o in form["items"][1]["options"]] == [("强", 100), ("中", 60), ("弱", 0)]
    assert form["rules"] == {
        "void_if_no_rating": True,
        "max_satisfied_share": 0.8,
        "max_satisfied_action": "flag",
        "all_unsatisfied_action": "flag",
    }
    # Shown again as rows, the own options as typed.
    html = client_for(college.org_dept).get(cycle_page(cycle)).content.decode()
    assert 'value="强=100；中=60；弱=0"' in html and 'name="rule-top-share" value="80"' in html


def test_existing_option_keys_are_kept_and_new_rows_get_position_keys(college, cycle, client_for):
    options = [(o["key"], o["label"], str(o["value"]), o["satisfied"]) for o in ballotform.default_form()["options"]]
    options.append(("", "很不满意", "-0", False))
    response = client_for(college.org_dept).post(cycle_page(cycle), editor_data(options))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert [o["key"] for o in cycle.ballot_form["options"]] == ["satisfied", "basic", "unsatisfied", "o4"]


@pytest.mark.parametrize(
    ("options", "share", "message"),
    [
        ([("", "好", "100", True)], "", "总体评价须有 2 至 7 个评价选项。"),
        ([("", "好", "很多", True), ("", "差", "0", False)], "", "“好”"),
        ([("", "好", "100", True), ("", "好", "0", False)], "", "好"),
        ([("", "好", "100", True), ("", "差", "0", False)], "120", "80"),
    ],
)
def test_cycle_form_validation_message_and_typed_input_kept(college, cycle, client_for, options, share, message):
    before = AuditEvent.objects.count()
    response = client_for(college.org_dept).post(cycle_page(cycle), editor_data(options, share=share))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="form-error"' in html and message in html.split('id="form-error"')[1].split("</div></div>")[0]
    for _key, label, value, _s in options:
        assert f'value="{label}"' in html and f'value="{value}"' in html
    if share:
        assert f'name="rule-top-share" value="{share}"' in html
    cycle.refresh_from_db()
    assert cycle.ballot_form == {} and AuditEvent.objects.count() == before


def test_an_item_with_own_options_must_write_them_as_label_value(college, cycle, client_for):
    data = editor_data(FOUR_GRADES, [("", "党建品牌", False, "好 坏")])
    response = client_for(college.org_dept).post(cycle_page(cycle), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "好 坏" in html and 'id="form-error"' in html
    assert ReviewCycle.objects.get(pk=cycle.pk).ballot_form == {}


def test_rows_are_added_and_removed_up_to_seven_options(college, cycle, client_for):
    client = client_for(college.org_dept)
    seven = [("", f"选项{n}", str(100 - n * 10), n < 3) for n in range(7)]
    html = client.post(cycle_page(cycle), editor_data(seven[:6], action="add-option")).content.decode()
    assert 'name="opt-6-label" value=""' in html and 'id="add-option"' not in html  # seventh row, no more
    html = client.post(cycle_page(cycle), editor_data(seven, action="add-option")).content.decode()
    assert 'name="opt-7-label"' not in html
    html = client.post(cycle_page(cycle), editor_data(seven, action="remove-option-0")).content.decode()
    assert 'name="opt-0-label" value="选项1"' in html and 'value="选项0"' not in html
    html = client.post(
        cycle_page(cycle), editor_data(seven[:2], [("i1", "作风建设", True, "")], action="add-item")
    ).content.decode()
    assert 'name="item-0-label" value="作风建设"' in html and 'name="item-1-label" value=""' in html
    html = client.post(
        cycle_page(cycle), editor_data(seven[:2], [("i1", "作风建设", True, "")], action="remove-item-0")
    ).content.decode()
    assert 'id="no-items"' in html
    assert ReviewCycle.objects.get(pk=cycle.pk).ballot_form == {}  # row buttons never save


def test_new_votes_take_the_cycle_form(college, cycle, meeting, client_for):
    from shuzhi.meetings.models import Meeting

    client_for(college.org_dept).post(cycle_page(cycle), editor_data(FOUR_GRADES))
    survey = services.create_survey(college.org_dept, Meeting.objects.get(pk=meeting.pk))
    assert [o["label"] for o in survey.form["options"]] == ["好", "较好", "一般", "差"]


# --- The preview ---------------------------------------------------------------------------------


def test_preview_renders_the_real_ballot_with_presenters_and_options(college, cycle, meeting, client_for):
    client = client_for(college.org_dept)
    response = client.get(cycle_page(cycle, "preview/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/ballot.css" in html and 'id="ballot"' in html  # the public ballot template itself
    # the first three of the cycle's presenters in the tree order of their organisations (orgs.tree)
    names = [
        r.secretary.name
        for r in in_tree_order(cycle.reviews.select_related("secretary"), lambda review: review.organization_id)[:3]
    ]
    for name in names:
        assert name in html
    for option in ballotform.default_form()["options"]:
        assert f"<span>{option['label']}</span>" in html
    # It can be framed by our own pages only, and its form can post nowhere.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    csp = response["Content-Security-Policy"]
    assert "form-action 'none'" in csp and "frame-ancestors 'self'" in csp


def test_preview_follows_what_is_typed(college, cycle, client_for):
    query = BallotFormEditor.from_data(
        _querydict(editor_data(FOUR_GRADES, [("", "履行第一责任人职责", True, "")]))
    ).query()
    html = client_for(college.org_dept).get(cycle_page(cycle, "preview/") + "?" + query).content.decode()
    assert "<span>较好</span>" in html and "履行第一责任人职责" in html and "<span>满意</span>" not in html
    bad = BallotFormEditor.from_data(_querydict(editor_data([("", "好", "x", True), ("", "差", "0", False)]))).query()
    html = client_for(college.org_dept).get(cycle_page(cycle, "preview/") + "?" + bad).content.decode()
    assert 'id="preview-problem"' in html and "“好”" in html
    assert ReviewCycle.objects.get(pk=cycle.pk).ballot_form == {}


def test_survey_preview_shows_the_meetings_presenters(college, survey, client_for):
    html = client_for(college.org_dept).get(survey_page(survey, "preview/")).content.decode()
    for presenter in survey.presenters:
        assert presenter["name"] in html and presenter["org"] in html
    assert survey.meeting.title in html


def _querydict(data):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for key, value in data.items():
        q[key] = value
    return q


# --- A vote's own form ---------------------------------------------------------------------------


def test_survey_form_is_saved_before_the_first_ballot(college, meeting, client_for):
    survey = services.create_survey(college.org_dept, meeting)
    response = client_for(college.org_dept).post(
        survey_page(survey, "form/"), editor_data(FOUR_GRADES, share="90", top="flag")
    )
    assert response.status_code == 302 and response["Location"].endswith("#form")
    survey.refresh_from_db()
    assert [o["label"] for o in survey.form["options"]] == ["好", "较好", "一般", "差"]
    assert survey.form["rules"]["max_satisfied_share"] == 0.9


def test_survey_form_is_refused_after_the_first_ballot_and_shown_read_only(college, survey, client_for):
    services.cast_ballot(survey.pk, survey.test_codes[0], BallotInput({}, {}, {}))
    stored = Survey.objects.get(pk=survey.pk).form
    client = client_for(college.org_dept)
    before = AuditEvent.objects.count()
    response = client.post(survey_page(survey, "form/"), editor_data(FOUR_GRADES))
    assert response.status_code == 400
    html = response.content.decode()
    assert "已收到测评票，测评票样式不能再修改。" in html
    assert Survey.objects.get(pk=survey.pk).form == stored and AuditEvent.objects.count() == before
    html = client.get(survey_page(survey)).content.decode()
    editor = html.split('id="ballot-form-editor"')[1].split("</form>")[0]
    assert 'id="form-locked"' in editor and '<fieldset class="field" disabled>' in editor
    assert 'id="save-form"' not in editor and 'value="add-option"' not in editor


def test_design_pages_have_no_inline_script_or_style(college, cycle, survey, client_for):
    """CSP allows scripts and styles from our own files only."""
    import re

    client = client_for(college.org_dept)
    services.close_survey(college.org_dept, survey)
    for url in (
        cycle_page(cycle),
        cycle_page(cycle, "preview/"),
        f"/meetings/{survey.meeting_id}/vote-design/",
        survey_page(survey),
        survey_page(survey, "breakdown/"),
        survey_page(survey, "verify/"),
    ):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url  # no inline event handlers
        assert "script-src 'self'" in response["Content-Security-Policy"], url
