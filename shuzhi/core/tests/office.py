"""Test helpers: open generated office files with LibreOffice and read back what it rendered.

``convert_with_libreoffice(path, "pdf")`` works for .docx (Writer) and .xlsx (Calc) alike. Every call
gets its own throw-away LibreOffice profile (``-env:UserInstallation``), so parallel pytest workers do
not fight over one profile, and runs with the fontconfig substitutes of ``shuzhi.core.officedoc`` so
the GB font names resolve to installed CJK fonts the way a correctly set-up server would.

``pdf_text(path)`` uses poppler's ``pdftotext`` when installed and otherwise a small reader for the
uncompressed-xref, FlateDecode PDFs LibreOffice writes (fonts with ToUnicode maps). Text of separate
text objects is joined with newlines; compare with whitespace removed (``squeeze``), since LibreOffice
puts Latin and Chinese portions of one line into separate text objects.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
import zlib
from pathlib import Path

from shuzhi.core.officedoc import fontconfig_substitutes

TIMEOUT_SECONDS = 120


class LibreOfficeError(AssertionError):
    """LibreOffice failed, timed out or produced no output."""


def libreoffice_binary() -> str:
    for name in ("libreoffice", "soffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LibreOfficeError("LibreOffice is not installed (make system-deps installs it)")


def convert_with_libreoffice(
    path: Path, fmt: str = "pdf", *, outdir: Path | None = None, timeout: float = TIMEOUT_SECONDS
) -> Path:
    """Convert ``path`` with ``libreoffice --headless --convert-to fmt``; return the non-empty output file.

    ``fmt`` may carry a filter, e.g. ``"pdf:calc_pdf_Export"``; the output is ``<stem>.<ext>`` in
    ``outdir`` (default: a new directory next to ``path``). Raises ``LibreOfficeError`` on a non-zero
    exit code, a timeout or a missing/empty result; the message carries LibreOffice's output.
    """
    path = Path(path).resolve()
    extension = fmt.split(":", 1)[0]
    outdir = Path(outdir) if outdir else path.parent / f"lo-out-{uuid.uuid4().hex[:8]}"
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{path.stem}.{extension}"
    profile = Path(tempfile.gettempdir()) / f"lo-profile-{uuid.uuid4().hex}"
    fonts_conf = profile.with_name(profile.name + "-fonts.conf")
    fonts_conf.write_text(fontconfig_substitutes(), encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf))
    command = [
        libreoffice_binary(),
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(path),
    ]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # soffice.bin is a grandchild: end the whole group
        process.communicate()
        raise LibreOfficeError(f"LibreOffice did not convert {path.name} within {timeout:.0f} s") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        fonts_conf.unlink(missing_ok=True)
    elapsed = time.monotonic() - started
    output = (stdout + stderr).decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise LibreOfficeError(f"LibreOffice exited with {process.returncode} converting {path.name}:\n{output}")
    if not target.exists() or target.stat().st_size == 0:
        raise LibreOfficeError(f"LibreOffice produced no {extension} for {path.name} ({elapsed:.1f} s):\n{output}")
    return target


def squeeze(text: str) -> str:
    """``text`` without any whitespace, for comparing extracted PDF text."""
    return "".join(text.split())


def pdf_text(path: Path) -> str:
    """The text of a PDF: ``pdftotext`` if installed, else the built-in reader for LibreOffice output."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        result = subprocess.run(
            [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=TIMEOUT_SECONDS, check=True
        )
        return result.stdout.decode("utf-8")
    return _pdf_text_fallback(Path(path).read_bytes())


def pdf_font_names(path: Path) -> set[str]:
    """BaseFont names embedded in a LibreOffice PDF, subset prefixes removed (e.g. NotoSerifCJKsc-Regular)."""
    data = Path(path).read_bytes()
    return {
        re.sub(r"^[A-Z]{6}\+", "", name.decode("latin-1"))
        for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", data)
    }


def pdf_page_count(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", Path(path).read_bytes()))


def render_first_page_png(pdf: Path, png: Path, *, resolution: int = 60) -> Path | None:
    """First page of ``pdf`` as ``png`` with ``pdftoppm -png -r resolution -f 1 -l 1``.

    Returns None when poppler-utils is not installed (LibreOffice's own PNG export is missing from
    the Debian *-nogui packages, so there is no fallback).
    """
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        return None
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            str(resolution),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(png.with_suffix("")),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
    )
    return png


