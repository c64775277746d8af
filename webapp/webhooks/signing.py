"""The signing secret of an endpoint: made once, kept encrypted with a key derived from SECRET_KEY, and the
signature of each delivery: `X-GovFlow-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>`."""
import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

PREFIX = "whsec_"


def new_secret():
    return PREFIX + secrets.token_urlsafe(32)


def _box():
    key = hashlib.sha256(b"govflow-webhook-secrets:" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret):
    return _box().encrypt(secret.encode()).decode("ascii")


def unseal(sealed):
    """The secret, or ValueError when SECRET_KEY changed since it was sealed (register the endpoint anew)."""
    try:
        return _box().decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ValueError("签名密钥无法解密（SECRET_KEY 已更换？），请重新生成密钥") from exc


def signature(secret, timestamp, body):
    """The header value for `body` (bytes) sent at `timestamp` (whole seconds since the epoch)."""
    mac = hmac.new(secret.encode(), f"{int(timestamp)}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={int(timestamp)},v1={mac}"


def verify(secret, header, body, now, tolerance=300):
    """What a receiver does (the docs' example and the tests): True when the header signs `body` within
    `tolerance` seconds of `now`."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
