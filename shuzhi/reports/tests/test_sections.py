"""The report's sections and content areas have one wording (shuzhi.reports.sections), and every place
that names them uses it: the editor, the quality check, the .docx export."""

from conftest import review_of
from shuzhi.reports import docx_export, quality, sections


def test_the_shipped_quality_rules_name_the_seeds_content_areas_in_order():
    assert tuple(area.name for area in quality.load_default_rules().coverage.areas) == sections.AREA_NAMES


def test_the_sections_follow_the_seed_in_order():
    assert sections.KEYS == ("prior_answers", "practices", "problems", "next_steps")
    assert sections.HEADINGS[1] == "二、本年度亲力亲为抓基层党建的主要做法"


def test_the_quality_check_names_a_missing_section_as_the_editor_does():
    text = quality.ReportText(prior_answers=(), practices="", problems="问题", next_steps="措施")
    findings = [f for f in quality.check_report(text, quality.load_default_rules()) if f.rule == "missing_section"]
    assert findings and all(f.items == (sections.TITLES[f.section],) for f in findings)


def test_the_docx_headings_are_the_numbered_titles():
    assert docx_export.SECTIONS == tuple(f"{s.number}、{s.title}" for s in sections.SECTIONS)


def test_the_editor_shows_every_section_and_content_area(college, cycle, client_for):
    review = review_of(cycle, college.branch_a1)
    page = client_for(college.branch_a1_secretary).get(f"/reports/review/{review.pk}/").content.decode()
    for title in sections.TITLES.values():
        assert title in page
    for area in sections.CONTENT_AREAS:
        assert f"<strong>{area.name}</strong>：{area.text}" in page
