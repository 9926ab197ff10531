"""The harvester's address policy and header parsing, without any network (literal addresses only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from catalogue.config import Settings
from catalogue.errors import HarvestError
from harvesters.http import HttpClient, _retry_after, forbidden_address


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata services
    ("100.64.0.1", "shared"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.251", "multicast"),
    ("240.0.0.1", "reserved"),
    ("192.0.2.10", "private"),  # documentation range
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fc00::1", "private"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback (IPv4 127.0.0.1 inside IPv6)"),
    ("::ffff:10.0.0.1", "private (IPv4 10.0.0.1 inside IPv6)"),
    ("::ffff:169.254.169.254", "link-local (IPv4 169.254.169.254 inside IPv6)"),
    ("2002:7f00:1::", "loopback (IPv4 127.0.0.1 inside IPv6)"),  # 6to4
    ("64:ff9b::a9fe:a9fe", "link-local (IPv4 169.254.169.254 inside IPv6)"),  # NAT64
])
def test_non_public_addresses_are_named(address: str, reason: str) -> None:
    assert forbidden_address(address) is not None
    assert forbidden_address(address).startswith(reason)


@pytest.mark.parametrize("address", ["8.8.8.8", "193.62.193.80", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert forbidden_address(address) is None


def client(tmp_path: Path, allow: bool) -> HttpClient:
    return HttpClient(Settings(data_dir=tmp_path, allow_private_nodes=allow))


@pytest.mark.parametrize(("url", "address", "reason"), [
    ("http://10.0.0.1/catalog.ttl", "10.0.0.1", "private"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
    ("https://[::1]:8443/", "::1", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", "loopback"),
    ("http://100.64.0.1/", "100.64.0.1", "shared"),
    ("http://0.0.0.0:5000/", "0.0.0.0", "unspecified"),
    ("http://2130706433/", "127.0.0.1", "loopback"),  # the decimal spelling of 127.0.0.1
])
def test_check_target_refuses_private_targets_of_redirects(tmp_path: Path, url: str, address: str,
                                                            reason: str) -> None:
    origin = "https://public.example/catalog"
    with pytest.raises(HarvestError) as info:
        client(tmp_path, allow=False)._check_target(url, redirected_from=origin)
    message = info.value.message
    assert f"refused to fetch {url} (redirected from {origin})" in message
    assert address in message and f"a {reason}" in message
    assert "GDI_ALLOW_PRIVATE_NODES=true" in message
    assert info.value.details["address"] == address
    client(tmp_path, allow=True)._check_target(url)  # the setting lifts the refusal


def test_check_target_lets_public_addresses_through(tmp_path: Path) -> None:
    guarded = client(tmp_path, allow=False)
    guarded._check_target("https://93.184.216.34/catalog.ttl")  # checked and pinned; nothing is sent
    assert guarded._guard.pins[("93.184.216.34", 443)] == ("93.184.216.34",)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/c.ttl", "gopher://x/", "http:///path",
                                 "http://[::1/", "javascript:alert(1)"])
def test_check_target_refuses_other_schemes_and_broken_urls(tmp_path: Path, url: str) -> None:
    with pytest.raises(HarvestError, match="only http:// and https:// URLs with a host name"):
        client(tmp_path, allow=True)._check_target(url)


def test_retry_after_values() -> None:
    assert _retry_after("120") == 120.0
    assert _retry_after(" 0 ") == 0.0
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= _retry_after(soon) <= 30
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: retry now
    for bad in (None, "", "soon", "-5", "1.5e3"):
        assert _retry_after(bad) is None
