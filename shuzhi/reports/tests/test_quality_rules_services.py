"""The quality check rules as services: loading (saved rules laid over the shipped defaults), saving
with the "loaded" stamp check, resetting; and what the rules page makes of them."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError

from shuzhi.audit.models import AuditEvent
from shuzhi.cycles.tests.helpers import audit_count, html
from shuzhi.reports import quality, services
from shuzhi.reports.models import QualityRules

URL = "/reports/quality-rules/"


def shipped() -> dict:
    return json.loads(quality.RULES_PATH.read_text(encoding="utf-8"))


def default_rules() -> dict:
    return quality.rules_to_dict(quality.load_default_rules())


def saved_by_an_earlier_release() -> dict:
    """Rules the org dept saved before this release: they lack settings the shipped file now has, carry
    one it no longer has, and hold a tuned value."""
    data = copy.deepcopy(default_rules())
    data["sections"]["practices_min_chars"] = 0  # tuned
    del data["generic_words"]  # a top-level setting added later
    del data["facts"]["action_weight"]  # a nested setting added later
    data["retired_setting"] = 3  # dropped since
    data["sections"]["retired_min_chars"] = 10
    return data


# --- Loading ------------------------------------------------------------------------------------------


def test_merge_over_defaults_fills_missing_keys_drops_unknown_ones_and_keeps_stored_values():
    defaults = {"a": 1, "b": [1, 2], "n": {"x": 1, "y": 2}, "new": "d"}
    stored = {"a": 5, "b": [9], "n": {"x": 7, "gone": 1}, "gone": True}
    assert quality.merge_over_defaults(stored, defaults) == {"a": 5, "b": [9], "n": {"x": 7, "y": 2}, "new": "d"}
    assert quality.merge_over_defaults({}, defaults) == defaults
    # a value of the wrong type is kept, so parse_rules still reports it
    assert quality.merge_over_defaults({"n": "text"}, defaults)["n"] == "text"


def test_saved_rules_lacking_a_shipped_key_are_merged_over_the_defaults(db):
    data = saved_by_an_earlier_release()
    assert "generic_words" in shipped() and "action_weight" in shipped()["facts"]
    with pytest.raises(ValueError):
        quality.parse_rules(data)  # on its own, the saved set no longer parses
    QualityRules.objects.create(data=data)

    rules = services.current_quality_rules()
    defaults = quality.load_default_rules()
    assert rules.sections.practices_min_chars == 0  # the org dept's value is kept
    assert rules.generic_words == defaults.generic_words  # missing: the shipped value
    assert rules.facts.action_weight == defaults.facts.action_weight
    state = services.quality_rules_state()
    assert state.error is None and state.row is not None
    assert "retired_setting" not in state.data and "retired_min_chars" not in state.data["sections"]
    assert state.data["facts"]["action_weight"] == shipped()["facts"]["action_weight"]


def test_without_saved_rules_the_defaults_are_used(db):
    state = services.quality_rules_state()
    assert state.row is None and state.stamp == services.DEFAULT_RULES_STAMP and state.error is None
    assert state.data == default_rules() and services.current_quality_rules() == quality.load_default_rules()


def test_saved_rules_that_no_longer_validate_fall_back_to_the_defaults_and_say_why(college, client_for):
    data = default_rules()
    data["work_report"]["max_personal_share"] = 7
    QualityRules.objects.create(data=data)
    assert services.current_quality_rules() == quality.load_default_rules()
    state = services.quality_rules_state()
    assert "max_personal_share" in state.error and state.data["work_report"]["max_personal_share"] == 7
    page = html(client_for(college.org_dept).get(URL))
    assert 'id="rules-invalid"' in page and "max_personal_share" in page
    assert 'id="rules-invalid"' not in html(client_for(college.committee_member).get(URL))


def test_the_editor_shows_the_merged_rules_and_saves_them_in_full(college, client_for):
    QualityRules.objects.create(data=saved_by_an_earlier_release())
    client = client_for(college.org_dept)
    page = client.get(URL)
    form = page.context["form"]
    shown = json.loads(form.initial["data"])
    assert shown["facts"]["action_weight"] == shipped()["facts"]["action_weight"] and "retired_setting" not in shown
    shown["vague"]["slogan_words"].append("再创新辉煌")
    before = audit_count()
    response = client.post(
        URL, {"data": json.dumps(shown, ensure_ascii=False), "loaded": form.initial["loaded"], "action": "save"}
    )
    assert response.status_code == 302
    stored = QualityRules.objects.get().data
    assert quality.parse_rules(stored).vague.slogan_words[-1] == "再创新辉煌"
    assert stored["sections"]["practices_min_chars"] == 0 and "retired_setting" not in stored
    assert audit_count() == before + 1
    assert set(AuditEvent.objects.first().after) == {"vague"}  # the merged-in keys are not reported as changes


# --- Saving and resetting ----------------------------------------------------------------------------


def test_save_validates_and_names_the_bad_key(college):
    data = default_rules()
    data["team_report"]["min_collective_share"] = 1.5
    with pytest.raises(ValidationError) as caught:
        services.save_quality_rules(college.org_dept, data, loaded=services.DEFAULT_RULES_STAMP)
    assert "team_report.min_collective_share" in caught.value.message_dict["data"][0]
    assert not QualityRules.objects.exists()


def test_save_is_audited_and_saving_the_same_rules_again_changes_nothing(college):
    data = default_rules()
    data["sections"]["problems_min_chars"] = 120
    before = audit_count()
    row = services.save_quality_rules(college.org_dept, data, loaded=services.DEFAULT_RULES_STAMP, ip="10.0.0.9")
    assert row.data["sections"]["problems_min_chars"] == 120 and row.updated_by == college.org_dept
    event = AuditEvent.objects.first()
    assert event.before == {"sections": default_rules()["sections"]} and event.ip == "10.0.0.9"
    # a double click sends the same rules with the stamp of the page it came from: no conflict, no new record
    again = services.save_quality_rules(college.org_dept, data, loaded=services.DEFAULT_RULES_STAMP)
    assert again.pk == row.pk and QualityRules.objects.count() == 1 and audit_count() == before + 1


def test_saving_the_defaults_over_the_defaults_writes_nothing(college):
    before = audit_count()
    assert services.save_quality_rules(college.org_dept, default_rules(), loaded=services.DEFAULT_RULES_STAMP) is None
    assert not QualityRules.objects.exists() and audit_count() == before


def test_a_save_based_on_rules_changed_meanwhile_is_refused(college):
    data = default_rules()
    data["version"] = "theirs"
    row = services.save_quality_rules(college.org_dept, data, loaded=services.DEFAULT_RULES_STAMP)
    mine = default_rules()
    mine["version"] = "mine"
    with pytest.raises(services.RulesConflict):
        services.save_quality_rules(college.org_dept, mine, loaded=services.DEFAULT_RULES_STAMP)
    assert QualityRules.objects.get().data["version"] == "theirs"
    # opened after their change: accepted
    services.save_quality_rules(college.org_dept, mine, loaded=services.quality_rules_state().stamp)
    assert QualityRules.objects.get(pk=row.pk).data["version"] == "mine"


def test_a_save_based_on_rules_reset_meanwhile_is_refused(college):
    data = default_rules()
    data["version"] = "first"
    row = services.save_quality_rules(college.org_dept, data, loaded=services.DEFAULT_RULES_STAMP)
    stamp = services.quality_rules_state().stamp
    services.reset_quality_rules(college.org_dept)
    data["version"] = "second"
    with pytest.raises(services.RulesConflict):
        services.save_quality_rules(college.org_dept, data, loaded=stamp)
    assert not QualityRules.objects.filter(pk=row.pk).exists()


def test_reset_is_audited_once_and_a_second_reset_does_nothing(college):
    QualityRules.objects.create(data=saved_by_an_earlier_release())
    before = audit_count()
    services.reset_quality_rules(college.org_dept, ip="10.0.0.9")
    services.reset_quality_rules(college.org_dept, ip="10.0.0.9")
    assert not QualityRules.objects.exists() and audit_count() == before + 1
    event = AuditEvent.objects.first()
    assert set(event.before) == {"sections"} and event.before["sections"]["practices_min_chars"] == 0


def test_a_double_submitted_save_on_the_page_saves_once(college, client_for):
    data = default_rules()
    data["sections"]["next_steps_min_chars"] = 100
    client = client_for(college.org_dept)
    before = audit_count()
    post = {"data": json.dumps(data, ensure_ascii=False), "loaded": "default", "action": "save"}
    assert client.post(URL, post).status_code == 302
    assert client.post(URL, post).status_code == 302
    assert QualityRules.objects.count() == 1 and audit_count() == before + 1
