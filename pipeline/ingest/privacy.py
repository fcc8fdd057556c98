"""Pseudonymisation at the door: emails and phones become keyed hashes (HMAC-SHA256), names go.

The key comes from VF_PSEUDONYM_KEY or a key file created on first run with owner-only
permissions (git ignores it). The hash is computed inside DuckDB, so personal data is never
written anywhere, not even to a temporary table.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import duckdb

_BLOCK = 64  # SHA-256 block size


def load_or_create_key(key_file: Path) -> bytes:
    env = os.environ.get("VF_PSEUDONYM_KEY")
    if env:
        return env.encode("utf-8")
    if key_file.exists():
        return key_file.read_bytes().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32).encode("ascii")
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def install_hmac(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Make `vf_hmac(text)` available in SQL on this connection: HMAC-SHA256 as hex."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    con.execute("SET VARIABLE vf_ipad = unhex($1)", [bytes(b ^ 0x36 for b in key).hex()])
    con.execute("SET VARIABLE vf_opad = unhex($1)", [bytes(b ^ 0x5C for b in key).hex()])
    con.execute(
        "CREATE OR REPLACE TEMP MACRO vf_hmac(msg) AS CASE WHEN msg IS NULL THEN NULL ELSE "
        "sha256(getvariable('vf_opad') || unhex(sha256(getvariable('vf_ipad') || encode(msg))))"
        " END"
    )


def email_sql(col: str) -> str:
    return f"vf_hmac(nullif(lower(trim({col})), ''))"


def phone_sql(col: str) -> str:
    """Digits only; a leading + or 00 keeps the international form (E.164 where possible)."""
    digits = f"regexp_replace({col}, '[^0-9]', '', 'g')"
    e164 = (f"CASE WHEN trim({col}) LIKE '+%' THEN '+' || {digits} "
            f"WHEN {digits} LIKE '00%' THEN '+' || {digits}[3:] ELSE {digits} END")
    return f"vf_hmac(nullif({e164}, ''))"


def hmac_hex(key: bytes, message: str) -> str:
    """The same hash in Python (for tests and for looking up one person on request)."""
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d ()./-]{6,}\d")


def redact(text: str) -> str:
    """Blank out anything that looks like an email or a phone number (for messages and logs)."""
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


def looks_personal(text: str) -> bool:
    """True when the text holds something shaped like an email or a phone number."""
    return bool(_EMAIL.search(text) or _PHONE.search(text))
