"""Where a webhook may go (SSRF): http(s) only, to public addresses unless WEBHOOK_ALLOW_HOSTS names the host.

`check(url)` resolves the host once and answers the address it checked; `post` connects to that very address
(the Host header and the TLS name stay the URL's host), so a DNS answer that changes between the check and the
connection cannot lead the post elsewhere. Checked when an endpoint is registered or changed and at each delivery.
"""
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

TIMEOUT_SECONDS = 5
KEEP_RESPONSE = 500


class UnsafeTarget(ValueError):
    """The URL may not be posted to; the message says why, in Chinese."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent
    ip: str


def allowlist(config=None):
    """(host names, networks) of WEBHOOK_ALLOW_HOSTS: comma-separated host names, addresses or CIDRs."""
    raw = (config or current_app.config).get("WEBHOOK_ALLOW_HOSTS") or ""
    names, nets = set(), []
    for part in (p.strip() for p in str(raw).split(",")):
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            names.add(part.lower().rstrip("."))
    return names, nets


def _public(ip):
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def _plain(ip):
    return ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None else ip


def parse(url):
    """(scheme, host, port, path) of an http(s) URL without credentials, or UnsafeTarget."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget("地址格式不正确") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("地址必须以 http:// 或 https:// 开头")
    if not parts.hostname:
        raise UnsafeTarget("地址缺少主机名")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("地址不能包含用户名或密码")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname.lower().rstrip("."), port or (443 if parts.scheme == "https" else 80), path


def check(url, config=None):
    """The Target of `url`, with the address to connect to; UnsafeTarget when any address of the host is not
    public and the allowlist names neither the host nor that address."""
    scheme, host, port, path = parse(url)
    names, nets = allowlist(config)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget(f"无法解析主机名 {host}") from exc
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnsafeTarget(f"无法解析主机名 {host}")
    for ip in addresses:
        allowed = host in names or any(candidate in net for net in nets for candidate in {ip, _plain(ip)}
                                       if candidate.version == net.version)
        if not allowed and not _public(ip):
            raise UnsafeTarget(f"不允许推送到内网、本机或保留地址（{host} → {ip}）；如确需推送，请由运维在 "
                               "WEBHOOK_ALLOW_HOSTS 中登记")
    return Target(scheme, host, port, path, str(_plain(addresses[0])))  # a mapped IPv4 address: connect over IPv4


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target, timeout):
        super().__init__(target.host, target.port, timeout=timeout)
        self._ip = target.ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


def tls_context(config=None):
    """Certificates checked against the system's CAs, and those of WEBHOOK_CA_BUNDLE (a PEM file: an office's own CA)
    as well when it is set; the name checked is the URL's host."""
    context = ssl.create_default_context()
    bundle = (config or current_app.config).get("WEBHOOK_CA_BUNDLE")
    if bundle:
        context.load_verify_locations(cafile=bundle)
    return context


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target, timeout):
        super().__init__(target.host, target.port, timeout=timeout, context=tls_context())
        self._ip = target.ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target, body, headers, timeout=TIMEOUT_SECONDS):
    """POST `body` (bytes) to the checked address; (status, the first 500 characters of the answer). Redirects
    are answers like any other: never followed."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    conn = kind(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(KEEP_RESPONSE * 4).decode("utf-8", "replace")[:KEEP_RESPONSE]
        return response.status, text
    finally:
        conn.close()
