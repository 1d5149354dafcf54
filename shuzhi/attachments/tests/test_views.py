"""The attachment pages: a preparation item's files, the download, withdrawing; who may, and how a
download is served."""

from __future__ import annotations

import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import review_of
from shuzhi.attachments import services
from shuzhi.attachments.models import Attachment
from shuzhi.attachments.tests import samples
from shuzhi.cycles import services as cycle_services


@pytest.fixture
def item(college, cycle):
    review = review_of(cycle, college.branch_a1)
    return cycle_services.add_preparation_item(
        college.branch_a1_secretary, review, kind="research", content="走访实验室", place="实验楼 302"
    )


def files_url(item) -> str:
    return f"/attachments/preparation-items/{item.pk}/"


def upload(data: bytes, name: str, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(college, item, data=None, name="现场照片.jpg") -> Attachment:
    return services.store_attachment(
        college.branch_a1_secretary,
        upload(data or samples.photo_jpeg(), name),
        organization=college.branch_a1,
        attached_to=item,
    )


def page(response) -> str:
    return response.content.decode()


def test_the_secretary_uploads_from_the_preparation_page_and_sees_the_files_listed(college, item, client_for):
    client = client_for(college.branch_a1_secretary)
    prep = page(client.get(f"/cycles/review/{item.review_id}/preparation/"))
    assert f'action="/attachments/preparation-items/{item.pk}/"' in prep and 'accept="image/*' in prep
    assert 'enctype="multipart/form-data"' in prep
    response = client.post(
        files_url(item),
        {"files": [upload(samples.photo_jpeg(), "现场照片.jpg"), upload(samples.pdf(), "签到表.pdf", "text/html")]},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/preparation/#files-{item.pk}")
    assert sorted(Attachment.objects.values_list("original_name", "content_type")) == [
        ("现场照片.jpg", "image/jpeg"),
        ("签到表.pdf", "application/pdf"),
    ]
    prep = page(client.get(f"/cycles/review/{item.review_id}/preparation/"))
    assert "现场照片.jpg" in prep and "签到表.pdf" in prep and "1.2\xa0KB" in prep


def test_a_refused_file_is_named_with_the_reason_in_chinese_and_nothing_is_stored(college, item, client_for):
    client = client_for(college.branch_a1_secretary)
    response = client.post(
        files_url(item),
        {
            "files": [
                upload(samples.photo_jpeg(), "好的.jpg"),
                upload(samples.HTML, "假照片.jpg"),
                upload(samples.macro_enabled_docx(), "宏.docx"),
            ]
        },
    )
    text = page(response)
    assert response.status_code == 200
    assert "假照片.jpg：文件类型不支持：只接受图片、PDF、Word（.docx）和 Excel（.xlsx）文件。" in text
    assert "宏.docx：不接受带宏的文件" in text and "未上传任何文件" in text
    assert not Attachment.objects.exists()


def test_posting_no_file_asks_for_one(college, item, client_for):
    text = page(client_for(college.branch_a1_secretary).post(files_url(item), {}))
    assert "请选择要上传的文件。" in text


def test_an_oversized_file_is_skipped_while_it_arrives_and_named(college, item, client_for, settings):
    settings.ATTACHMENT_MAX_MB = 1
    big = samples.pdf() + b"%" * (1024 * 1024)
    text = page(client_for(college.branch_a1_secretary).post(files_url(item), {"files": [upload(big, "大文件.pdf")]}))
    assert "大文件.pdf：" in text and "1 MB" in text
    assert not Attachment.objects.exists()


def test_more_files_than_allowed_in_one_request_are_refused(college, item, client_for, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    files = [upload(samples.pdf(body_text=f"Page {i}"), f"{i}.pdf") for i in range(3)]
    text = page(client_for(college.branch_a1_secretary).post(files_url(item), {"files": files}))
    assert "一次最多上传 2 个文件。" in text and not Attachment.objects.exists()


def test_the_upload_needs_the_csrf_token(college, item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(college.branch_a1_secretary)
    response = client.post(files_url(item), {"files": [upload(samples.photo_jpeg(), "a.jpg")]})
    assert response.status_code == 403 and not Attachment.objects.exists()


def test_the_download_is_an_attachment_with_the_decided_type_and_the_chinese_name(college, item, client_for):
    attachment = stored(college, item, samples.photo_png(), "整改前 照片.jpg")
    response = client_for(college.branch_a1_secretary).get(f"/attachments/{attachment.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.photo_png()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + urllib.parse.quote("整改前 照片.jpg.png") in disposition
    assert "sandbox" in response["Content-Security-Policy"] and "no-store" in response["Cache-Control"]


def test_a_renamed_file_downloads_under_its_true_extension(college, item, client_for):
    attachment = stored(college, item, samples.pdf(), "evidence.exe")
    response = client_for(college.branch_a1_secretary).get(f"/attachments/{attachment.pk}/download")
    assert response["Content-Disposition"] == 'attachment; filename="evidence.exe.pdf"'
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "role, status",
    [
        ("branch_a1_secretary", 200),
        ("gb_a_secretary", 200),
        ("org_dept", 200),
        ("committee_member", 200),
        ("branch_b1_secretary", 404),
        ("gb_b_secretary", 404),
        ("direct_secretary", 404),
        ("outsider", 404),
    ],
)
def test_who_may_see_a_preparation_items_files(college, item, client_for, role, status):
    attachment = stored(college, item)
    client = client_for(getattr(college, role))
    assert client.get(f"/attachments/{attachment.pk}/download").status_code == status
    assert client.get(files_url(item)).status_code == status


def test_another_organisations_user_changing_the_id_gets_404_everywhere(college, item, client_for):
    attachment = stored(college, item)
    client = client_for(college.branch_b1_secretary)
    for attachment_id in (attachment.pk, attachment.pk + 1, "x"):
        assert client.get(f"/attachments/{attachment_id}/download").status_code == 404
    assert client.get(f"/attachments/{attachment.pk}/withdraw/").status_code == 404
    assert client.post(f"/attachments/{attachment.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.post(files_url(item), {"files": [upload(samples.pdf(), "a.pdf")]}).status_code == 404
    assert Attachment.objects.count() == 1 and not Attachment.objects.filter(withdrawn_at__isnull=False).exists()


def test_anonymous_visitors_are_sent_to_log_in(college, item, client):
    attachment = stored(college, item)
    assert client.get(f"/attachments/{attachment.pk}/download").status_code == 302


def test_readers_who_are_not_the_secretary_cannot_upload_or_withdraw(college, item, client_for):
    attachment = stored(college, item)
    client = client_for(college.gb_a_secretary)
    assert client.post(files_url(item), {"files": [upload(samples.pdf(), "a.pdf")]}).status_code == 403
    assert client.post(f"/attachments/{attachment.pk}/withdraw/", {}).status_code == 403
    assert 'name="files"' not in page(client.get(files_url(item)))


def test_the_secretary_withdraws_a_file_with_a_reason_and_it_is_listed_as_withdrawn(college, item, client_for):
    attachment = stored(college, item)
    client = client_for(college.branch_a1_secretary)
    assert "现场照片.jpg" in page(client.get(f"/attachments/{attachment.pk}/withdraw/"))
    response = client.post(f"/attachments/{attachment.pk}/withdraw/", {"reason": "照片拍错了"})
    assert response.status_code == 302 and response["Location"].endswith(f"#files-{item.pk}")
    attachment.refresh_from_db()
    assert attachment.is_withdrawn and attachment.withdrawn_reason == "照片拍错了"
    prep = page(client.get(f"/cycles/review/{item.review_id}/preparation/"))
    assert f'data-attachment="{attachment.pk}"' not in prep
    files_page = page(client.get(files_url(item)))
    assert 'id="withdrawn-files"' in files_page and "照片拍错了" in files_page
    assert client.post(f"/attachments/{attachment.pk}/withdraw/", {}).status_code == 302  # again: no-op


def test_a_too_long_reason_is_explained_and_kept(college, item, client_for):
    attachment = stored(college, item)
    response = client_for(college.branch_a1_secretary).post(
        f"/attachments/{attachment.pk}/withdraw/", {"reason": "因" * 201}
    )
    assert response.status_code == 200 and "因" * 201 in page(response) and "200" in page(response)
    attachment.refresh_from_db()
    assert not attachment.is_withdrawn


def test_the_preparation_page_reads_the_files_in_constant_queries(college, cycle, item, client_for):
    client = client_for(college.branch_a1_secretary)
    url = f"/cycles/review/{item.review_id}/preparation/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    stored(college, item)
    few = queries()
    for i in range(4):
        other = cycle_services.add_preparation_item(
            college.branch_a1_secretary, item.review, kind="opinion", content=f"意见 {i}"
        )
        stored(college, other, samples.pdf(body_text=f"Opinion {i}"), f"意见{i}.pdf")
        stored(college, other, samples.photo_png(), f"照片{i}.png")
    assert queries() == few


def test_the_upload_handler_drops_a_file_as_soon_as_it_passes_the_limit_and_keeps_the_others(settings, rf):
    from shuzhi.attachments.views import EvidenceUploadHandler
    from shuzhi.core import uploads

    settings.ATTACHMENT_MAX_MB = 1
    settings.ATTACHMENT_MAX_FILES = 2
    request = rf.post(
        "/attachments/",
        {
            "files": [
                upload(b"%PDF-1.4" + b"0" * (2 * 1024 * 1024), "大.pdf"),
                upload(samples.pdf(), "小.pdf"),
                upload(samples.pdf(), "多.pdf"),
            ]
        },
    )
    handler = EvidenceUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    assert [f.name for f in request.FILES.getlist("files")] == ["小.pdf"]
    assert handler.refused == [
        ("大.pdf", uploads.file_too_large_message(services.limits())),
        ("", "一次最多上传 2 个文件。"),
    ]
    assert request.FILES["files"].read() == samples.pdf()