# --- Minimal PDF text reader (LibreOffice output only) ----------------------------------------------

_OBJECT = re.compile(rb"(\d+)\s+0\s+obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_REF = r"(\d+)\s+0\s+R"


def _pdf_text_fallback(data: bytes) -> str:
    objects = {int(match.group(1)): match.group(2) for match in _OBJECT.finditer(data)}

    def stream(number: int) -> bytes:
        body = objects.get(number, b"")
        match = _STREAM.search(body)
        if not match:
            return b""
        raw = match.group(1)
        return zlib.decompress(raw) if b"/FlateDecode" in body[: match.start()] else raw

    def dictionary(number: int) -> bytes:
        return objects.get(number, b"").split(b"stream", 1)[0]

    cmaps: dict[int, tuple[int, dict[bytes, str]]] = {}

    def cmap_for(font_number: int) -> tuple[int, dict[bytes, str]]:
        if font_number not in cmaps:
            match = re.search(rb"/ToUnicode\s+" + _REF.encode(), dictionary(font_number))
            cmaps[font_number] = _parse_cmap(stream(int(match.group(1)))) if match else (1, {})
        return cmaps[font_number]

    def fonts_of(resources: bytes) -> dict[bytes, int]:
        match = re.search(rb"/Font\s*(<<.*?>>|" + _REF.encode() + rb")", resources, re.S)
        if not match:
            return {}
        font_dict = match.group(1)
        if not font_dict.startswith(b"<<"):
            font_dict = dictionary(int(match.group(2)))
        return {name: int(number) for name, number in re.findall(rb"/([^\s/<>]+)\s+(\d+)\s+0\s+R", font_dict)}

    pieces: list[str] = []
    for number in sorted(objects):
        page = dictionary(number)
        if not re.search(rb"/Type\s*/Page(?![s\w])", page):
            continue
        resources = page
        match = re.search(rb"/Resources\s+" + _REF.encode(), page)
        if match:
            resources = dictionary(int(match.group(1)))
        fonts = fonts_of(resources)
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|" + _REF.encode() + rb")", page)
        if not contents:
            continue
        numbers = [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", contents.group(1))]
        content = b"\n".join(stream(n) for n in numbers)
        pieces.append(_content_text(content, fonts, cmap_for))
    return "\n".join(pieces)


def _parse_cmap(data: bytes) -> tuple[int, dict[bytes, str]]:
    width = 1
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", data)
    if space:
        width = len(space.group(1)) // 2
    mapping: dict[bytes, str] = {}

    def unicode(hex_value: bytes) -> str:
        return bytes.fromhex(hex_value.decode()).decode("utf-16-be", "replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[bytes.fromhex(code.decode())] = unicode(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start, end = int(low, 16), int(high, 16)
            first = unicode(value)
            for offset in range(end - start + 1):
                code = (start + offset).to_bytes(width, "big")
                mapping[code] = first[:-1] + chr(ord(first[-1]) + offset) if first else ""
    return width, mapping


_TOKEN = re.compile(rb"/([^\s/<>\[\]()]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|\((?:\\.|[^\\)])*\)|\bBT\b|\bET\b")


def _content_text(content: bytes, fonts: dict[bytes, int], cmap_for) -> str:
    lines: list[str] = []
    current: list[str] = []
    width, mapping = 1, {}
    for match in _TOKEN.finditer(content):
        token = match.group(0)
        if match.group(1) is not None:
            font_number = fonts.get(match.group(1))
            width, mapping = cmap_for(font_number) if font_number is not None else (1, {})
        elif match.group(2) is not None:
            raw = bytes.fromhex(re.sub(rb"\s", b"", match.group(2)).decode())
            current.extend(mapping.get(raw[i : i + width], "") for i in range(0, len(raw), width))
        elif token == b"ET":
            lines.append("".join(current))
            current = []
        elif token.startswith(b"("):
            current.append(token[1:-1].decode("latin-1"))
    if current:
        lines.append("".join(current))
    return "\n".join(line for line in lines if line)
