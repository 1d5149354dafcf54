"""A branch secretary on a phone attaches a photo to a research visit, downloads it and withdraws it."""

import pytest
from playwright.sync_api import expect

from conftest import PHONE, review_of
from shuzhi.attachments.models import Attachment
from shuzhi.attachments.tests import samples
from shuzhi.cycles import services as cycle_services

pytestmark = pytest.mark.browser


def test_a_secretary_attaches_a_photo_to_a_research_visit_on_a_phone(college, cycle, page_for, tmp_path):
    review = review_of(cycle, college.branch_a1)
    item = cycle_services.add_preparation_item(
        college.branch_a1_secretary, review, kind="research", content="走访实验室安全示范岗", place="实验楼 302"
    )
    page = page_for(college.branch_a1_secretary, PHONE)
    page.goto(f"/cycles/review/{review.pk}/preparation/")
    files = page.locator(f"#files-{item.pk}")
    chooser = files.locator("input[type=file]")
    expect(chooser).to_have_attribute(
        "accept", "image/*,.jpg,.jpeg,.png,.webp,.heic,.heif,application/pdf,.pdf,.docx,.xlsx"
    )

    # A photo from the camera, and a "photo" that is really a web page: nothing is stored, each named.
    chooser.set_input_files(
        [
            {"name": "IMG_20260312_101500.jpg", "mimeType": "image/jpeg", "buffer": samples.photo_jpeg()},
            {"name": "截图.jpg", "mimeType": "image/jpeg", "buffer": samples.HTML},
        ]
    )
    files.locator("button[type=submit]").click()
    expect(page.locator(".form-error")).to_contain_text("截图.jpg：文件类型不支持")
    page.screenshot(path="test-artifacts/attachments-refused-phone.png", full_page=True)
    assert not Attachment.objects.exists()

    page.locator("#id_files").set_input_files(
        [{"name": "IMG_20260312_101500.jpg", "mimeType": "image/jpeg", "buffer": samples.photo_jpeg()}]
    )
    page.click("#upload-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已上传 1 个文件")
    listed = page.locator(f"#files-{item.pk} .file")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("IMG_20260312_101500.jpg")
    expect(listed.locator(".file-size")).to_have_text("1.2\xa0KB")
    page.screenshot(path="test-artifacts/attachments-preparation-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_download() as download_info:
        listed.locator("a.file-name").click()
    download = download_info.value
    assert download.suggested_filename == "IMG_20260312_101500.jpg"
    saved = tmp_path / "downloaded.jpg"
    download.save_as(saved)
    assert saved.read_bytes() == samples.photo_jpeg()

    listed.locator("a.file-withdraw").click()
    page.fill("textarea[name=reason]", "拍错了，重新拍")
    page.screenshot(path="test-artifacts/attachments-withdraw-phone.png", full_page=True)
    page.click("#withdraw-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("文件已撤回")
    expect(page.locator(f"#files-{item.pk} .file")).to_have_count(0)
    attachment = Attachment.objects.get()
    assert attachment.is_withdrawn and attachment.withdrawn_reason == "拍错了，重新拍"
