"""Accounts, sessions, API tokens and settings: the SQL behind web/auth.py.

Passwords are argon2id hashes made by the caller; this module never sees a
password. Session cookies and API tokens are random; only their SHA-256 is
stored. Account, token and setting changes are audited rows; logins,
logouts and reads of sensitive fields are audit events.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import StrikewatchError
from .clock import utcnow

ROLES = ("viewer", "analyst", "admin")
TOKEN_PREFIX = "swt_"


def token_digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _later(**delta: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat(timespec="microseconds").replace("+00:00", "Z")


class AccountStore:
    """Mixed into :class:`~strikewatch.store.repo.Store`."""

    conn: Any
    actor: str

    # -- users ------------------------------------------------------------

    def add_user(self, username: str, role: str, password_hash: str) -> int:
        if role not in ROLES:
            raise StrikewatchError(f"role must be one of {', '.join(ROLES)}", code="bad_field")
        if self.conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise StrikewatchError(f"user {username!r} exists", code="conflict")
        return self._write("users", {"username": username, "role": role, "password_hash": password_hash,
                                     "created_at": utcnow()})

    def user(self, username: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT id, username, role, password_hash, created_at, revoked_at FROM users WHERE username = ?",
            (username,)).fetchone()
        return _user(row)

    def user_by_id(self, user_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT id, username, role, password_hash, created_at, revoked_at FROM users WHERE id = ?",
            (user_id,)).fetchone()
        return _user(row)

    def list_users(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, username, role, password_hash, created_at, revoked_at FROM users ORDER BY username")
        return [{k: v for k, v in _user(r).items() if k != "password_hash"} for r in rows]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._write("users", {"id": user_id, "password_hash": password_hash}, action="update")

    def revoke_user(self, username: str) -> dict[str, Any]:
        """Revoke an account: no more logins, its sessions end, its tokens stop."""
        with self.transaction():
            u = self.user(username)
            if u is None:
                raise StrikewatchError(f"no user {username!r}", code="not_found")
            now = utcnow()
            if not u["revoked_at"]:
                self._write("users", {"id": u["id"], "revoked_at": now}, action="update")
            self.conn.execute("DELETE FROM sessions WHERE user_id = ?", (u["id"],))
            for (tid,) in self.conn.execute(
                    "SELECT id FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL", (u["id"],)).fetchall():
                self._write("api_tokens", {"id": tid, "revoked_at": now}, action="update")
        return self.user(username)

    # -- sessions -----------------------------------------------------------

    def create_session(self, user_id: int, *, hours: float = 12) -> tuple[str, str]:
        """A new session: (cookie value, CSRF token). Only the cookie's digest is kept."""
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.transaction():
            self.conn.execute("DELETE FROM sessions WHERE expires_at < ?", (utcnow(),))
            self.conn.execute(
                "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                (token_digest(cookie), user_id, csrf, utcnow(), _later(hours=hours)))
            self._audit("login", "users", user_id, {"via": "password"})
        return cookie, csrf

    def session(self, cookie: str) -> tuple[dict[str, Any], str] | None:
        """(user, CSRF token) for a live session cookie of an account not revoked."""
        row = self.conn.execute(
            "SELECT s.user_id, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.id = ? AND s.expires_at > ? AND u.revoked_at IS NULL",
            (token_digest(cookie), utcnow())).fetchone()
        if row is None:
            return None
        return self.user_by_id(row[0]), row[1]

    def end_session(self, cookie: str) -> None:
        with self.transaction():
            row = self.conn.execute("SELECT user_id FROM sessions WHERE id = ?", (token_digest(cookie),)).fetchone()
            if row:
                self.conn.execute("DELETE FROM sessions WHERE id = ?", (token_digest(cookie),))
                self._audit("logout", "users", row[0], {})

    # -- API tokens -----------------------------------------------------------

    def create_token(self, user_id: int, name: str, *, days: float = 90) -> tuple[str, dict[str, Any]]:
        """A new API token: (the token, shown once; its record)."""
        value = TOKEN_PREFIX + secrets.token_urlsafe(32)
        tid = self._write("api_tokens", {"token_hash": token_digest(value), "user_id": user_id, "name": name,
                                         "created_at": utcnow(), "expires_at": _later(days=days)})
        return value, self.token(tid)

    def token(self, token_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT t.id, t.name, u.username, t.created_at, t.expires_at, t.revoked_at FROM api_tokens t"
            " JOIN users u ON u.id = t.user_id WHERE t.id = ?", (token_id,)).fetchone()
        return _token(row)

    def list_tokens(self, user_id: int | None = None) -> list[dict[str, Any]]:
        sql = ("SELECT t.id, t.name, u.username, t.created_at, t.expires_at, t.revoked_at FROM api_tokens t"
               " JOIN users u ON u.id = t.user_id")
        args: list[Any] = []
        if user_id is not None:
            sql += " WHERE t.user_id = ?"
            args.append(user_id)
        return [_token(r) for r in self.conn.execute(sql + " ORDER BY t.id", args)]

    def token_user(self, value: str) -> dict[str, Any] | None:
        """The account behind a live API token."""
        row = self.conn.execute(
            "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?"
            " AND t.revoked_at IS NULL AND t.expires_at > ? AND u.revoked_at IS NULL",
            (token_digest(value), utcnow())).fetchone()
        return self.user_by_id(row[0]) if row else None

    def revoke_token(self, token_id: int) -> dict[str, Any]:
        with self.transaction():
            t = self.token(token_id)
            if t is None:
                raise StrikewatchError(f"no token {token_id}", code="not_found")
            if not t["revoked_at"]:
                self._write("api_tokens", {"id": token_id, "revoked_at": utcnow()}, action="update")
        return self.token(token_id)

    # -- settings and audit events -------------------------------------------

    def setting(self, name: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def set_setting(self, name: str, value: str) -> None:
        with self.transaction():
            exists = self.conn.execute("SELECT 1 FROM settings WHERE name = ?", (name,)).fetchone()
            self._write("settings", {"name": name, "value": value, "updated_at": utcnow()},
                        action="update" if exists else "insert")

    def audit_event(self, action: str, entity: str, entity_id: Any, **payload: Any) -> None:
        """Record an event that changes no row (a read of sensitive fields, a refused login)."""
        with self.transaction():
            self._audit(action, entity, entity_id, payload)

    def audit_entries(self, *, entity: str | None = None, entity_id: Any = None,
                      limit: int = 100) -> list[dict[str, Any]]:
        sql, args = "SELECT seq, ts, actor, action, entity, entity_id, payload FROM audit_log", []
        if entity is not None:
            sql += " WHERE entity = ?" + (" AND entity_id = ?" if entity_id is not None else "")
            args = [entity] + ([str(entity_id)] if entity_id is not None else [])
        sql += " ORDER BY seq DESC LIMIT ?"
        return [{"seq": s, "ts": t, "actor": a, "action": ac, "entity": e, "entity_id": i, "payload": p}
                for s, t, a, ac, e, i, p in self.conn.execute(sql, [*args, limit])]


def _user(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    uid, username, role, password_hash, created, revoked = row
    return {"id": uid, "username": username, "role": role, "password_hash": password_hash,
            "created_at": created, "revoked_at": revoked}


def _token(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    tid, name, username, created, expires, revoked = row
    return {"id": tid, "name": name, "username": username, "created_at": created, "expires_at": expires,
            "revoked_at": revoked}
