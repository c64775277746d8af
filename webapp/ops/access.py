"""Who may read /metrics: a client address inside METRICS_ALLOW, or a request bearing METRICS_TOKEN."""
import hmac
import ipaddress

from flask import current_app, request

DEFAULT_ALLOW = "127.0.0.1/32,::1/128"


def parse_networks(text):
    """`10.0.0.0/8, 192.168.1.5` → networks; raises ValueError on a bad entry (checked at start)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in (text or "").split(",") if part.strip())


def _address_allowed(networks):
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def _token_presented(token):
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(),
                                                                              token.encode())


def may_scrape():
    config = current_app.config
    return _token_presented(config.get("METRICS_TOKEN")) or _address_allowed(config["METRICS_ALLOW_NETWORKS"])
