"""Ballot codes and receipt codes: random, typeable, without look-alike characters."""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets

from django.conf import settings

# No 0/O, 1/I/L: nothing a voter could misread on a printed card.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 13  # 31**13 ≈ 2**64.4: at least 64 bits of randomness
RECEIPT_LENGTH = 8
GROUPS = (4, 4, 5)

BITS_PER_CODE = CODE_LENGTH * math.log2(len(ALPHABET))


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_receipt() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(RECEIPT_LENGTH))


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMNP, for printing."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start:start + size])
        start += size
    return "-".join(parts)


def normalize(typed: str) -> str:
    """What a voter typed → the code: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t\r\n")[:64]


def looks_valid(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


@functools.lru_cache(maxsize=4)
def _hash_key(secret_key: str) -> bytes:
    return hashlib.sha256(("shuzhi.voting.code:" + secret_key).encode()).digest()


def code_hash(code: str) -> str:
    """Keyed hash of a code: what the database stores to find it and refuse a second use."""
    return hmac.new(_hash_key(settings.SECRET_KEY), code.encode(), hashlib.sha256).hexdigest()
