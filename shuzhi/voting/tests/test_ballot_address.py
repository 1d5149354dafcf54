"""Which ballot addresses phones cannot open (qr.unreachable_reason): pure, no database."""

import pytest

from shuzhi.voting import qr


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/v/", qr.LOOPBACK),
        ("http://127.8.9.10/v/", qr.LOOPBACK),
        ("http://localhost:8000/v/", qr.LOOPBACK),
        ("http://LOCALHOST./v/", qr.LOOPBACK),
        ("http://shuzhi.localhost/v/", qr.LOOPBACK),
        ("http://[::1]:8000/v/", qr.LOOPBACK),
        ("http://[::ffff:127.0.0.1]/v/", qr.LOOPBACK),
        ("http://0.0.0.0:8000/v/", qr.UNSPECIFIED),
        ("http://[::]:8000/v/", qr.UNSPECIFIED),
        ("http://169.254.10.20/v/", qr.LINK_LOCAL),
        ("http://[fe80::1]/v/", qr.LINK_LOCAL),
        ("http://shuzhi-pc:8000/v/", qr.BARE_NAME),
        ("http://testserver/v/", qr.BARE_NAME),
    ],
)
def test_addresses_phones_cannot_open_are_named(url, reason):
    assert qr.unreachable_reason(url) == reason


@pytest.mark.parametrize(
    "url",
    [
        "http://192.168.1.20:8000/v/",
        "http://10.0.0.5/v/",
        "http://172.16.3.4:8000/v/",
        "https://vote.example.edu.cn/v/",
        "https://shuzhi.zkvtc.edu.cn/v/ABCD/",
        "http://[2001:db8::5]/v/",
    ],
)
def test_lan_and_public_addresses_pass(url):
    assert qr.unreachable_reason(url) is None
