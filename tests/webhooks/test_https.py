"""The HTTPS path of a delivery, against a local HTTPS receiver whose certificate a CA made in the test signs
(`cryptography`), trusted through WEBHOOK_CA_BUNDLE: the post goes to the address checked (no second lookup), with the
URL's name as Host and as the TLS server name (SNI) and checked against the certificate, signed; a certificate the
settings do not trust, or made out to another name, fails the attempt, which is recorded and retried."""
import datetime
import hashlib
import hmac
import ipaddress
import socket
import ssl
import threading
import time
from http.server import ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from webapp.core import clock
from webapp.extensions import db
from webapp.webhooks import delivery, dispatch, signing
from webapp.webhooks.models import WebhookDelivery, WebhookEndpoint

from .conftest import Receiver, _handler

NAME = "hooks.govflow.test"  # resolved by the test alone (see `dns`)
SECRET = "whsec_https-test"


def _name(common):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca(tmp_path, label):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(label)).issuer_name(_name(label)).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    path = tmp_path / f"{label}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def _leaf(tmp_path, ca_key, ca_cert, dns_name, label):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(dns_name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{label}.crt", tmp_path / f"{label}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TLSReceiver(Receiver):
    def __init__(self, cert_path, key_path):
        super().__init__()
        self.server_names, self.peers = [], []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        context.sni_callback = self._hello
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _hello(self, sock, server_name, _context):
        """The TLS ClientHello: the name asked for (SNI) and the address it came from, before any certificate."""
        self.server_names.append(server_name)
        self.peers.append(sock.getpeername()[0])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pki(tmp_path):
    ca_key, ca_cert, ca_path = _ca(tmp_path, "govflow-test-ca")
    return {"ca": ca_path, "good": _leaf(tmp_path, ca_key, ca_cert, NAME, "good"),
            "other_name": _leaf(tmp_path, ca_key, ca_cert, "elsewhere.govflow.test", "other-name")}


@pytest.fixture
def dns(monkeypatch):
    """NAME resolves to 127.0.0.1 on its first lookup and to a documentation address after it (as a rebinding DNS
    would): a post that looked the name up again would go elsewhere. Other names resolve as usual."""
    real, lookups = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != NAME:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        ip = "127.0.0.1" if len(lookups) == 1 else "192.0.2.77"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


@pytest.fixture
def settings(app, pki, monkeypatch):
    """The name allowlisted (it resolves to loopback), the test's CA trusted; the deliverer thread kept out (the
    tests attempt the delivery themselves)."""
    monkeypatch.setattr(dispatch, "wake", lambda _app: None)
    before = {k: app.config.get(k) for k in ("WEBHOOK_ALLOW_HOSTS", "WEBHOOK_CA_BUNDLE")}
    app.config.update(WEBHOOK_ALLOW_HOSTS=NAME, WEBHOOK_CA_BUNDLE=str(pki["ca"]))
    yield app.config
    dispatch.stop(app)
    app.config.update(before)


def _receiver(request, paths):
    rx = TLSReceiver(*paths)
    request.addfinalizer(rx.close)
    return rx


def _pending(org, url):
    endpoint = WebhookEndpoint(unit_id=org.units["city"].id, name="HTTPS 接收端", url=url, events=["item.adopted"],
                               secret_encrypted=signing.seal(SECRET), created_by_id=org.users["admin"].id)
    db.session.add(endpoint)
    db.session.flush()
    (row,) = delivery.create([endpoint], "item.adopted", {"event": "item.adopted", "object_id": 7, "title": "采用"})
    db.session.commit()
    return row


def test_https_delivery_goes_to_the_checked_address_with_the_name_as_host_and_sni(app, org, pki, dns, settings,
                                                                                  request):
    rx = _receiver(request, pki["good"])
    row = _pending(org, f"https://{NAME}:{rx.port}/hooks/govflow")
    assert delivery.attempt(row.id) == "sent", row.last_error
    db.session.commit()
    assert (row.state, row.attempts, row.last_status) == ("sent", 1, 200)
    (path, headers, body), = rx.wait_for(1)
    assert dns == [NAME]  # looked up once, by the check: the connection went to the address checked
    assert rx.peers == ["127.0.0.1"]
    assert rx.server_names == [NAME]  # SNI: the URL's name, not the address
    assert headers["Host"] == f"{NAME}:{rx.port}" and path == "/hooks/govflow"
    assert body == row.body.encode("utf-8")
    assert signing.verify(SECRET, headers["X-GovFlow-Signature"], body, time.time())
    assert not signing.verify("whsec_other", headers["X-GovFlow-Signature"], body, time.time())
    t, mac = (part.split("=", 1)[1] for part in headers["X-GovFlow-Signature"].split(","))  # by hand, as a receiver
    assert hmac.compare_digest(mac, hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest())
    assert headers["X-GovFlow-Delivery"] == str(row.id)


@pytest.mark.parametrize("case", ["untrusted", "other_name"])
def test_a_certificate_not_trusted_or_for_another_name_fails_and_is_retried(app, org, pki, dns, settings, request,
                                                                             tmp_path, case):
    if case == "untrusted":  # a CA the settings do not name
        stranger_key, stranger_cert, _path = _ca(tmp_path, "stranger-ca")
        paths = _leaf(tmp_path, stranger_key, stranger_cert, NAME, "stranger")
    else:
        paths = pki["other_name"]
    rx = _receiver(request, paths)
    row = _pending(org, f"https://{NAME}:{rx.port}/hooks/govflow")
    started = clock.now()
    assert delivery.attempt(row.id) == "pending"
    db.session.commit()
    assert row.attempts == 1 and row.last_status is None and row.state == "pending"
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error or "certificate" in row.last_error.lower(), row.last_error
    assert row.next_attempt_dt >= started + datetime.timedelta(seconds=60)  # retried after the first backoff
    assert rx.requests == []  # nothing was posted
    assert rx.server_names == [NAME] and rx.peers == ["127.0.0.1"]  # it did reach the checked address

    db.session.get(WebhookDelivery, row.id).attempts = delivery.MAX_ATTEMPTS - 1  # the last attempt fails it
    row.next_attempt_dt = clock.now()
    db.session.commit()
    dns.clear()  # the next attempt checks the name again: first lookup of the fixture's sequence
    assert delivery.attempt(row.id) == "failed"
    db.session.commit()
    assert row.state == "failed" and row.attempts == delivery.MAX_ATTEMPTS


def test_without_the_bundle_the_test_ca_is_not_trusted(app, org, pki, dns, settings, request):
    settings["WEBHOOK_CA_BUNDLE"] = ""
    rx = _receiver(request, pki["good"])
    row = _pending(org, f"https://{NAME}:{rx.port}/hook")
    assert delivery.attempt(row.id) == "pending"
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error, row.last_error
    assert ipaddress.ip_address(rx.peers[0]).is_loopback
