"""Checks of single settings that pydantic's types cannot express.

``godwit serve`` and ``godwit worker`` run these while the settings load, before
a database file, a queue or a socket exists: a key GitHub would refuse or a URL
no backend understands is then named at start, with every other problem, instead
of surfacing as a traceback from the first job. Each function returns what is
wrong, phrased to follow the variable's name, or ``None``; never the value itself,
since URLs carry passwords.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import load_pem_private_key

MAX_KEY_FILE_BYTES = 64 * 1024
"""An RSA key of 4096 bits is about 3 KB as PEM; anything far larger is another file."""
DATABASE_SCHEMES = frozenset({"sqlite", "postgresql", "postgres"})
"""What ``bot.store.db`` connects to (``+driver`` suffixes allowed)."""
QUEUE_SCHEMES = frozenset({"sqlite", "redis", "rediss", "unix"})
"""What ``bot.jobs.queue.create_huey`` accepts."""
_PEM_BEGIN = "-----BEGIN "


def private_key_problem(text: str) -> str | None:
    """Whether ``text`` is a PEM private key GitHub's App JWTs can be signed with.

    Parsed for real (without the slow RSA consistency check), so a public key, a
    certificate, a truncated paste or a passphrase-protected key is refused.
    """
    stripped = text.strip()
    if not stripped.startswith(_PEM_BEGIN) or "PRIVATE KEY-----" not in stripped:
        return "not a PEM private key (expected -----BEGIN RSA PRIVATE KEY-----)"
    try:
        load_pem_private_key(
            stripped.encode("ascii", "replace"), password=None, unsafe_skip_rsa_key_validation=True
        )
    except TypeError:
        return "a passphrase-protected key; Godwit needs the key GitHub lets you download"
    except (ValueError, UnsupportedAlgorithm):
        return "not a readable PEM private key (truncated or damaged?)"
    return None


def key_file_problem(path: Path) -> str | None:
    """Whether ``path`` names a readable file holding a PEM private key."""
    try:
        if not path.is_file():
            return f"{path} does not exist or is not a file"
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            return f"{path} is larger than {MAX_KEY_FILE_BYTES:,} bytes: not a private key"
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return f"cannot read {path}: {error.strerror or error}"
    except UnicodeDecodeError:
        return f"{path} is not a text file: not a PEM private key"
    problem = private_key_problem(text)
    return None if problem is None else f"{path} is {problem}"


def http_url_problem(url: str) -> str | None:
    """An absolute ``http(s)://host`` URL, as GitHub's API and Anthropic's are."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "not an absolute http(s):// URL"
    return None


def database_url_problem(url: str) -> str | None:
    """A URL Godwit's state store can open: SQLite or PostgreSQL."""
    return _scheme_problem(url, DATABASE_SCHEMES, "sqlite:///godwit.db or postgresql://HOST/DB")


def queue_url_problem(url: str) -> str | None:
    """A URL Godwit's queue can open: a SQLite file or Redis."""
    problem = _scheme_problem(
        url, QUEUE_SCHEMES, "sqlite:///godwit-queue.db or redis://HOST:6379/0"
    )
    if problem is None and urlsplit(url).scheme == "sqlite" and not urlsplit(url).path.strip("/"):
        return "names no file (use sqlite:///godwit-queue.db)"
    return problem


def _scheme_problem(url: str, schemes: frozenset[str], example: str) -> str | None:
    scheme = urlsplit(url.strip()).scheme
    if "://" not in url or scheme.split("+", 1)[0] not in schemes:
        return f"not a supported URL (use {example})"
    return None
