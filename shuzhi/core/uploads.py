"""The one upload layer: every uploaded file is read here, so each path refuses the same bad files with
the same words (UploadError and its message). Two readers: the .xlsx reader for every import
(organisations and people, last year's problems), and the evidence-file reader for attachments
(check_evidence, below). They share the size and zip checks.

``open_xlsx(file, limits)`` reads at most ``limits.max_bytes + 1`` bytes and refuses, by raising
XlsxUploadError with a message for the user:
  * an empty file, or one larger than max_bytes;
  * an old .xls or a password-protected workbook (an OLE compound file), with advice to save as .xlsx;
  * anything that is not a zip (a CSV or text renamed to .xlsx);
  * a zip whose parts would unpack to more than max_unpacked_bytes (a "zip bomb"), judged from the zip's
    directory before anything is unpacked;
  * a zip that openpyxl cannot open as a workbook.
It returns the workbook opened read-only with values, not formulas (data_only).

``sheet_rows(sheet, limits, budget)`` then yields the sheet's rows (values only, the first
max_columns columns, the stored sheet size ignored) and raises XlsxUploadError when the rows read,
empty ones included, pass max_scanned_rows: a file padded with a million empty rows is refused long
before it has been read. The budget may be shared by several sheets of one file.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and encrypted workbooks


class UploadError(Exception):
    """An upload is refused; message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class XlsxUploadError(UploadError):
    """The upload cannot be read as a workbook; message says why, in the user's language."""


@dataclass(frozen=True)
class XlsxLimits:
    """What one import accepts. max_data_rows is only named in messages; the importer counts data rows."""

    max_bytes: int
    max_data_rows: int
    max_scanned_rows: int
    max_columns: int = 30
    max_unpacked_bytes: int = 200 * 1024 * 1024


@dataclass
class RowBudget:
    """Rows read so far, across the sheets of one file."""

    scanned_rows: int = 0


def file_too_large_message(limits: XlsxLimits | EvidenceLimits) -> str:
    return _("The file is larger than %(mb)d MB, the most that can be uploaded.") % {
        "mb": limits.max_bytes // (1024 * 1024)
    }


def unreadable_message() -> str:
    return _(
        "The file cannot be read as an Excel workbook (.xlsx). It may be damaged or another kind of "
        "file renamed to .xlsx. Download the template and fill it in."
    )


