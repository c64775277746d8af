"""OpenID Connect single sign-on: the authorization code flow with PKCE against GOVFLOW_OIDC_ISSUER.

Authlib builds the authorization request and its tokens, joserfc (Authlib's JOSE library) checks the id_token's
signature and claims; the three HTTP calls (discovery, token, keys) use the standard library, since Authlib's
Flask client needs `requests`, which GovFlow does not otherwise depend on.
"""
import base64
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import current_app, session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

PENDING = "oidc_pending"
# Signature algorithms accepted on an id_token (never "none", never a shared-secret HMAC the client also knows).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# A sign-on started more than this long ago is not finished (the provider's login page was left open).
PENDING_SECONDS = 600
UNAVAILABLE = "统一身份认证服务暂时无法访问，请稍后再试或使用密码登录。"
FAILED = "统一身份认证登录失败，请重新登录。"

_metadata = {}  # issuer -> its discovery document, read once per process


class SignOnError(Exception):
    """A sign-on that did not prove who the user is; `message` is for the user, `reason` for the audit log."""

    def __init__(self, message, reason):
        super().__init__(reason)
        self.message, self.reason = message, reason


def enabled():
    return bool(current_app.config.get("OIDC_ISSUER"))


def authorization_url(redirect_uri, next_path):
    """Where to send the browser to sign on; remembers state, nonce and the PKCE verifier in the session."""
    meta = _discovery()
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    session[PENDING] = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_path,
                        "started": int(time.time())}
    return prepare_grant_uri(meta["authorization_endpoint"], current_app.config["OIDC_CLIENT_ID"], "code",
                             redirect_uri=redirect_uri, scope="openid profile", state=state, nonce=nonce,
                             code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256")


def finish(args, redirect_uri):
    """Check the provider's answer and return (the signed-on username, the path to go to next).

    Raises SignOnError for anything that does not prove the user: a refusal at the provider, a state not started
    in this browser (a forged or replayed callback), a token that is not signed by the provider's keys, not for
    this client, expired, or without the nonce of this sign-on.
    """
    pending = session.pop(PENDING, None)
    if pending is None or not hmac.compare_digest(args.get("state", ""), pending["state"]):
        raise SignOnError(FAILED, "state does not match a sign-on started in this browser")
    if int(time.time()) - pending["started"] > PENDING_SECONDS:
        raise SignOnError(FAILED, "sign-on started too long ago")
    if args.get("error"):
        raise SignOnError(FAILED, f"provider refused: {args.get('error')}")
    if not args.get("code"):
        raise SignOnError(FAILED, "no authorization code")
    meta = _discovery()
    tokens = _post_form(meta["token_endpoint"], {"grant_type": "authorization_code", "code": args["code"],
                                                 "redirect_uri": redirect_uri, "code_verifier": pending["verifier"]})
    if not isinstance(tokens.get("id_token"), str):
        raise SignOnError(FAILED, "token response without id_token")
    claims = _verified_claims(tokens["id_token"], meta, pending["nonce"])
    username = claims.get(current_app.config["OIDC_USERNAME_CLAIM"])
    if not isinstance(username, str) or not username:
        raise SignOnError(FAILED, f"id_token without the claim {current_app.config['OIDC_USERNAME_CLAIM']}")
    return username, pending["next"]


def _verified_claims(id_token, meta, nonce):
    cfg = current_app.config
    keys = KeySet.import_key_set(_get_json(meta["jwks_uri"]))
    allowed = [alg for alg in meta.get("id_token_signing_alg_values_supported", ["RS256"]) if alg in ALGORITHMS]
    try:
        token = jwt.decode(id_token, keys, algorithms=allowed or ["RS256"])
        # Token lifetimes are the provider's real time, not the demo clock.
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": cfg["OIDC_ISSUER"]},
            aud={"essential": True, "value": cfg["OIDC_CLIENT_ID"]},
            sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
            nonce={"essential": True, "value": nonce}, leeway=60).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise SignOnError(FAILED, f"id_token refused: {exc}") from exc
    audience = token.claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and token.claims.get("azp") != cfg["OIDC_CLIENT_ID"]:
        raise SignOnError(FAILED, "id_token for several audiences without this client as azp")
    return token.claims


def _discovery():
    issuer = current_app.config["OIDC_ISSUER"]
    if issuer not in _metadata:
        meta = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if meta.get("issuer") != issuer:
            raise SignOnError(UNAVAILABLE, f"discovery names issuer {meta.get('issuer')!r}, not {issuer!r}")
        _metadata[issuer] = meta
    return _metadata[issuer]


def _get_json(url):
    return _call(urllib.request.Request(url, headers={"Accept": "application/json"}))


def _post_form(url, form):
    cfg = current_app.config
    # client_secret_basic: both parts form-encoded first (RFC 6749 section 2.3.1).
    pair = ":".join(urllib.parse.quote(cfg[key], safe="") for key in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"))
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST", headers={
        "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "Basic " + base64.b64encode(pair.encode()).decode()})
    return _call(request)


def _call(request):
    try:
        with urllib.request.urlopen(request, timeout=current_app.config["OIDC_TIMEOUT"]) as response:
            document = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        raise SignOnError(FAILED, f"{request.full_url} answered {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise SignOnError(UNAVAILABLE, f"{request.full_url}: {exc}") from exc
    if not isinstance(document, dict):
        raise SignOnError(FAILED, f"{request.full_url} answered no JSON object")
    return document
