"""Make the secret key file `make demo` runs with, once: `python scripts/secret_key.py var/secret_key`.

A new file gets 50 random URL-safe bytes' worth of key and mode 600 (created that way, never readable
by others even for a moment); an existing non-empty file is kept as it is, so sessions and printed
ballot codes survive the next `make demo`. Standard library only: it runs before Django can start.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def ensure_key_file(path: Path) -> bool:
    """Create the key file unless it exists with a key in it; return whether it was created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8").strip():
        os.chmod(path, 0o600)
        return False
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(secrets.token_urlsafe(50) + "\n")
    os.replace(tmp, path)
    return True


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: secret_key.py PATH")
    target = Path(sys.argv[1])
    if ensure_key_file(target):
        print(f"Made a secret key for this installation in {target} (keep it; a new one ends every session).")