def read_upload(file: IO[bytes], limits: XlsxLimits) -> bytes:
    """The upload's bytes, once they have passed the checks that need no unpacking (see module doc)."""
    data = file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise XlsxUploadError(file_too_large_message(limits))
    if not data:
        raise XlsxUploadError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise XlsxUploadError(
            _(
                "This is an old-style Excel file (.xls) or a password-protected workbook. Save it as an "
                "Excel workbook (.xlsx) without a password and upload it again."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise XlsxUploadError(_("This is not an Excel workbook (.xlsx). Download the template and fill it in."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = unpacked_size(archive)
    except ZIP_ERRORS:
        raise XlsxUploadError(unreadable_message()) from None
    if unpacked > limits.max_unpacked_bytes:
        raise XlsxUploadError(
            _("The workbook is too large when unpacked; at most %(max)d data rows can be imported at a time.")
            % {"max": limits.max_data_rows}
        )
    return data


def open_xlsx(file: IO[bytes], limits: XlsxLimits) -> Any:
    """The upload as a read-only openpyxl workbook (cell values, not formulas). The caller closes it."""
    from openpyxl import load_workbook

    data = read_upload(file, limits)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means "not a readable workbook"
        raise XlsxUploadError(unreadable_message()) from None


def sheet_rows(sheet: Any, limits: XlsxLimits, budget: RowBudget | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows of `sheet` from the first, as tuples of values; the header row is not counted against
    max_scanned_rows, every row after it is (see module doc)."""
    budget = budget if budget is not None else RowBudget()
    sheet.reset_dimensions()  # the stored size may be wrong; read what is there
    rows = sheet.iter_rows(min_row=1, max_col=limits.max_columns, values_only=True)
    header = next(rows, None)
    if header is None:
        return
    yield header
    for values in rows:
        budget.scanned_rows += 1
        if budget.scanned_rows > limits.max_scanned_rows:
            raise XlsxUploadError(
                _(
                    "The file has more than %(max)d rows, counting empty ones. Delete the empty rows below the "
                    "data (at most %(data)d data rows can be imported at a time)."
                )
                % {"max": limits.max_scanned_rows, "data": limits.max_data_rows}
            )
        yield values


def unpacked_size(archive: zipfile.ZipFile) -> int:
    """What the zip's parts add up to once unpacked, as its directory declares (reading a part never
    yields more than its declared size: zipfile stops there and checks the CRC)."""
    return sum(info.file_size for info in archive.infolist())


ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    EOFError,
    OSError,
    NotImplementedError,
    KeyError,
    UnicodeDecodeError,
)


# --- Evidence files (attachments) ------------------------------------------------------------------
#
# ``check_evidence(file, limits)`` decides what an uploaded evidence file is from its bytes alone (never
# its name or the browser's Content-Type), and refuses what it cannot vouch for. Accepted:
#   * JPEG: the markers up to the first scan are walked (a frame header with a width, then a scan, then
#     an end-of-image marker somewhere after it; data appended after that, as phones do, is allowed);
#   * PNG: every chunk's length and CRC, IHDR first, image data, IEND;
#   * WebP: the RIFF chunks fit the file, the first is VP8/VP8L/VP8X with its signature;
#   * HEIC/HEIF (phone cameras): ISO-BMFF boxes that exactly fill the file, an ftyp box naming a HEIF
#     brand (not an MP4 or QuickTime video), a meta and an mdat box (the coded image is not decoded);
#   * PDF: the header at byte 0, startxref near the end pointing at an xref table or stream; refused
#     when encrypted (an /Encrypt entry anywhere);
#   * .docx and .xlsx: a zip starting at byte 0, no encrypted entries, no duplicate names, every part's
#     CRC right, its unpacked size within limits; _rels/.rels names the main part, whose content type in
#     [Content_Types].xml is that of a Word document or an Excel workbook, and which is well-formed XML.
#     Macro-enabled files (.docm, .xlsm, a vbaProject part) and other zips (.pptx, templates, plain zips)
#     are refused; so are OLE compound files (.doc, .xls, and password-protected Office files).
# The file is read in chunks and never held whole in memory; nothing in it is changed. The result
# carries the decided type, the size and the SHA-256 of the bytes.

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    """A type of evidence file: its MIME type, the extension it is saved with, the extensions it may have."""

    name: str
    content_type: str
    extension: str
    extensions: tuple[str, ...]


JPEG = FileKind("jpeg", "image/jpeg", ".jpg", (".jpg", ".jpeg", ".jpe", ".jfif"))
PNG = FileKind("png", "image/png", ".png", (".png",))
WEBP = FileKind("webp", "image/webp", ".webp", (".webp",))
HEIC = FileKind("heic", "image/heic", ".heic", (".heic", ".heif", ".hif"))
HEIF = FileKind("heif", "image/heif", ".heif", (".heif", ".heic", ".hif", ".avif"))
PDF = FileKind("pdf", "application/pdf", ".pdf", (".pdf",))
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", (".docx",))
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", (".xlsx",))
EVIDENCE_KINDS = (JPEG, PNG, WEBP, HEIC, HEIF, PDF, DOCX, XLSX)
IMAGE_KINDS = (JPEG, PNG, WEBP, HEIC, HEIF)


@dataclass(frozen=True)
class EvidenceLimits:
    max_bytes: int
    max_unpacked_bytes: int = 200 * 1024 * 1024  # a .docx/.xlsx, all its parts unpacked
    max_zip_entries: int = 10_000
    max_xml_part_bytes: int = 2 * 1024 * 1024  # [Content_Types].xml and _rels/.rels


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    size: int
    sha256: str


def unsupported_message() -> str:
    return _("File type not supported: only images, PDF, Word (.docx) and Excel (.xlsx) files are accepted.")


def damaged_message() -> str:
    return _("The file is damaged or incomplete and cannot be accepted. Open it, save it again and upload it again.")


def encrypted_message() -> str:
    return _(
        "The file is password-protected (encrypted), so its content cannot be checked. Remove the password "
        "and upload it again."
    )


def macro_message() -> str:
    return _(
        "Files with macros (.docm, .xlsm) are not accepted. Save it as a Word document (.docx) or Excel "
        "workbook (.xlsx) without macros and upload it again."
    )


def old_office_message() -> str:
    return _(
        "This is an old-style Word or Excel file (.doc, .xls) or a password-protected one. Save it as .docx "
        "or .xlsx without a password and upload it again."
    )


def unpacked_too_large_message() -> str:
    return _("The file is too large when unpacked and cannot be accepted.")


class _Damaged(Exception):
    pass


def check_evidence(file: IO[bytes], limits: EvidenceLimits) -> CheckedFile:
    """What the upload is, its size and SHA-256 — or UploadError saying why it is refused (module notes)."""
    stream = getattr(file, "file", file)  # a Django UploadedFile: the file it wraps
    size = stream.seek(0, io.SEEK_END)
    if size > limits.max_bytes:
        raise UploadError(file_too_large_message(limits))
    if size == 0:
        raise UploadError(_("The file is empty."))
    try:
        kind = _detect(stream, size, limits)
    except _Damaged:
        raise UploadError(damaged_message()) from None
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return CheckedFile(kind, size, digest.hexdigest())


def kind_for_content_type(content_type: str) -> FileKind | None:
    return next((kind for kind in EVIDENCE_KINDS if kind.content_type == content_type), None)


def _read_at(stream: IO[bytes], offset: int, n: int) -> bytes:
    stream.seek(offset)
    return stream.read(n)


def _exactly(stream: IO[bytes], offset: int, n: int) -> bytes:
    data = _read_at(stream, offset, n)
    if len(data) != n:
        raise _Damaged
    return data


def _detect(stream: IO[bytes], size: int, limits: EvidenceLimits) -> FileKind:
    head = _read_at(stream, 0, 32)
    if head.startswith(b"\xff\xd8\xff"):
        _check_jpeg(stream, size)
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_png(stream, size)
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        _check_webp(stream, size)
        return WEBP
    if head[4:8] == b"ftyp":
        return _check_heif(stream, size)
    if head.startswith(b"%PDF-"):
        _check_pdf(stream, size)
        return PDF
    if head.startswith(OLE_MAGIC):
        raise UploadError(old_office_message())
    if head.startswith(ZIP_MAGIC):
        return _check_ooxml(stream, limits)
    raise UploadError(unsupported_message())


# JPEG frame headers (SOF0-3, 5-7, 9-11, 13-15); DHT (C4), JPG (C8) and DAC (CC) are not frames.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _check_jpeg(stream: IO[bytes], size: int) -> None:
    pos, frame = 2, False
    for _segment in range(10_000):
        prefix = _exactly(stream, pos, 2)
        if prefix[0] != 0xFF:
            raise _Damaged
        marker = prefix[1]
        while marker == 0xFF:  # fill bytes
            pos += 1
            marker = _exactly(stream, pos + 1, 1)[0]
        pos += 2
        if marker in (0x00, 0xD8, 0xD9) or 0xD0 <= marker <= 0xD7:
            raise _Damaged  # a second start, an end or a restart before any scan
        if marker == 0x01:  # TEM: no length
            continue
        length = int.from_bytes(_exactly(stream, pos, 2), "big")
        if length < 2 or pos + length > size:
            raise _Damaged
        if marker in _SOF:
            header = _exactly(stream, pos + 2, 6)
            components = header[5]
            if int.from_bytes(header[3:5], "big") == 0 or not 1 <= components <= 4 or length != 8 + 3 * components:
                raise _Damaged
            frame = True
        if marker == 0xDA:  # start of scan: entropy-coded data follows, then (at last) EOI
            if not frame or not _contains(stream, pos + length, size, b"\xff\xd9"):
                raise _Damaged
            return
        pos += length
    raise _Damaged


def _contains(stream: IO[bytes], start: int, end: int, needle: bytes) -> bool:
    """Whether `needle` occurs in stream[start:end], read in chunks."""
    stream.seek(start)
    tail, remaining = b"", end - start
    while remaining > 0:
        chunk = stream.read(min(CHUNK, remaining))
        if not chunk:
            return False
        remaining -= len(chunk)
        if needle in tail + chunk:
            return True
        tail = chunk[-(len(needle) - 1) :] if len(needle) > 1 else b""
    return False


def _check_png(stream: IO[bytes], size: int) -> None:
    pos, first, image_data = 8, True, False
    while True:
        header = _exactly(stream, pos, 8)
        length, kind = int.from_bytes(header[:4], "big"), header[4:]
        if length > 0x7FFFFFFF or not kind.isalpha() or pos + 12 + length > size:
            raise _Damaged
        if first and (kind != b"IHDR" or length != 13):
            raise _Damaged
        crc = zlib.crc32(kind)
        stream.seek(pos + 8)
        remaining = length
        data_head = b""
        while remaining:
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                raise _Damaged
            if not data_head:
                data_head = chunk[:13]
            crc = zlib.crc32(chunk, crc)
            remaining -= len(chunk)
        if int.from_bytes(_exactly(stream, pos + 8 + length, 4), "big") != crc:
            raise _Damaged
        if first and (int.from_bytes(data_head[:4], "big") == 0 or int.from_bytes(data_head[4:8], "big") == 0):
            raise _Damaged
        first = False
        image_data = image_data or kind == b"IDAT"
        pos += 12 + length
        if kind == b"IEND":
            if not image_data:
                raise _Damaged
            return


def _check_webp(stream: IO[bytes], size: int) -> None:
    riff_end = 8 + int.from_bytes(_exactly(stream, 4, 4), "little")
    if riff_end > size or riff_end < 12 + 8:
        raise _Damaged
    pos, first, image = 12, True, False
    while pos < riff_end:
        header = _exactly(stream, pos, 8)
        fourcc, length = header[:4], int.from_bytes(header[4:], "little")
        if pos + 8 + length > riff_end:
            raise _Damaged
        payload = _exactly(stream, pos + 8, min(length, 10))
        if first and fourcc not in (b"VP8 ", b"VP8L", b"VP8X"):
            raise _Damaged
        if fourcc == b"VP8 " and (length < 10 or payload[3:6] != b"\x9d\x01\x2a"):
            raise _Damaged
        if fourcc == b"VP8L" and (length < 5 or payload[:1] != b"\x2f"):
            raise _Damaged
        if fourcc == b"VP8X" and (not first or length != 10):
            raise _Damaged
        image = image or fourcc in (b"VP8 ", b"VP8L", b"ANMF")
        first = False
        pos += 8 + length + (length & 1)
    if not image:
        raise _Damaged


_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2", b"avif", b"avis"}


def _check_heif(stream: IO[bytes], size: int) -> FileKind:
    pos, brands, boxes = 0, set(), []
    while pos < size:
        header = _exactly(stream, pos, 8)
        length, box = int.from_bytes(header[:4], "big"), header[4:]
        header_length = 8
        if length == 1:
            length, header_length = int.from_bytes(_exactly(stream, pos + 8, 8), "big"), 16
        elif length == 0:
            length = size - pos
        if length < header_length or pos + length > size or not box.isascii():
            raise _Damaged
        if not boxes:
            if box != b"ftyp" or length < 16 or length > 4096 or (length - 16) % 4:
                raise _Damaged
            payload = _exactly(stream, pos + 8, length - 8)
            brands = {payload[:4], *(payload[i : i + 4] for i in range(8, len(payload), 4))}
            if not brands & (_HEIC_BRANDS | _HEIF_BRANDS):
                raise UploadError(unsupported_message())  # an MP4 or QuickTime video, a JPEG 2000 ...
        boxes.append(box)
        pos += length
        if len(boxes) > 10_000:
            raise _Damaged
    if b"meta" not in boxes or b"mdat" not in boxes:
        raise _Damaged
    return HEIC if brands & _HEIC_BRANDS else HEIF


_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PDF_XREF_AT = re.compile(rb"[\0\t\n\f\r ]*(?:xref|\d+[\0\t\n\f\r ]+\d+[\0\t\n\f\r ]+obj)")


def _check_pdf(stream: IO[bytes], size: int) -> None:
    if not _PDF_HEADER.match(_read_at(stream, 0, 8)):
        raise _Damaged
    tail_start = max(0, size - 2048)
    tail = _read_at(stream, tail_start, 2048)
    found = re.search(rb"startxref[\0\t\n\f\r ]+(\d{1,12})[\0\t\n\f\r ]+%%EOF", tail[tail.rfind(b"startxref") :])
    if b"%%EOF" not in tail or tail.rfind(b"startxref") < 0 or not found:
        raise _Damaged
    offset = int(found.group(1))
    if not 8 <= offset < size or not _PDF_XREF_AT.match(_read_at(stream, offset, 64)):
        raise _Damaged
    if _contains(stream, 0, size, b"/Encrypt"):
        raise UploadError(encrypted_message())


_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}


def _check_ooxml(stream: IO[bytes], limits: EvidenceLimits) -> FileKind:
    try:
        archive = zipfile.ZipFile(stream)
    except ZIP_ERRORS:
        raise _Damaged from None
    with archive:
        infos = archive.infolist()
        if not infos or min(info.header_offset for info in infos) != 0:
            raise _Damaged  # data before the zip: not a file an office program wrote
        if len(infos) > limits.max_zip_entries or unpacked_size(archive) > limits.max_unpacked_bytes:
            raise UploadError(unpacked_too_large_message())
        names = {info.filename.lower() for info in infos}
        if len(names) != len(infos):
            raise _Damaged  # two parts of one name: which one a program reads is anyone's guess
        if any(info.flag_bits & 0x1 for info in infos):
            raise UploadError(encrypted_message())
        if "[content_types].xml" not in names or "_rels/.rels" not in names:
            raise UploadError(unsupported_message())  # a zip, but not an Office Open XML package
        types = _xml_elements(archive, "[Content_Types].xml", limits.max_xml_part_bytes)
        relationships = _xml_elements(archive, "_rels/.rels", limits.max_xml_part_bytes)
        targets = [
            attrs.get("Target", "")
            for tag, attrs in relationships
            if tag == (_RELS_NS, "Relationship")
            and attrs.get("Type") in _OFFICE_DOCUMENT
            and attrs.get("TargetMode", "Internal") == "Internal"
        ]
        if len(targets) != 1:
            raise UploadError(unsupported_message())
        main = targets[0].lstrip("/")
        defaults = {
            attrs.get("Extension", "").lower(): attrs.get("ContentType", "")
            for tag, attrs in types
            if tag == (_TYPES_NS, "Default")
        }
        overrides = {
            attrs.get("PartName", "").lstrip("/").lower(): attrs.get("ContentType", "")
            for tag, attrs in types
            if tag == (_TYPES_NS, "Override")
        }
        declared = [*defaults.values(), *overrides.values()]
        if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in declared) or any(
            name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names
        ):
            raise UploadError(macro_message())
        main_type = overrides.get(main.lower()) or defaults.get(main.rsplit(".", 1)[-1].lower(), "")
        kind = _MAIN_TYPES.get(main_type)
        if kind is None:
            raise UploadError(unsupported_message())  # .pptx, a template, ...
        if main.lower() not in names:
            raise _Damaged
        main_name = next(info.filename for info in infos if info.filename.lower() == main.lower())
        for info in infos:  # every part unpacks to its declared size with the right CRC
            if info.is_dir():
                continue
            _unpack(archive, info.filename, info.file_size, sink=None)
        parser = _xml_parser(on_element=None)
        _unpack(archive, main_name, limits.max_unpacked_bytes, sink=lambda data: parser.Parse(data, False))
        try:
            parser.Parse(b"", True)
        except (_NoDtd, xml.parsers.expat.ExpatError):
            raise _Damaged from None
    return kind


class _NoDtd(Exception):
    pass


def _xml_parser(on_element) -> Any:
    """An expat parser that refuses any DTD or entity declaration (no entity expansion, no outside
    references); element names come as (namespace, local name)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args: Any) -> None:
        raise _NoDtd

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    if on_element is not None:
        parser.StartElementHandler = on_element
    return parser


def _unpack(archive: zipfile.ZipFile, name: str, cap: int, sink) -> None:
    """Read one part to its end in chunks (zipfile checks its CRC there), passing each to `sink`;
    _Damaged if it is broken or would unpack past `cap` bytes."""
    read = 0
    try:
        with archive.open(name) as part:
            while chunk := part.read(CHUNK):
                read += len(chunk)
                if read > cap:
                    raise _Damaged
                if sink is not None:
                    sink(chunk)
    except (_NoDtd, xml.parsers.expat.ExpatError):
        raise _Damaged from None
    except ZIP_ERRORS + (zlib.error,):
        raise _Damaged from None


def _xml_elements(archive: zipfile.ZipFile, name: str, cap: int) -> list[tuple[tuple[str, str], dict[str, str]]]:
    """The elements of a small XML part as ((namespace, local name), attributes), in document order."""
    elements: list[tuple[tuple[str, str], dict[str, str]]] = []

    def on_element(tag: str, attrs: dict[str, str]) -> None:
        namespace, _sep, local = tag.rpartition(" ")
        elements.append(((namespace, local), attrs))

    parser = _xml_parser(on_element)
    real_name = next(info.filename for info in archive.infolist() if info.filename.lower() == name.lower())
    _unpack(archive, real_name, cap, sink=lambda data: parser.Parse(data, False))
    try:
        parser.Parse(b"", True)
    except (_NoDtd, xml.parsers.expat.ExpatError):
        raise _Damaged from None
    return elements


__all__ = [
    "CHUNK",
    "DOCX",
    "EVIDENCE_KINDS",
    "HEIC",
    "HEIF",
    "IMAGE_KINDS",
    "JPEG",
    "OLE_MAGIC",
    "PDF",
    "PNG",
    "WEBP",
    "XLSX",
    "ZIP_ERRORS",
    "ZIP_MAGIC",
    "CheckedFile",
    "EvidenceLimits",
    "FileKind",
    "RowBudget",
    "UploadError",
    "XlsxLimits",
    "XlsxUploadError",
    "check_evidence",
    "damaged_message",
    "encrypted_message",
    "file_too_large_message",
    "kind_for_content_type",
    "macro_message",
    "old_office_message",
    "open_xlsx",
    "read_upload",
    "sheet_rows",
    "unpacked_size",
    "unpacked_too_large_message",
    "unreadable_message",
    "unsupported_message",
]
