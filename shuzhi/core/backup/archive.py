"""The backup archive: one .tar.gz holding manifest.json first, then every part the manifest lists
with its size and SHA-256 (the database dump, and the uploaded files under media/).

An archive is written under a temporary name beside its final one and renamed only once it is complete
and on disk, so a file named shuzhi-backup-*.tar.gz is always a whole backup. Reading verifies every
part against the manifest before anything is restored from it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import zlib
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from shuzhi.core.backup.errors import BackupError

FORMAT = "shuzhi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PREFIX = "shuzhi-backup-"
SUFFIX = ".tar.gz"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    name: str  # its path inside the archive
    path: Path  # the file to put there
    role: str  # "database", "table-data" or "media"
    extra: dict[str, Any] = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe(part: Part) -> dict[str, Any]:
    """The part's entry in the manifest."""
    return {
        "name": part.name,
        "role": part.role,
        "size": part.path.stat().st_size,
        "sha256": sha256_of(part.path),
        **part.extra,
    }


def write(target: Path, manifest: dict[str, Any], parts: list[Part]) -> int:
    """Write the archive to `target` atomically (a temporary file, synced, then renamed), readable by
    its owner only. Returns its size."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix="." + PREFIX, suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                text = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                tar.addfile(_member(MANIFEST, len(text)), io.BytesIO(text))
                for part in parts:
                    with part.path.open("rb") as source:
                        tar.addfile(_member(part.name, part.path.stat().st_size), source)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(target.parent)
    return target.stat().st_size


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _safe_path(name: str) -> Path:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise BackupError(f"The archive names a file outside itself ({name!r}): not restored.")
    return Path(*path.parts)


def extract_verified(archive: Path, directory: Path) -> dict[str, Any]:
    """Read the manifest of `archive` and extract every part it lists into `directory`, checking each
    one's size and SHA-256. Returns the manifest. Raises BackupError, naming the part, if anything is
    missing, extra, damaged or different; nothing is written outside `directory`."""
    if not archive.is_file():
        raise BackupError(f"There is no archive {archive}.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(f"{archive} does not start with {MANIFEST}: it is not a shuzhi backup.")
            manifest = json.loads(tar.extractfile(first).read().decode())
            _check_format(archive, manifest)
            expected = {entry["name"]: entry for entry in manifest["parts"]}
            seen: set[str] = set()
            while (member := tar.next()) is not None:
                entry = expected.get(member.name)
                if entry is None or member.name in seen or not member.isfile():
                    raise BackupError(f"{archive} holds {member.name!r}, which its manifest does not list.")
                _extract(archive, tar, member, entry, directory / _safe_path(member.name))
                seen.add(member.name)
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(
            f"{archive} cannot be read as a backup ({type(error).__name__}: {error}): "
            "it is damaged or not a shuzhi backup. Nothing was restored."
        ) from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{archive} lacks parts its manifest lists: {', '.join(missing)}. Nothing was restored.")
    return manifest


def _extract(archive: Path, tar: tarfile.TarFile, member: tarfile.TarInfo, entry: dict, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tar.extractfile(member) as source, destination.open("wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(
            f"{archive}: checksum mismatch in {member.name} (the manifest says {entry['size']} bytes, SHA-256 "
            f"{entry['sha256'][:16]}…; the archive holds {size} bytes, SHA-256 {digest.hexdigest()[:16]}…). "
            "The archive is damaged. Nothing was restored."
        )


def _check_format(archive: Path, manifest: dict[str, Any]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: {MANIFEST} is not a shuzhi backup manifest.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"{archive} was written by a newer version of shuzhi (backup format "
            f"{manifest['format_version']}); this one reads format {FORMAT_VERSION}."
        )
