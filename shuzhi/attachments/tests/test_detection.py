"""shuzhi.core.uploads.check_evidence: the type comes from the bytes, and what it cannot vouch for is refused."""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile

import pytest
from django.utils.translation import gettext as _
from hypothesis import given
from hypothesis import strategies as st

from shuzhi.attachments.tests import samples
from shuzhi.core import uploads
from shuzhi.core.uploads import EvidenceLimits, UploadError

LIMITS = EvidenceLimits(max_bytes=2 * 1024 * 1024, max_unpacked_bytes=10_000_000)

REAL = {
    "jpeg": samples.photo_jpeg,
    "png": samples.photo_png,
    "webp": samples.photo_webp,
    "heic": samples.heic,
    "heif": lambda: samples.heic(b"mif1", (b"mif1",)),
    "pdf": samples.pdf,
    "docx": samples.docx,
    "xlsx": samples.xlsx,
}


@functools.cache
def real(name: str) -> bytes:
    """One sample per type for the whole run (the generated .docx and .xlsx carry the time they were made)."""
    return REAL[name]()


def kind_of(data: bytes) -> str:
    return uploads.check_evidence(io.BytesIO(data), LIMITS).kind.name


def refusal(data: bytes, limits: EvidenceLimits = LIMITS) -> str:
    with pytest.raises(UploadError) as error:
        uploads.check_evidence(io.BytesIO(data), limits)
    return error.value.message


@pytest.mark.parametrize("name", list(REAL))
def test_a_real_file_of_each_type_is_accepted_as_that_type_with_its_size_and_checksum(name):
    data = REAL[name]()
    checked = uploads.check_evidence(io.BytesIO(data), LIMITS)
    assert checked.kind.name == name
    assert checked.size == len(data) and checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.kind.content_type.startswith(("image/", "application/"))


