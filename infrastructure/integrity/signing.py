"""The Ed25519 key that signs checkpoints: made once, deliberately; never made silently."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PUBLIC_KEY_SUFFIX = ".pub"
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


class SigningKeyError(Exception):
    """A signing or public key is missing, unreadable, or already there."""


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key: the trust anchor for checkpoints and bundles."""

    raw: bytes  # 32 bytes

    @property
    def hex(self) -> str:
        """The 32 raw bytes as lowercase hex."""
        return self.raw.hex()

    def pem(self) -> str:
        """SubjectPublicKeyInfo PEM, as `openssl pkey -pubin` reads it."""
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def verifies(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's signature of `message`."""
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """Signs checkpoint messages with the private key read from the key file."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = PublicKey(
            private_key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of `message` (64 bytes)."""
        return self._key.sign(message)


def public_key_path(key_file: Path) -> Path:
    """Where the public half of a key file is written."""
    return key_file.with_name(key_file.name + PUBLIC_KEY_SUFFIX)


def create_key_file(key_file: Path) -> Signer:
    """Make a new signing key in `key_file` (mode 0600) and its public key beside it."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: an existing key is never overwritten, even by a race.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningKeyError(
            f"a signing key already exists at {key_file}; it is never replaced"
        ) from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    signer = Signer(key)
    public_key_path(key_file).write_text(signer.public_key.pem(), encoding="ascii")
    return signer


def load_signer(key_file: Path) -> Signer:
    """The signer in `key_file`, or a clear error naming the file and how to make it."""
    try:
        pem = key_file.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(
            f"no signing key at {key_file}: make one with `fundtrail keys init` "
            "(or point FUNDTRAIL_SIGNING_KEY_FILE at it)"
        ) from None
    except OSError as exc:
        raise SigningKeyError(f"cannot read the signing key at {key_file}: {exc}") from None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except ValueError as exc:
        raise SigningKeyError(f"{key_file} is not a PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{key_file} is not an Ed25519 key")
    return Signer(key)


def parse_public_key(text: str) -> PublicKey:
    """A public key from 64 hex digits or SubjectPublicKeyInfo PEM."""
    stripped = text.strip()
    if _HEX_KEY.fullmatch(stripped):
        return PublicKey(bytes.fromhex(stripped))
    try:
        key = serialization.load_pem_public_key(stripped.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise SigningKeyError("not an Ed25519 public key (64 hex digits or PEM)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError("the public key is not an Ed25519 key")
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def read_public_key(value: str) -> PublicKey:
    """A public key given as a file (PEM or hex) or as 64 hex digits on the command line."""
    if _HEX_KEY.fullmatch(value.strip()):
        return parse_public_key(value)
    path = Path(value)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningKeyError(f"cannot read the public key {value}: {exc}") from None
    try:
        return parse_public_key(text)
    except SigningKeyError as exc:
        raise SigningKeyError(f"{value}: {exc}") from None
