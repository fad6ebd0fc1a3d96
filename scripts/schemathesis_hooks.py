"""Schemathesis hooks for scripts/schemathesis: authenticate as the demo operator.

The run exercises every operation, token revocation and sign-out included, so the token it
starts with may be revoked by one of its own requests. The provider below signs in and creates
a fresh personal access token whenever the current one is refused (401), and every five
minutes otherwise.
"""

import json
import os
import urllib.request

import schemathesis

BASE = os.environ["SPORTELLO_BASE"]
EMAIL = os.environ.get("SPORTELLO_EMAIL", "operator@sportello.demo")
PASSWORD = os.environ.get("SPORTELLO_PASSWORD", "sportello-demo")


def _post(path, body, headers):
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", **headers},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response), response.headers


@schemathesis.auth(refresh_interval=300, retry_on=[401])
class OperatorToken:
    def get(self, case, ctx):
        session, headers = _post("/api/v1/session", {"email": EMAIL, "password": PASSWORD}, {})
        cookies = "; ".join(
            value.split(";", 1)[0] for value in headers.get_all("set-cookie") or []
        )
        created, _ = _post(
            "/api/v1/tokens",
            {"name": "schemathesis"},
            {"cookie": cookies, "x-csrf-token": session["csrf_token"]},
        )
        return created["token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    """A list's `after` is a cursor the list itself gave (`next` of the page before): data
    generated from its schema is almost never one, and the server rightly refuses it with 400
    `malformed_query`. Schemathesis is told that only the empty value (the first page) is valid,
    so every other value it sends is expected to be refused; the served document is unchanged."""
    for path in raw_schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") == "after":
                    parameter["schema"] = {"type": "string", "maxLength": 0}
