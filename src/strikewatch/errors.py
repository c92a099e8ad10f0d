"""Errors with stable codes.

Every failure a user can meet carries a short, stable, documented code
(``docs/errors.md``; a test checks that every code here is documented).
A document that fails is quarantined with its code and reason; the CLI prints
one line ``error[CODE]: message`` and exits non-zero, never a traceback.
"""

from __future__ import annotations

#: code -> one-line meaning. Codes are part of the public interface: never
#: rename or reuse one; add new ones.
CODES: dict[str, str] = {
    "usage": "The command was called with invalid arguments.",
    "internal": "An unexpected failure inside strikewatch (a bug: please report it).",
    "not_found": "The requested file, document or record does not exist.",
    "unsupported_type": "The input is of a kind strikewatch does not ingest.",
    "unreadable": "The input could not be read from disk.",
    "bad_json": "A JSON or JSON Lines input is not valid JSON, or not an object.",
    "missing_field": "A required field (such as `text` or `id`) is missing or empty.",
    "bad_field": "A field has the wrong type or an invalid value.",
    "empty_text": "No text remained after decoding and HTML reduction.",
    "too_large": "The input exceeds a size cap (raw, decompressed or parsed).",
    "bad_scheme": "The URL's scheme is not http or https.",
    "bad_url": "The URL cannot be parsed or has no host.",
    "blocked_address": "The URL's host resolves to a non-public address (loopback, private, link-local, metadata, ...).",
    "dns_failed": "The URL's host name could not be resolved.",
    "fetch_failed": "The network request failed (connection, TLS, timeout, protocol).",
    "http_status": "The server answered with an error status.",
    "too_many_redirects": "The redirect chain was too long.",
    "bad_encoding": "The response used a content encoding that cannot be decoded.",
    "feed_rejected": "The feed contains forbidden XML constructs (DTD, entities, external references).",
    "feed_invalid": "The feed is not well-formed RSS or Atom.",
    "archive_mismatch": "Archived raw bytes no longer match their SHA-256.",
    "db_error": "The database could not be opened or written.",
    "verify_failed": "The archive or the audit chain failed verification.",
    "unsupported_language": "The document was read, but no extractor exists for its language yet.",
    "bad_request": "An API request's parameters or body are malformed or out of range.",
    "unauthorized": "The request needs a login or an API token, and has none that is valid.",
    "forbidden": "The account's role does not allow this action.",
    "csrf_failed": "A form or cookie-authenticated write came without the session's CSRF token.",
    "rate_limited": "Too many attempts (for example failed logins); wait and try again.",
    "conflict": "The request conflicts with what is stored (an existing name, a retired incident).",
    "review_invalid": "A review action names a field that cannot be edited, an invalid value, or no reason.",
    "bad_backup": "A backup file is not a strikewatch backup, is cut or altered, or does not verify once restored.",
    "missing_extra": "The option needs an optional extra that is not installed (for example `link --engine splink`: pip install 'strikewatch[link]').",
}


class StrikewatchError(Exception):
    """Base of every expected failure; ``code`` is one of :data:`CODES`."""

    code = "internal"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if self.code not in CODES:  # pragma: no cover - programming error
            raise ValueError(f"unknown error code {self.code!r}")
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def __str__(self) -> str:
        return self.message


class UsageError(StrikewatchError):
    code = "usage"


class InputError(StrikewatchError):
    """A problem with one input document (quarantine it, carry on)."""

    code = "bad_field"


class TooLarge(InputError):
    code = "too_large"


class FetchError(InputError):
    """A URL could not be fetched; ``code`` says why."""

    code = "fetch_failed"


class BlockedAddress(FetchError):
    code = "blocked_address"


class FeedError(InputError):
    code = "feed_invalid"


class StoreError(StrikewatchError):
    code = "db_error"


class IntegrityError(StrikewatchError):
    code = "archive_mismatch"
