"""The public ballot (/v/) with bad input: a page in Chinese, never a server error, and a voter who
sent something that cannot be stored gets the ballot back as filled in."""

import re
import string

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shuzhi.voting import codes as codelib
from shuzhi.voting.models import Ballot, BallotCode, CodeStatus
from shuzhi.voting.tests.test_ballot_views import full, url

CONTROL_MESSAGE = (
    "您填写的意见建议中含有无法保存的不可见控制字符，因此本票尚未计入。该字符已删除，您的选择均已保留：请检查文字后"
    "再次点击“提交”。"
)


def code_status(code: str) -> str:
    return BallotCode.objects.get(code_hash=codelib.code_hash(code)).status


@pytest.mark.parametrize("survey_id", [str(10**20), str(2**63), str(-(10**20)), "1e3", "０"])
def test_a_survey_number_that_cannot_exist_is_an_out_of_date_page_not_a_server_error(client, survey, survey_id):
    response = client.post(url(survey.test_codes[0]), {**full(survey), "survey": survey_id})
    assert response.status_code == 404 and "本测评页面已过期" in response.content.decode()
    assert not Ballot.objects.exists() and code_status(survey.test_codes[0]) == CodeStatus.UNUSED


@pytest.mark.parametrize("hostile", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_in_a_suggestion_gives_the_ballot_back_without_it(client, survey, hostile):
    first, second = (str(p["review"]) for p in survey.presenters[:2])
    code = survey.test_codes[0]
    response = client.post(
        url(code),
        full(
            survey,
            "basic",
            **{f"s_{first}": f"多下{hostile}基层", f"s_{second}": "保留这段意见", "overall": "总体意见"},
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400 and CONTROL_MESSAGE in page
    assert page.count('value="basic" checked') == len(survey.presenters)
    assert "多下基层" in page and "保留这段意见" in page and "总体意见" in page and hostile not in page
    assert not Ballot.objects.exists() and code_status(code) == CodeStatus.UNUSED
    again = client.post(url(code), full(survey, "basic", **{f"s_{first}": "多下基层", "overall": "总体意见"}))
    assert again.status_code == 200 and Ballot.objects.get().suggestions == {first: "多下基层"}


def test_nul_in_the_overall_suggestion_gives_the_ballot_back_without_it(client, survey):
    response = client.post(url(survey.test_codes[0]), full(survey, overall="会风\x00很好"))
    page = response.content.decode()
    assert response.status_code == 400 and CONTROL_MESSAGE in page and "会风很好" in page
    assert page.count('value="satisfied" checked') == len(survey.presenters)
    assert not Ballot.objects.exists()


def test_tabs_and_line_breaks_in_a_suggestion_are_kept(client, survey):
    first = str(survey.presenters[0]["review"])
    response = client.post(url(survey.test_codes[0]), full(survey, **{f"s_{first}": "一、学习\r\n二、\t调研"}))
    assert response.status_code == 200 and Ballot.objects.get().suggestions == {first: "一、学习\r\n二、\t调研"}


# --- Anything at all ------------------------------------------------------------------------------

NASTY_CHARS = ["\x00", "\x01", "\x7f", "\ud800", "\u202e", "\ufeff", "%", "'", "<", "\r", "\n", "学"]
NASTY = [*NASTY_CHARS, "0", "-1", str(2**63), str(10**20)]
text = st.one_of(
    st.text(st.one_of(st.characters(), st.sampled_from(NASTY_CHARS)), max_size=20),
    st.sampled_from(NASTY),
    st.sampled_from(["x" * 20001, "satisfied", "basic", "unsatisfied"]),
)


@st.composite
def submissions(draw, survey) -> tuple[str, dict[str, str]]:
    """(code, posted fields): a real code or junk, the real survey or junk, and any mix of fields."""
    code = draw(
        st.one_of(
            st.sampled_from(survey.test_codes), st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=16)
        )
    )
    reviews = [str(p["review"]) for p in survey.presenters]
    names = st.one_of(
        st.sampled_from([f"{prefix}_{r}" for r in reviews for prefix in "rsi"]),
        st.sampled_from(["overall", "survey", "csrfmiddlewaretoken"]),
        text.map(lambda t: "r_" + t),
        text,
    )
    fields = draw(st.dictionaries(names, text, max_size=8))
    if draw(st.booleans()):
        fields.setdefault("survey", str(survey.pk))
    return code, fields


def _form_body(fields: dict[str, str]) -> bytes:
    from urllib.parse import quote

    return "&".join(
        f"{quote(k, errors='surrogatepass')}={quote(v, errors='surrogatepass')}" for k, v in fields.items()
    ).encode()


def test_no_submission_makes_the_ballot_fail_with_a_server_error(survey, settings):
    settings.BALLOT_GUESS_LIMIT = 10**6  # junk codes are guesses; the throttle would soon answer them all
    client = Client()

    @hypothesis_settings(
        max_examples=150,
        suppress_health_check=[
            *hypothesis_settings.default.suppress_health_check,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )
    @given(submission=submissions(survey), method=st.sampled_from(["POST", "POST", "POST", "GET", "ENTER"]))
    def submit_once(submission, method):
        code, fields = submission
        body = _form_body(fields)
        path = {
            "POST": url(code),
            "GET": url(code) + "?" + body.decode(),
            "ENTER": "/v/?" + _form_body({"code": fields.get("overall", code)}).decode(),
        }[method]
        method = "GET" if method == "ENTER" else method
        try:
            with transaction.atomic():  # a savepoint: a failure cannot abort PostgreSQL's transaction
                response = client.generic(
                    method, path, body if method == "POST" else b"", content_type="application/x-www-form-urlencoded"
                )
        except Exception as error:
            raise AssertionError(f"server error for {method} {path} {body[:300]!r}") from error
        assert response.status_code < 500, (method, path, body[:300], response.status_code)
        assert not re.search(rb"Traceback|Server Error", response.content)

    submit_once()
