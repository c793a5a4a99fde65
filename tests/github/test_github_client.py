"""Addresses of GitHub, GitHub Enterprise Server and the sandbox."""

from __future__ import annotations

import pytest

from bot.github.client import api_url, web_url


@pytest.mark.parametrize(
    ("given", "api", "web"),
    [
        ("https://github.com", "https://api.github.com/", "https://github.com"),
        ("https://api.github.com", "https://api.github.com/", "https://github.com"),
        ("https://api.github.com/", "https://api.github.com/", "https://github.com"),
        ("https://ghe.acme.dev", "https://ghe.acme.dev/api/v3/", "https://ghe.acme.dev"),
        ("https://ghe.acme.dev/api/v3", "https://ghe.acme.dev/api/v3/", "https://ghe.acme.dev"),
        ("https://ghe.acme.dev/api/v3/", "https://ghe.acme.dev/api/v3/", "https://ghe.acme.dev"),
        ("http://127.0.0.1:8931", "http://127.0.0.1:8931/api/v3/", "http://127.0.0.1:8931"),
    ],
)
def test_api_and_web_urls(given: str, api: str, web: str) -> None:
    assert (api_url(given), web_url(given)) == (api, web)
