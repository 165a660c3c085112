"""Secrets at rest: AES-GCM with a key derived from the deployment's secret, and salted hashes.

Face images and device secrets are sealed (``seal`` / ``unseal``); PINs and QR tokens are only
ever stored as ``hash_secret(salt, secret)``, which is also what devices receive.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.api import plugin_key

PLUGIN = "door_access"


def seal(purpose: str, data: bytes) -> bytes:
    """Nonce + ciphertext of ``data`` under the plugin's key for ``purpose``."""
    nonce = os.urandom(12)
    return nonce + AESGCM(plugin_key(PLUGIN, purpose)).encrypt(nonce, data, purpose.encode())


def unseal(purpose: str, sealed: bytes) -> bytes:
    return AESGCM(plugin_key(PLUGIN, purpose)).decrypt(sealed[:12], sealed[12:], purpose.encode())


def seal_text(purpose: str, text: str) -> str:
    return base64.b64encode(seal(purpose, text.encode())).decode()


def unseal_text(purpose: str, sealed: str) -> str:
    return unseal(purpose, base64.b64decode(sealed)).decode()


def new_salt() -> str:
    return secrets.token_hex(8)


def hash_secret(salt: str, secret: str) -> str:
    """What is stored and sent to devices for a PIN or QR token: never the secret itself."""
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