def test_the_types_have_their_proper_mime_types():
    assert {
        name: uploads.check_evidence(io.BytesIO(make()), LIMITS).kind.content_type for name, make in REAL.items()
    } == {
        "jpeg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "heic": "image/heic",
        "heif": "image/heif",
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


UNSUPPORTED = uploads.unsupported_message()


@pytest.mark.parametrize(
    "data, message",
    [
        pytest.param(samples.windows_exe(), UNSUPPORTED, id="exe-renamed-pdf"),
        pytest.param(samples.HTML, UNSUPPORTED, id="html-renamed-jpg"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", UNSUPPORTED, id="svg"),
        pytest.param("姓名,工号\n张三,80001\n".encode(), UNSUPPORTED, id="csv"),
        pytest.param(samples.MP4, UNSUPPORTED, id="mp4-video"),
        pytest.param(samples.plain_zip(), UNSUPPORTED, id="plain-zip"),
        pytest.param(samples.pptx_like(), UNSUPPORTED, id="pptx"),
        pytest.param(samples.OLE, uploads.old_office_message(), id="doc-xls-or-encrypted-office"),
    ],
)
def test_other_kinds_of_file_are_refused_whatever_they_are_called(data, message):
    assert refusal(data) == message


def test_the_chinese_message_for_an_unsupported_type(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert refusal(samples.HTML) == "文件类型不支持：只接受图片、PDF、Word（.docx）和 Excel（.xlsx）文件。"


@pytest.mark.parametrize(
    "make",
    [samples.macro_enabled_docx, samples.docx_with_hidden_macros, samples.macro_enabled_xlsx],
    ids=["docm-renamed-docx", "docx-with-vba", "xlsm"],
)
def test_macro_enabled_office_files_are_refused(make):
    assert refusal(make()) == uploads.macro_message()


@pytest.mark.parametrize(
    "data", [samples.encrypted_entries(samples.docx()), samples.pdf(b"/Encrypt 6 0 R ")], ids=["zip-entries", "pdf"]
)
def test_encrypted_files_are_refused(data):
    assert refusal(data) == uploads.encrypted_message()


def test_an_empty_file_is_refused():
    assert refusal(b"") == _("The file is empty.")


def test_a_file_over_the_limit_is_refused_before_its_content_is_looked_at():
    small = EvidenceLimits(max_bytes=1024 * 1024)
    assert "1 MB" in refusal(samples.photo_png() + b"\0" * (1024 * 1024), small)


def test_a_zip_bomb_is_refused_from_the_zip_directory():
    data = samples.zip_bomb()
    assert len(data) < 200_000
    assert refusal(data) == uploads.unpacked_too_large_message()


def _damaged_docx_part() -> bytes:
    raw = bytearray(samples.docx())
    at = raw.find(b"word/document.xml") + len("word/document.xml") + 40  # inside that part's compressed bytes
    raw[at] ^= 0xFF
    return bytes(raw)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(samples.photo_jpeg()[:600], id="jpeg-cut"),
        pytest.param(samples.photo_png()[:-20], id="png-cut"),
        pytest.param(samples.photo_png().replace(b"IDAT", b"IDAt"), id="png-bad-crc"),
        pytest.param(samples.photo_webp()[:400], id="webp-cut"),
        pytest.param(samples.heic()[:-3], id="heic-cut"),
        pytest.param(samples.pdf()[:300], id="pdf-cut"),
        pytest.param(samples.pdf().replace(b"startxref\n", b"startxref\n9"), id="pdf-xref-elsewhere"),
        pytest.param(b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", id="pdf-header-on-html"),
        pytest.param(samples.docx()[:5000], id="docx-cut"),
        pytest.param(_damaged_docx_part(), id="docx-damaged-part"),
        pytest.param(b"GIF89a" + samples.docx(), id="zip-after-other-data"),
        pytest.param(b"\xff\xd8\xff\xe0" + samples.HTML, id="jpeg-magic-then-html"),
    ],
)
def test_damaged_or_doctored_files_are_refused(data):
    assert refusal(data) in (uploads.damaged_message(), UNSUPPORTED)


def test_a_docx_whose_content_types_declare_a_dtd_is_refused_without_expanding_it():
    data = samples.docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        + types.split(b"?>", 1)[1]
    )
    assert refusal(samples.rezip(data, replace={"[Content_Types].xml": bomb})) == uploads.damaged_message()


def test_a_zip_with_two_parts_of_one_name_is_refused():
    data = samples.docx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            target.writestr("word/document.xml", b"<other/>")
    assert refusal(out.getvalue()) == uploads.damaged_message()


def test_the_check_reads_a_file_from_disk_in_place_and_leaves_it_unchanged(tmp_path):
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(samples.pdf())
    with path.open("rb") as file:
        assert uploads.check_evidence(file, LIMITS).kind.name == "pdf"
        assert file.tell() == 0
    assert path.read_bytes() == samples.pdf()


# --- Properties ---------------------------------------------------------------------------------

MAGICS = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\0\0\0\0WEBPVP8 ",
    b"\0\0\0\x18ftypheic",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    uploads.OLE_MAGIC,
]


@given(st.sampled_from(MAGICS), st.binary(max_size=2000))
def test_random_bytes_are_never_accepted_even_behind_a_right_signature(magic, tail):
    with pytest.raises(UploadError):
        uploads.check_evidence(io.BytesIO(magic + tail), LIMITS)


@given(st.sampled_from(sorted(REAL)), st.data())
def test_a_changed_byte_either_gets_the_file_refused_or_leaves_its_type(name, data):
    original = real(name)
    position = data.draw(st.integers(0, len(original) - 1))
    value = data.draw(st.integers(0, 255))
    changed = original[:position] + bytes([value]) + original[position + 1 :]
    try:
        checked = uploads.check_evidence(io.BytesIO(changed), LIMITS)
    except UploadError:
        return
    assert checked.kind.name == name or {checked.kind.name, name} <= {"heic", "heif"}


@given(st.sampled_from(sorted(REAL)), st.data())
def test_a_cut_off_file_is_refused(name, data):
    original = real(name)
    cut = data.draw(st.integers(0, len(original) - 2))  # (a PDF may lose its last newline)
    with pytest.raises(UploadError):
        uploads.check_evidence(io.BytesIO(original[:cut]), LIMITS)
