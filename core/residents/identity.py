"""ID card numbers: validation (GB 11643-1999), encryption at rest, keyed lookup, masking.

* Encryption: AES-256-GCM from ``cryptography``; the nonce is random per value, and the key
  version is stored beside the ciphertext so keys can be rotated (``linli residents rekey``).
* Lookup: HMAC-SHA256 of the normalised number under a separate key, so an exact search finds a
  person without decrypting anyone, and the database alone does not reveal numbers.
* Keys are derived with HKDF from ``LINLI_SECRET_KEY`` (version 1) unless explicit keys are
  given in ``LINLI_FIELD_KEYS`` ("2:<base64 32 bytes>,1:<…>", newest first).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import InvalidInput

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(raw: str) -> str:
    return (raw or "").strip().upper().replace(" ", "")


def check_id_number(raw: str, field: str = "id_number") -> str:
    """The normalised number, or InvalidInput saying what is wrong with it."""
    number = normalise_id_number(raw)
    if not _SHAPE.match(number):
        raise InvalidInput("must be 18 characters: 17 digits and a digit or X", field=field)
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidInput("contains an impossible birth date", field=field) from None
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        raise InvalidInput("check digit does not match (GB 11643)", field=field)
    return number


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_of(number: str) -> str:
    return "M" if int(number[16]) % 2 else "F"


def with_check_digit(first17: str) -> str:
    """Complete 17 digits with their check digit (used by the demo data generator)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHECK[total % 11]


def mask_id_number(number: str) -> str:
    return f"{number[:3]}***********{number[-4:]}" if len(number) == 18 else "***"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else ("***" if phone else "")


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"linli-field-keys", info=purpose.encode()).derive(
        secret
    )


@dataclass(frozen=True)
class FieldKeys:
    """Encryption keys by version (newest first) and the lookup key."""

    versions: dict[int, bytes]
    current: int
    lookup: bytes

    @classmethod
    def from_settings(cls, secret_key: str, field_keys: str = "") -> FieldKeys:
        versions: dict[int, bytes] = {}
        current = 0
        for item in [p.strip() for p in field_keys.split(",") if p.strip()]:
            version_text, _, encoded = item.partition(":")
            try:
                version, key = int(version_text), base64.b64decode(encoded, validate=True)
            except ValueError:
                raise InvalidInput(
                    "each entry must be '<version>:<base64 key>'", field="LINLI_FIELD_KEYS"
                ) from None
            if len(key) != 32:
                raise InvalidInput("keys must be 32 bytes", field="LINLI_FIELD_KEYS")
            versions[version] = key
            current = current or version
        if not versions:
            versions[1] = _derive(secret_key.encode(), "id-number-encryption-v1")
            current = 1
        return cls(
            versions=versions, current=current, lookup=_derive(secret_key.encode(), "id-number-lookup-v1")
        )

    def encrypt(self, plaintext: str) -> tuple[str, int]:
        nonce = os.urandom(12)
        sealed = AESGCM(self.versions[self.current]).encrypt(nonce, plaintext.encode(), b"id_number")
        return base64.b64encode(nonce + sealed).decode(), self.current

    def decrypt(self, token: str, version: int) -> str:
        raw = base64.b64decode(token)
        key = self.versions.get(version)
        if key is None:
            raise InvalidInput(f"no key for version {version}", field="id_number")
        return AESGCM(key).decrypt(raw[:12], raw[12:], b"id_number").decode()

    def lookup_hash(self, number: str) -> str:
        return hmac.new(self.lookup, normalise_id_number(number).encode(), hashlib.sha256).hexdigest()
