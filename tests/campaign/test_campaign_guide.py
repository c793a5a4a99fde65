"""The guide URL is copied into PR bodies and code comments: only a plain, public http(s) URL."""

from __future__ import annotations

import pytest

from bot.spec import CampaignError, load_campaign

TEMPLATE = "id: p2\ntitle: t\nguide: '{}'\ntables:\n  - {{old: a-proj.d.t1, new: a-proj.d.t2}}\n"


def guide_problem(url: str) -> str | None:
    try:
        load_campaign(TEMPLATE.format(url.replace("'", "''")))
    except CampaignError as error:
        [issue] = error.errors
        assert (issue.path, issue.line) == ("guide", 3)
        return issue.message
    return None


@pytest.mark.parametrize(
    "url",
    [
        "https://wiki.example.com/migrations/plays-v2",
        "http://wiki.local/p2",
        "https://w.io/p?a=1&b=2#section",
        "https://w.io/p%20q%28x%29",
        "HTTPS://W.IO/p",
        "https://10.0.0.8/internal-wiki",
    ],
)
def test_plain_public_urls_are_accepted(url: str) -> None:
    assert guide_problem(url) is None


LOCAL = "the guide must not point at a loopback or link-local host, got "


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://w.io/p)x", "')' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/p(x", "'(' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/a b", "' ' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/<img>", "'<' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/x>", "'>' is not allowed in the guide URL (percent-encode it)"),
        ('https://w.io/"x', "'\"' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/''x", '"\'" is not allowed in the guide URL (percent-encode it)'),
        ("https://w.io/`x`", "'`' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/[x]", "'[' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/x\\u2028y", "'\\u2028' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/x\\u202ey", "'\\u202e' is not allowed in the guide URL (percent-encode it)"),
        ("https://w.io/x\\ty", "'\\t' is not allowed in the guide URL (percent-encode it)"),
        ("http://127.0.0.1/x", LOCAL + "'127.0.0.1'"),
        ("http://127.9.9.9/", LOCAL + "'127.9.9.9'"),
        ("http://2130706433/", LOCAL + "'127.0.0.1'"),
        ("http://[::1]/", LOCAL + "'[::1]'"),
        ("http://[::ffff:127.0.0.1]/", LOCAL + "'[::ffff:7f00:1]'"),
        ("http://localhost:8080/", LOCAL + "'localhost'"),
        ("http://LOCALHOST./", LOCAL + "'localhost'"),
        ("http://wiki.localhost/", LOCAL + "'wiki.localhost'"),
        ("http://169.254.169.254/latest/meta-data", LOCAL + "'169.254.169.254'"),
        ("http://[fe80::1]/", LOCAL + "'[fe80::1]'"),
        ("http://0.0.0.0/", LOCAL + "'0.0.0.0'"),
        ("javascript:alert(1)", "expected an http(s) URL, got 'javascript:alert(1)'"),
        ("ftp://w.io/p", "expected an http(s) URL, got 'ftp://w.io/p'"),
    ],
)
def test_urls_that_break_markup_or_point_at_local_hosts_are_refused(url: str, message: str) -> None:
    # Invisible characters are spelled as escapes above and decoded here.
    text = url.encode().decode("unicode_escape") if "\\" in url else url
    assert guide_problem(text) == message
