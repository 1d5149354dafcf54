"""The submitted versions and their differences: /reports/review/<id>/versions/, and shuzhi.reports.diff."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import review_of
from shuzhi.cycles.tests.helpers import html
from shuzhi.reports import diff, services
from shuzhi.reports.tests.test_editor_save import form_data

XSS = '<script>alert("x")</script>'


@pytest.fixture
def review(college, cycle):
    return review_of(cycle, college.branch_a1)


def submit_version(client, review, revision, practices, comment="请修改", reviewer=None):
    """Submit `practices` (saving it first), then have the reviewer return it if `reviewer` is given."""
    client.post(
        f"/reports/review/{review.pk}/submit/", form_data(review, revision=revision, ajax=False, practices=practices)
    )
    if reviewer is not None:
        number = services.get_report(review).versions.count()
        services.vet(reviewer, review, version_number=number, outcome="returned", comment=comment)
    return services.get_report(review).revision


@pytest.fixture
def two_versions(college, review, client_for):
    client = client_for(college.branch_a1_secretary)
    revision = submit_version(client, review, 0, "第一段。\n我带头讲党课3次。", reviewer=college.gb_a_secretary)
    submit_version(client, review, revision, "第一段。\n我带头讲党课5次。\n新增的一段" + XSS)
    return review


def test_versions_are_listed_with_their_vettings(college, two_versions, client_for):
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{two_versions.pk}/versions/"))
    rows = page.split('id="version-list"')[1].split("</table>")[0]
    assert rows.count("<tr>") == 3  # header + two versions
    assert "请修改" in rows and "总支书记甲" in rows
    assert f"/reports/review/{two_versions.pk}/report.docx?v=1" in rows


def test_the_last_two_versions_are_compared_by_default(college, two_versions, client_for):
    page = html(client_for(college.branch_a1_secretary).get(f"/reports/review/{two_versions.pk}/versions/"))
    practices = page.split('id="diff-practices"')[1].split("</section>")[0]
    assert '<p class="diff-p diff-equal">第一段。</p>' in practices
    assert "我带头讲党课<del>3</del><ins>5</ins>次。" in practices
    assert '<p class="diff-p diff-insert"><ins>新增的一段' in practices


def test_typed_html_shows_as_text_in_the_diff(college, two_versions, client_for):
    page = html(client_for(college.gb_a_secretary).get(f"/reports/review/{two_versions.pk}/versions/?a=1&b=2"))
    assert XSS not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_comparing_a_version_with_itself_says_identical(college, two_versions, client_for):
    response = client_for(college.gb_a_secretary).get(f"/reports/review/{two_versions.pk}/versions/?a=2&b=2")
    assert response.status_code == 200
    page = html(response).split('id="diff"')[1]
    assert 'class="notice"' in page and "diff-change" not in page and "diff-insert" not in page


@pytest.mark.parametrize("query", ["a=1&b=9", "a=x&b=1", "a=1"])
def test_a_bad_comparison_is_explained(college, two_versions, client_for, query):
    response = client_for(college.gb_a_secretary).get(f"/reports/review/{two_versions.pk}/versions/?{query}")
    assert response.status_code == 400 and 'id="version-list"' in html(response)


def test_no_versions_yet(college, review, client_for):
    response = client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/versions/")
    assert response.status_code == 200 and 'id="version-list"' not in html(response)


# --- shuzhi.reports.diff ---------------------------------------------------------------------------


def rebuild(paragraphs, side):
    keep = {"old": ("equal", "delete"), "new": ("equal", "insert")}[side]
    lines = ["".join(p.text for p in para.pieces if p.kind in keep) for para in paragraphs]
    return [line for line in lines if line]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="我党支部建设。\n的和3A<", max_size=80), st.text(alphabet="我党支部建设。\n的和5B>", max_size=80)
)
def test_diff_rebuilds_both_texts(old, new):
    result = diff.diff_text(old, new)
    assert rebuild(result, "old") == diff.paragraphs_of(old)
    assert rebuild(result, "new") == diff.paragraphs_of(new)


def test_unchanged_paragraphs_are_equal_and_changed_ones_inline():
    result = diff.diff_text("甲。\n乙丙丁。", "甲。\n乙丙戊。")
    assert [p.kind for p in result] == ["equal", "change"]
    assert [(p.kind, p.text) for p in result[1].pieces] == [
        ("equal", "乙丙"),
        ("delete", "丁"),
        ("insert", "戊"),
        ("equal", "。"),
    ]


def test_unrelated_paragraphs_show_as_removed_and_added():
    result = diff.diff_text("组织生活会质量不高。", "下一步每月开展专题研讨！")
    assert [p.kind for p in result] == ["delete", "insert"]


def test_long_paragraphs_are_compared_sentence_by_sentence():
    old = "".join(f"第{i}句话讲党建工作。" for i in range(400))
    new = old.replace("第200句话讲党建工作。", "第200句话讲全面从严治党。")
    (paragraph,) = diff.diff_text(old, new)
    changed = [p for p in paragraph.pieces if p.kind != "equal"]
    assert "".join(p.text for p in changed if p.kind == "insert") == "全面从严治党"
    assert "".join(p.text for p in changed if p.kind == "delete") == "党建工作"


def test_prior_answers_are_matched_by_problem():
    old = {
        "prior_answers": [["问题甲", "已整改"], ["问题乙", "正在整改"]],
        "practices": "",
        "problems": "",
        "next_steps": "",
    }
    new = {
        "prior_answers": [["问题乙", "已整改到位"], ["问题丙", "新答复"]],
        "practices": "",
        "problems": "",
        "next_steps": "",
    }
    prior = diff.diff_versions(old, new)[0]
    assert [(i.heading, i.status) for i in prior.items] == [
        ("问题乙", "both"),
        ("问题丙", "added"),
        ("问题甲", "removed"),
    ]
    assert prior.changed
    assert [s.key for s in diff.diff_versions(old, new)] == ["prior_answers", "practices", "problems", "next_steps"]
