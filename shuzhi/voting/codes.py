"""Ballot codes and receipt codes: random, typeable, without look-alike characters."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import math
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def normalize(typed: str) -> str:
    """What a voter typed → the code: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t\r\n")[:64]


def looks_valid(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


# --- Keys ------------------------------------------------------------------------------------------
# Codes are found by a keyed hash and kept, until used, sealed (encrypted): the database alone never
# holds a code's plain text, so neither its files nor a copy of them can print a card or vote with one.
# Both keys are derived from SECRET_KEY. A deployment that rotates SECRET_KEY keeps the old key in
# SECRET_KEY_FALLBACKS until its printed cards are used: codes hashed or sealed under a fallback key
# are still found and printed (code_hashes, unseal).


@functools.lru_cache(maxsize=8)
def _hash_key(secret_key: str) -> bytes:
    return hashlib.sha256(("shuzhi.voting.code:" + secret_key).encode()).digest()


@functools.lru_cache(maxsize=8)
def _seal_key(secret_key: str) -> AESGCM:
    return AESGCM(hashlib.sha256(("shuzhi.voting.seal:" + secret_key).encode()).digest())


def _secret_keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def code_hash(code: str) -> str:
    """Keyed hash of a code under the current key: what the database stores to find it and refuse a
    second use."""
    return hmac.new(_hash_key(settings.SECRET_KEY), code.encode(), hashlib.sha256).hexdigest()


def code_hashes(code: str) -> list[str]:
    """The code's hash under the current key and under each fallback key (SECRET_KEY_FALLBACKS), the
    current one first: a code issued before a key rotation is stored under an old key."""
    hashes = [hmac.new(_hash_key(key), code.encode(), hashlib.sha256).hexdigest() for key in _secret_keys()]
    return list(dict.fromkeys(hashes))


def seal(code: str, hashed: str) -> str:
    """The code encrypted (AES-256-GCM, random nonce) for storage until its card is printed and used.
    The hash is bound in as associated data, so a sealed code moved to another row does not open."""
    nonce = secrets.token_bytes(12)
    sealed = _seal_key(settings.SECRET_KEY).encrypt(nonce, code.encode(), hashed.encode())
    return base64.b64encode(nonce + sealed).decode()


def unseal(sealed: str, hashed: str) -> str:
    """The plain code of a sealed one, trying the current key and then the fallback keys; "" if none
    opens it (a key that was dropped from SECRET_KEY_FALLBACKS, or a damaged value)."""
    if not sealed:
        return ""
    try:
        raw = base64.b64decode(sealed, validate=True)
    except ValueError:
        return ""
    for key in _secret_keys():
        try:
            return _seal_key(key).decrypt(raw[:12], raw[12:], hashed.encode()).decode()
        except InvalidTag:
            continue
    return ""
