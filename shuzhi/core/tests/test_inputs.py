"""shuzhi.core.inputs: the text and number rules every path applies (pages, API, ballot, import)."""

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shuzhi.core import inputs

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)


@given(any_text)
def test_text_is_refused_exactly_when_it_holds_a_control_character_or_a_surrogate(value):
    found = FORBIDDEN.search(value)
    problem = inputs.text_problem(value)
    assert (problem is None) == (found is None)
    if found:
        assert f"第 {found.start() + 1} 个字符" in problem and f"U+{ord(found.group()):04X}" in problem


@given(any_text)
def test_removing_what_is_refused_leaves_text_that_is_accepted_and_keeps_the_rest(value):
    cleaned = inputs.without_forbidden(value)
    assert inputs.text_problem(cleaned) is None
    assert cleaned == "".join(c for c in value if not FORBIDDEN.match(c))


def test_tab_line_feed_and_carriage_return_are_kept():
    assert inputs.clean_text("一、\t学习\r\n二、调研", strip=False) == "一、\t学习\r\n二、调研"


def test_clean_text_checks_the_length_after_stripping():
    assert inputs.clean_text("  甲  ", max_length=1) == "甲"
    with pytest.raises(ValidationError) as refused:
        inputs.clean_text("甲乙", max_length=1)
    assert refused.value.messages == ["最多 1 个字符，现有 2 个。"]


@given(st.integers(-(10**40), 10**40))
def test_parse_int_accepts_exactly_the_numbers_in_range(number):
    if 0 <= number <= 100:
        assert inputs.parse_int(str(number), minimum=0, maximum=100) == number
    else:
        with pytest.raises(ValidationError):
            inputs.parse_int(str(number), minimum=0, maximum=100)


@pytest.mark.parametrize("text", ["", "1.0", "1e3", "0x10", "١", "１", "+1", "1 2", "true"])
def test_parse_int_refuses_anything_but_ascii_digits(text):
    with pytest.raises(ValidationError):
        inputs.parse_int(text, minimum=0, maximum=10**6)
    assert inputs.parse_id(text) is None


def test_an_id_beyond_the_id_column_is_no_id():
    assert inputs.parse_id(str(inputs.MAX_ID)) == inputs.MAX_ID
    assert inputs.parse_id(str(inputs.MAX_ID + 1)) is None and inputs.parse_id("0") is None


def test_json_text_problem_names_the_path_of_the_first_refused_string():
    assert inputs.json_text_problem({"options": [{"label": "好"}, {"label": "不\x00好"}]})[0] == "options.1.label"
    assert inputs.json_text_problem({"a\x00": 1})[0] == "a\x00"
    assert inputs.json_text_problem({"options": [1, None, True, "好"]}) is None


class NameForm(forms.Form):
    name = inputs.TextField(max_length=10)


def test_a_form_text_field_refuses_a_control_character_with_one_concrete_message():
    form = NameForm({"name": "甲\x00乙"})
    assert not form.is_valid()
    assert form.errors["name"] == [
        "第 2 个字符是不可见的控制字符（U+0000），无法保存。请删除它（这类字符常随从其他程序复制的文字带入）后重试。"
    ]
    assert not NameForm({"name": "甲\x1b"}).is_valid() and NameForm({"name": "甲\t乙"}).is_valid()
