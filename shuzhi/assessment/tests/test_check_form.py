"""The check form: recording, a draft and its continuation, and bad input — a score out of range, an
executable renamed .jpg, a file over the size limit — each refused with a Chinese message, everything
typed kept, nothing half-written."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuzhi.assessment import services
from shuzhi.assessment.models import Check, CheckStatus
from shuzhi.assessment.tests.test_access import post_check
from shuzhi.attachments.models import Attachment
from shuzhi.attachments.tests import samples
from shuzhi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SEEN = "看了党员活动室，支部书记讲了“三会一课”的开展情况 <b>原样</b>"


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_form_shows_each_indicator_with_its_points_and_guidance_and_the_camera_input(college, cycle, client_for):
    page = client_for(college.org_dept).get(f"/assessment/cycles/{cycle.pk}/new/").content.decode()
    for indicator in services.indicators_of(cycle):
        assert indicator.name in page and indicator.guidance[:10] in page
    assert 'accept="image/*" capture="environment"' in page
    assert ".pdf" in page and ".docx" in page
    assert "到现场看" in page and "听汇报" in page and "不是首选方式" in page


def test_recording_a_check_with_a_photo(college, cycle, client_for):
    photo = SimpleUploadedFile("现场照片.jpg", samples.photo_jpeg(), content_type="image/jpeg")
    response = post_check(client_for(college.org_dept), cycle, college.gb_a, seen=SEEN, files=[photo])
    check = Check.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/checks/{check.pk}/"
    assert check.status == CheckStatus.RECORDED and check.seen == SEEN.strip()
    assert Attachment.objects.get().original_name == "现场照片.jpg"
    page = client_for(college.org_dept).get(response["Location"]).content.decode()
    assert "&lt;b&gt;原样&lt;/b&gt;" in page and "现场照片.jpg" in page


def test_saving_a_draft_then_recording_it(college, cycle, client_for):
    client = client_for(college.org_dept)
    response = post_check(client, cycle, college.gb_a, action="draft", seen="")
    check = Check.objects.get()
    assert check.status == CheckStatus.DRAFT
    assert response["Location"] == f"/assessment/checks/{check.pk}/edit/"
    edit = client.get(response["Location"])
    assert check.form_token in edit.content.decode()
    data = {
        "date": check.date.isoformat(),
        "methods": ["on_site", "people"],
        "seen": "补记：看到了",
        "form_token": check.form_token,
        "action": "record",
    }
    for indicator in services.indicators_of(cycle):
        data[f"score_{indicator.pk}"] = "5"
        data[f"reason_{indicator.pk}"] = "理由"
    assert client.post(response["Location"], data).status_code == 302
    check.refresh_from_db()
    assert check.status == CheckStatus.RECORDED and check.methods == ["on_site", "people"]
    assert client.get(f"/assessment/checks/{check.pk}/edit/")["Location"] == f"/assessment/checks/{check.pk}/"


def test_a_double_submit_is_one_check(college, cycle, client_for):
    client = client_for(college.org_dept)
    post_check(client, cycle, college.gb_a, token="same")
    post_check(client, cycle, college.gb_a, token="same")
    assert Check.objects.count() == 1


def test_a_score_out_of_range_is_refused_in_chinese_and_everything_typed_is_kept(college, cycle, client_for):
    indicator = services.indicators_of(cycle)[0]
    before = AuditEvent.objects.count()
    response = post_check(
        client_for(college.org_dept), cycle, college.gb_a, seen=SEEN, **{f"score_{indicator.pk}": "35"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "“严格落实组织生活制度”的得分须在 0 至 30 分之间。" in page
    assert 'value="35"' in page and SEEN in page and 'value="活动室"' in page
    assert not Check.objects.exists() and AuditEvent.objects.count() == before


def test_a_score_that_is_not_a_number_is_kept_as_typed(college, cycle, client_for):
    indicator = services.indicators_of(cycle)[1]
    response = post_check(client_for(college.org_dept), cycle, college.gb_a, **{f"score_{indicator.pk}": "二十"})
    assert response.status_code == 400
    assert "得分请填写数字，例如 25 或 22.5。" in text(response) and 'value="二十"' in text(response)


def test_an_executable_renamed_jpg_is_refused_and_nothing_is_saved(college, cycle, client_for):
    fake = SimpleUploadedFile("现场.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = post_check(client_for(college.org_dept), cycle, college.gb_a, seen=SEEN, files=[fake])
    assert response.status_code == 400
    page = text(response)
    assert "现场.jpg" in page and "没有保存任何内容" in page and SEEN in page
    assert not Check.objects.exists() and not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_saved(college, cycle, client_for, settings):
    settings.ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile(
        "大照片.jpg", samples.photo_jpeg() + b"\x00" * (1024 * 1024 + 10), content_type="image/jpeg"
    )
    response = post_check(client_for(college.org_dept), cycle, college.gb_a, seen=SEEN, files=[big])
    assert response.status_code == 400
    page = text(response)
    assert "大照片.jpg" in page and "1 MB" in page and SEEN in page
    assert not Check.objects.exists() and not Attachment.objects.exists()


def test_no_organisation_chosen_is_a_message_not_an_error(college, cycle, client_for):
    response = post_check(client_for(college.org_dept), cycle, college.gb_a, organization="", seen=SEEN)
    assert response.status_code == 400 and SEEN in text(response) and "这个字段是必填项。" in text(response)


def test_withdrawing_a_recorded_check(college, cycle, client_for):
    client = client_for(college.org_dept)
    post_check(client, cycle, college.gb_a)
    check = Check.objects.get()
    refused = client.post(f"/assessment/checks/{check.pk}/withdraw/", {"reason": ""})
    assert refused.status_code == 400 and "请说明撤回这条检查的理由。" in text(refused)
    assert client.post(f"/assessment/checks/{check.pk}/withdraw/", {"reason": "重复"}).status_code == 302
    check.refresh_from_db()
    assert check.status == CheckStatus.WITHDRAWN


def test_the_form_s_error_states_are_chinese_for_an_english_browser(college, cycle, client_for, settings):
    from shuzhi.core.tests.test_pages_in_chinese import ENGLISH_BROWSER, english_in

    client = client_for(college.org_dept)
    indicator = services.indicators_of(cycle)[0]
    refused = client.post(
        f"/assessment/cycles/{cycle.pk}/new/",
        {"organization": str(college.gb_a.pk), "form_token": "en", "action": "record", f"score_{indicator.pk}": "x"},
        **ENGLISH_BROWSER,
    )
    fake = SimpleUploadedFile("a.jpg", b"MZ" + b"\x00" * 100)
    bad_file = client.post(
        f"/assessment/cycles/{cycle.pk}/new/",
        {"organization": str(college.gb_a.pk), "form_token": "en2", "action": "draft", "files": [fake]},
        **ENGLISH_BROWSER,
    )
    for response in (refused, bad_file):
        assert response.status_code == 400
        assert english_in(response.content.decode()) == []
