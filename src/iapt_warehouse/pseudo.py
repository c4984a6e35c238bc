"""Pseudonymisation at the staging boundary.

Staging never carries an NHS number, a date of birth, a full postcode or a local patient id. It carries
keyed HMAC-SHA256 digests instead:

* `person_key`: the person, across providers: the NHS number when it is valid by the modulus-11 check
  (checked with the `nhs-number` package), else provider + local patient id;
* `pseudo_id`: a provider's local identifier (provider + id), so referrals still join to their patient.

These functions are the reference: Spark calls them as UDFs; on DuckDB the models compute the same digests in
SQL (macros/iapt/pseudonymise.sql, rule keyed_digests_in_duckdb), and a dbt test compares the two.

The key comes from the environment variable IAPT_PSEUDO_KEY and nowhere else: it is never written to the
repository, the warehouse, compiled SQL or logs. `make` creates a random key in the git-ignored file
`.iapt_pseudo_key` when the variable is unset, and exports it. The same key gives the same digests, so
keep it to keep keys stable across rebuilds.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache

import nhs_number

KEY_VARIABLE = "IAPT_PSEUDO_KEY"


class MissingKeyError(RuntimeError):
    """IAPT_PSEUDO_KEY is not set."""


def key_from_environment() -> bytes:
    value = os.environ.get(KEY_VARIABLE, "")
    if len(value) < 16:
        raise MissingKeyError(
            f"{KEY_VARIABLE} is not set (or shorter than 16 characters): the pseudonymisation key must come"
            " from the environment; `make build` creates one in .iapt_pseudo_key"
        )
    return value.encode("utf-8")


@lru_cache(maxsize=4)
def _keyed_hmac(key: bytes) -> hmac.HMAC:
    """The HMAC state after the key: each digest copies it instead of hashing the key's pads again."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _digest(key: bytes, basis: str) -> str:
    keyed = _keyed_hmac(key).copy()
    keyed.update(basis.encode("utf-8"))
    return keyed.hexdigest()


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer key pads (RFC 2104) for `key`: with them SQL computes the same digest as
    `_digest` (sha256(outer || sha256(inner || message))); the dbt plugin gives them to DuckDB."""
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def valid_nhs_number(value: str | None) -> str | None:
    """The ten digits of a valid NHS number (spaces and dashes removed), else None. An NHS number is ASCII: a
    value with any other character is not one (rule keyed_digests_in_duckdb: the SQL version in
    macros/iapt/pseudonymise.sql agrees with this function on every value)."""
    if not value or not value.isascii():
        return None
    if len(value) == 10 and value.isdigit():  # the usual shape: nothing to remove
        return value if nhs_number.is_valid(value) else None  # type: ignore[attr-defined]
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 10 or digits != value.replace(" ", "").replace("-", "").strip():
        return None
    return digits if nhs_number.is_valid(digits) else None  # type: ignore[attr-defined]


# Named rule patient_keys_cached_across_models: the models compute the keys once per distinct identifier
# (macro with_patient_keys), and one dbt process builds every model, so the caches only pay where the same
# identifier reaches the functions again. pseudo_id is called by eight v2.0 models (and three v1.5) for the
# same (provider, local patient id): its cache holds every identifier of a national year (2.2 million,
# about 360 bytes each, 0.8 GB). person_key is called by the two patient models only, each identifier once:
# a small cache (v1.5 employment statuses are keyed row by row, through pseudo_id). docs/performance.md.
_PSEUDO_ID_CACHE = 1 << 22
_PERSON_KEY_CACHE = 1 << 16


@lru_cache(maxsize=_PERSON_KEY_CACHE)
def person_key(key: bytes, nhs: str | None, provider: str | None, local_id: str | None) -> str | None:
    """HMAC of the valid NHS number, else of provider + local patient id; None when neither exists."""
    digits = valid_nhs_number(nhs)
    if digits:
        return _digest(key, f"nhs:{digits}")
    if provider and local_id and local_id.strip():
        return _digest(key, f"local:{provider.strip().upper()}:{local_id.strip()}")
    return None


@lru_cache(maxsize=_PSEUDO_ID_CACHE)
def pseudo_id(key: bytes, provider: str | None, local_id: str | None) -> str | None:
    """HMAC of a provider's local identifier; None when the id is empty."""
    if not provider or not local_id or not local_id.strip():
        return None
    return _digest(key, f"id:{provider.strip().upper()}:{local_id.strip()}")
