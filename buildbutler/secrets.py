"""Encryption at rest for Jenkins API tokens (Fernet, from the `cryptography` package).

The key is `BUILDBUTLER_SECRET_KEY` when set, else a key generated once into `Home.secret_key_file`
with mode 0600. Losing the key makes stored Jenkins tokens unreadable (they must be entered again),
never silently wrong: decryption with another key raises `SecretKeyMismatch`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import threading

from cryptography.fernet import Fernet, InvalidToken

from buildbutler.home import Home
from buildbutler.settings import Settings

SECRET_KEY_ENV = "BUILDBUTLER_SECRET_KEY"


class SecretKeyMismatch(RuntimeError):
    """A stored secret was encrypted with another key than the current one."""


def _fernet_key(value: str) -> bytes:
    """A Fernet key as is; any other non-empty string (a passphrase) is stretched to one with SHA-256."""
    raw = value.strip().encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except (binascii.Error, ValueError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest())


def _key_from_file(home: Home) -> bytes:
    path = home.secret_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole to a private temporary file, then linked into place: link() fails if another
        # process got there first, so every process ends up with the same, complete key.
        # Named for this process and thread: the API's threads may race to make the first key too.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # someone loosened it; a key readable by others protects nothing
    return path.read_bytes().strip()


class SecretBox:
    """Encrypts and decrypts short secrets (Jenkins tokens) with the installation's key."""

    def __init__(self, settings: Settings) -> None:
        home = settings.home
        key = _fernet_key(settings.secret_key) if settings.secret_key else _key_from_file(home)
        try:
            self._fernet = Fernet(key)
        except ValueError:
            raise RuntimeError(f"{home.secret_key_file} does not hold a Fernet key: restore it, or delete it "
                               "and add the connections' tokens again") from None

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise SecretKeyMismatch(
                f"a stored Jenkins token cannot be decrypted: {SECRET_KEY_ENV} or the secret key file changed; "
                "remove and add the connection again"
            ) from None
