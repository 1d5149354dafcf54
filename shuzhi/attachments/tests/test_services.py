"""Storing, withdrawing and opening attachments (shuzhi.attachments.services)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from conftest import review_of
from shuzhi.attachments import services
from shuzhi.attachments.models import Attachment
from shuzhi.attachments.tests import samples
from shuzhi.audit.models import AuditEvent
from shuzhi.core.uploads import UploadError
from shuzhi.cycles import services as cycle_services


@pytest.fixture
def item(college, cycle):
    review = review_of(cycle, college.branch_a1)
    return cycle_services.add_preparation_item(
        college.branch_a1_secretary, review, kind="research", content="走访实验室", place="实验楼 302"
    )


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def store(college, item, data=None, name="整改照片.jpg"):
    return services.store_attachment(
        college.branch_a1_secretary,
        upload(data or samples.photo_jpeg(), name),
        organization=college.branch_a1,
        attached_to=item,
    )


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_file_is_stored_under_a_random_name_with_its_checksum_and_decided_type(college, item, attachment_root):
    data = samples.photo_jpeg()
    before = AuditEvent.objects.count()
    attachment = store(college, item, data, name="2026年3月 实验室走访（现场照片）.png")
    assert attachment.content_type == "image/jpeg"  # the bytes, not the name
    assert attachment.original_name == "2026年3月 实验室走访（现场照片）.png"
    assert attachment.size == len(data) and attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.owner == item and attachment.organization == college.branch_a1
    assert attachment.uploaded_by == college.branch_a1_secretary
    assert re.fullmatch(r"attachments/\d{4}/[A-Za-z0-9_-]{32}", attachment.storage_name)
    assert "实验室" not in attachment.storage_name and "png" not in attachment.storage_name.lower()
    [path] = stored_files(attachment_root)
    assert path.read_bytes() == data and path.relative_to(attachment_root).as_posix() == attachment.storage_name
    assert path.stat().st_mode & 0o077 == 0  # the server's user only
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1 and event.action == "create"
    assert event.after["sha256"] == attachment.sha256 and event.organization_id == college.branch_a1.pk


def test_the_same_file_offered_again_for_the_same_record_is_the_same_attachment(college, item, attachment_root):
    first = store(college, item)
    events = AuditEvent.objects.count()
    again = store(college, item, name="另一个名字.jpg")
    assert again.pk == first.pk and Attachment.objects.count() == 1 and len(stored_files(attachment_root)) == 1
    assert AuditEvent.objects.count() == events


def test_the_same_file_for_another_record_is_a_new_attachment_and_is_found_as_the_same_evidence(college, cycle, item):
    other = cycle_services.add_preparation_item(
        college.branch_a1_secretary, item.review, kind="problem", content="台账不全"
    )
    first, second = store(college, item), store(college, other)
    assert first.pk != second.pk and first.sha256 == second.sha256
    assert list(services.same_evidence_elsewhere(first)) == [second]
    assert list(services.same_evidence_elsewhere(store(college, item, samples.photo_png(), "b.png"))) == []


def test_a_withdrawn_file_stays_and_offering_it_again_makes_a_new_attachment(college, item, attachment_root):
    first = store(college, item)
    events = AuditEvent.objects.count()
    withdrawn = services.withdraw_attachment(college.branch_a1_secretary, first, reason="拍错了")
    assert withdrawn.is_withdrawn and withdrawn.withdrawn_by == college.branch_a1_secretary
    assert withdrawn.withdrawn_reason == "拍错了" and AuditEvent.objects.count() == events + 1
    assert services.withdraw_attachment(college.branch_a1_secretary, first).withdrawn_reason == "拍错了"  # no-op
    assert AuditEvent.objects.count() == events + 1
    again = store(college, item)
    assert again.pk != first.pk and len(stored_files(attachment_root)) == 2
    with services.open_attachment(first) as file:
        assert file.read() == samples.photo_jpeg()  # never deleted


def test_a_refused_file_stores_nothing(college, item, attachment_root):
    with pytest.raises(UploadError):
        store(college, item, samples.HTML, name="photo.jpg")
    assert not Attachment.objects.exists() and stored_files(attachment_root) == []


def test_a_file_is_attached_only_in_its_owners_organisation(college, item):
    with pytest.raises(ValueError):
        services.store_attachment(
            college.branch_a1_secretary,
            upload(samples.pdf(), "a.pdf"),
            organization=college.branch_b1,
            attached_to=item,
        )


def test_an_unattached_file_is_idempotent_per_uploader(college):
    one = services.store_attachment(college.org_dept, upload(samples.pdf(), "a.pdf"), organization=college.committee)
    assert (
        services.store_attachment(college.org_dept, upload(samples.pdf(), "b.pdf"), organization=college.committee).pk
        == one.pk
    )
    assert one.owner is None


def test_several_files_are_attached_all_or_none(college, item, attachment_root):
    files = [
        upload(samples.photo_jpeg(), "a.jpg"),
        upload(samples.macro_enabled_docx(), "说明.docx"),
        upload(b"", "空.pdf"),
    ]
    with pytest.raises(services.FilesRefused) as refused:
        services.attach_to_preparation_item(college.branch_a1_secretary, item, files)
    assert [name for name, _why in refused.value.problems] == ["说明.docx", "空.pdf"]
    assert not Attachment.objects.exists() and stored_files(attachment_root) == []
    stored = services.attach_to_preparation_item(
        college.branch_a1_secretary, item, [upload(samples.photo_jpeg(), "a.jpg"), upload(samples.xlsx(), "台账.xlsx")]
    )
    assert [a.content_type for a in stored] == [
        "image/jpeg",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]


def test_files_cannot_be_attached_or_withdrawn_once_the_preparation_is_over(college, cycle, item):
    attachment = store(college, item)
    for stage in ("report", "meeting"):
        cycle_services.advance_cycle(college.org_dept, cycle, stage, override_reason="测试：直接进入评议阶段")
    item.refresh_from_db()
    with pytest.raises(ValidationError):
        services.attach_to_preparation_item(college.branch_a1_secretary, item, [upload(samples.pdf(), "a.pdf")])
    with pytest.raises(ValidationError):
        services.withdraw_attachment(college.branch_a1_secretary, attachment)


def test_a_withdrawn_record_takes_no_more_files(college, item):
    cycle_services.withdraw_preparation_item(college.branch_a1_secretary, item)
    with pytest.raises(ValidationError, match=_("This record was withdrawn; its files can no longer be changed.")):
        services.attach_to_preparation_item(college.branch_a1_secretary, item, [upload(samples.pdf(), "a.pdf")])


@pytest.mark.parametrize(
    "given, shown",
    [
        ("C:\\Users\\张三\\Desktop\\整改报告.docx", "整改报告.docx"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("a\x00b\r\n.pdf", "ab.pdf"),
        ("", "unnamed file"),
        ("长" * 300 + ".xlsx", "长" * 195 + ".xlsx"),
    ],
)
def test_names_are_cleaned_for_showing(given, shown):
    assert services.clean_name(given) == _(shown)


def test_a_download_is_named_with_the_extension_of_what_the_file_is(college, item):
    assert services.download_name(store(college, item, samples.pdf(), "扫描件.exe")) == "扫描件.exe.pdf"
    assert services.download_name(store(college, item, samples.photo_jpeg(), "IMG_0001.JPEG")) == "IMG_0001.JPEG"
    assert services.download_name(store(college, item, samples.heic(), "IMG_0002.HEIC")) == "IMG_0002.HEIC"
