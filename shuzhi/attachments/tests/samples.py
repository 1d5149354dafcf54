"""Small real files of every accepted type, and lies, made here (images: tests/files, drawn by chromium)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

FILES = Path(__file__).parent / "files"


def photo_jpeg() -> bytes:
    return (FILES / "photo.jpg").read_bytes()


def photo_png() -> bytes:
    return (FILES / "photo.png").read_bytes()


def photo_webp() -> bytes:
    return (FILES / "photo.webp").read_bytes()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind: bytes, payload: bytes, version: int = 0, flags: int = 0) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def heic(major: bytes = b"heic", compatible: tuple[bytes, ...] = (b"mif1", b"heic")) -> bytes:
    """An ISO-BMFF HEIF file as an iPhone writes its layout: ftyp, meta (hdlr pict, pitm, iinf, iloc), mdat.
    The coded image is a stand-in: the structure is what the check reads."""
    ftyp = box(b"ftyp", major + b"\0\0\0\0" + b"".join(compatible))
    hdlr = full_box(b"hdlr", b"\0\0\0\0" + b"pict" + b"\0" * 12 + b"\0")
    pitm = full_box(b"pitm", struct.pack(">H", 1))
    infe = full_box(b"infe", struct.pack(">HH", 1, 0) + b"hvc1" + b"\0", version=2)
    iinf = full_box(b"iinf", struct.pack(">H", 1) + infe)
    coded = b"\x00\x00\x00\x10" + bytes(range(16))
    meta_without_iloc = hdlr + pitm + iinf

    def iloc(offset: int) -> bytes:  # 4-byte offsets and lengths; one item with one extent
        return full_box(
            b"iloc", bytes([0x44, 0x00]) + struct.pack(">HHHH", 1, 1, 0, 1) + struct.pack(">II", offset, len(coded))
        )

    meta_size = 12 + len(meta_without_iloc) + len(iloc(0))
    meta = full_box(b"meta", meta_without_iloc + iloc(len(ftyp) + meta_size + 8))
    return ftyp + meta + box(b"mdat", coded)


def pdf(extra_trailer: bytes = b"", body_text: str = "Evidence") -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = f"BT /F1 12 Tf 20 50 Td ({body_text}) Tj ET".encode()
    objects[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + extra_trailer + b">>\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def docx(text: str = "整改落实情况说明") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx(rows=(("问题", "整改措施"), ("台账不全", "补齐"))) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
) -> bytes:
    """The zip with some parts replaced, added or left out."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def macro_enabled_docx() -> bytes:
    """A .docm (Word with macros) that says it is a .docx by its name only."""
    data = docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert b"macroEnabled" in types
    return rezip(data, replace={"[Content_Types].xml": types}, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def docx_with_hidden_macros() -> bytes:
    """A .docx whose main part is a plain document but which carries a VBA project."""
    return rezip(docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def macro_enabled_xlsx() -> bytes:
    data = xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(data, replace={"[Content_Types].xml": types})


def pptx_like() -> bytes:
    """An Office package of another kind (a presentation): the main part's type is not Word's or Excel's."""
    data = docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    )
    return rezip(data, replace={"[Content_Types].xml": types})


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("证明材料/照片.txt", "不是文档")
    return out.getvalue()


def encrypted_entries(data: bytes) -> bytes:
    """The zip with every entry marked encrypted (general purpose flag bit 0), as a password tool leaves it."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            raw[info.header_offset + 6] |= 0x01  # local header flags
    position = 0
    while (position := raw.find(b"PK\x01\x02", position)) >= 0:  # central directory flags
        raw[position + 8] |= 0x01
        position += 4
    return bytes(raw)


def zip_bomb() -> bytes:
    """A small .docx-looking zip whose parts unpack to far more than the limit."""
    return rezip(docx(), add={"word/media/padding.bin": b"\0" * 30_000_000})


def windows_exe() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\0" * 48
        + b"This program cannot be run in DOS mode."
        + b"\0" * 200
    )


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000
MP4 = box(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41") + box(b"moov", b"\0" * 16) + box(b"mdat", b"\0" * 32)
