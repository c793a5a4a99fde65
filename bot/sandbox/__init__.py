"""A stateful local GitHub: the REST API subset Godwit uses, webhooks, faults and limits.

Godwit is a GitHub App and github.com is out of reach in tests, benchmarks and demos; this
package serves the same API on loopback with real git object ids, so Godwit runs end to end::

    sandbox = Sandbox()
    sandbox.create_org("acme")
    sandbox.create_user("alice")
    app = sandbox.create_app("godwit", webhook_url="http://127.0.0.1:8000/webhooks")
    sandbox.create_repo("acme", "etl", {"sql/daily.sql": "SELECT 1\\n"})
    installation_id = sandbox.install(app.app_id, "acme")
    with serve(sandbox) as server:
        gh = GitHub(AppAuthStrategy(app.app_id, app.private_key_pem), base_url=server.api_url)
        sandbox.open_issue("acme/etl", "alice", "Retire legacy.events")  # sends ``issues``

Modules: ``state`` (data), ``gitobjects`` (git ids, trees, tarballs), ``auth`` (JWTs and
tokens), ``shapes*`` (GitHub's JSON), ``ops_*`` (changes plus their webhooks), ``routes_*``
(REST endpoints), ``webhooks`` (delivery), ``limits`` (faults, secondary limits, request log),
``admin`` and ``people`` (the Python API), ``server`` (uvicorn in a thread).
"""

from bot.sandbox.admin import AppCredentials
from bot.sandbox.limits import FaultRule, LimitConfig
from bot.sandbox.people import Sandbox
from bot.sandbox.server import SandboxServer, serve

__all__ = ["AppCredentials", "FaultRule", "LimitConfig", "Sandbox", "SandboxServer", "serve"]
