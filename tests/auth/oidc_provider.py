"""A small OpenID Connect provider on localhost for the tests: discovery, JWKS, authorize and token endpoints with
real RS256-signed id_tokens, run by werkzeug in a thread.

Its login page is skipped: whoever the test names with `sign_in_as` is the person at the provider's keyboard.
"""
import base64
import hashlib
import secrets
import threading
import time
import urllib.parse

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "govflow"
CLIENT_SECRET = "govflow-secret-at-the-provider"
REDIRECT_URI = "http://localhost/login/sso/callback"


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-key", "use": "sig", "alg": "RS256"},
                                       private=True)
        self.signing_key = self.key  # a test may swap in a key the provider never published
        self.claims = {}  # extra claims of the next id_token, e.g. {"preferred_username": "writer_a"}
        self.overrides = {}  # claims replaced after the normal ones (a wrong aud, an old exp...)
        self.codes = {}
        self.token_requests = 0
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def sign_in_as(self, username, subject=None, **claims):
        self.claims = {"sub": subject or f"sub-{username}", "preferred_username": username, **claims}

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join()

    def _build(self):
        app = Flask("oidc_provider")
        provider = self

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=provider.issuer, authorization_endpoint=f"{provider.issuer}/authorize",
                           token_endpoint=f"{provider.issuer}/token", jwks_uri=f"{provider.issuer}/jwks",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           token_endpoint_auth_methods_supported=["client_secret_basic"],
                           code_challenge_methods_supported=["S256"])

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([provider.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != CLIENT_ID or args.get("redirect_uri") != REDIRECT_URI:
                abort(400)  # never redirect to an unregistered address
            if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split() \
                    or args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                return redirect(_with_query(REDIRECT_URI, error="invalid_request", state=args.get("state", "")))
            code = secrets.token_urlsafe(24)
            provider.codes[code] = {"nonce": args.get("nonce"), "challenge": args["code_challenge"],
                                    "claims": dict(provider.claims)}
            return redirect(_with_query(REDIRECT_URI, code=code, state=args.get("state", "")))

        @app.post("/token")
        def token():
            provider.token_requests += 1
            if request.authorization is None or (request.authorization.username, request.authorization.password) \
                    != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            grant = provider.codes.pop(request.form.get("code", ""), None)  # a code is good once
            if grant is None or request.form.get("redirect_uri") != REDIRECT_URI:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "").encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
            if challenge != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            now = int(time.time())
            claims = {"iss": provider.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **grant["claims"]}
            if grant["nonce"]:
                claims["nonce"] = grant["nonce"]
            claims.update(provider.overrides)
            id_token = jwt.encode({"alg": "RS256", "kid": provider.signing_key.kid}, claims, provider.signing_key)
            return jsonify(access_token=secrets.token_urlsafe(24), token_type="Bearer", expires_in=300,
                           id_token=id_token)

        return app


def _with_query(url, **params):
    return f"{url}?{urllib.parse.urlencode(params)}"
