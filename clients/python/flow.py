"""The API flow of an integrator, through the Python client that openapi-python-client generates
from Sportello's OpenAPI document (scripts/api-clients): sign in, create a personal access token,
link a contract, read its balance, file a support request with an Idempotency-Key and retry it.
Every call is a generated function named after its operationId.

Usage (with the generated `sportello_client` package importable): python flow.py BASE_URL
"""

import sys
import time

from sportello_client import AuthenticatedClient, Client
from sportello_client.api.contracts import get_contract, link_contract, list_organization_contracts
from sportello_client.api.requests import create_support_request
from sportello_client.api.session import get_signed_in_account, sign_in
from sportello_client.api.tokens import create_token
from sportello_client.models import LinkBody, RequestBody, SessionCreated, SignInBody, TokenBody


def check(condition: object, message: str) -> None:
    if not condition:
        raise SystemExit(f"Python client flow FAILED: {message}")


def main(base: str) -> None:
    print("1. Sign in as Contoso's Global admin (session cookie + CSRF token)")
    anonymous = Client(base_url=base)
    signed_in = sign_in.sync_detailed(
        client=anonymous, body=SignInBody(email="admin@contoso.demo", password="sportello-demo")
    )
    check(isinstance(signed_in.parsed, SessionCreated), f"sign_in answered {signed_in.status_code}")
    session = anonymous.get_httpx_client().cookies.get("sportello_session")
    check(session, "sign_in set no session cookie")

    print("2. Create a personal access token (shown once)")
    # Cookie-authenticated writes send the session's CSRF token.
    with_session = AuthenticatedClient(
        base_url=base,
        token=signed_in.parsed.csrf_token,
        prefix="",
        auth_header_name="X-CSRF-Token",
        cookies={"sportello_session": session},
    )
    created = create_token.sync_detailed(client=with_session, body=TokenBody(name="Python client flow"))
    check(created.status_code == 201, f"create_token answered {created.status_code}")
    api = AuthenticatedClient(base_url=base, token=created.parsed.token)

    print("3. Read the organization's contracts (admins see the Access ID)")
    me = get_signed_in_account.sync(client=api)
    check(me is not None and isinstance(me.organization_id, int), "get_signed_in_account failed")
    owned = list_organization_contracts.sync(client=api, org_id=me.organization_id)
    contract = next((c for c in (owned.items if owned else []) if c.plan == "product_support"), None)
    check(contract is not None and isinstance(contract.access_id, str), "no product_support contract")

    print(f"4. Link contract {contract.contract_id} (201 linked, 200 already linked)")
    linked = link_contract.sync_detailed(
        client=api, body=LinkBody(contract_id=contract.contract_id, access_id=contract.access_id)
    )
    check(linked.status_code in (200, 201), f"link_contract answered {linked.status_code}")

    before = get_contract.sync(client=api, contract_id=contract.contract_id)
    check(before is not None and isinstance(before.remaining, int), "get_contract failed")
    print(f"5. Remaining incidents: {before.remaining}")

    print("6. File a support request with an Idempotency-Key, then retry it")
    key = f"python-flow-{time.time_ns()}"
    body = RequestBody(
        title="Availability group does not fail over",
        description="Filed by the Python client flow",
        product="sql-server",
        version="2022",
        severity="B",
        plan=contract.contract_id,
    )
    first = create_support_request.sync_detailed(client=api, body=body, idempotency_key=key)
    check(first.status_code == 201, f"create_support_request answered {first.status_code}: {first.content!r}")
    retry = create_support_request.sync_detailed(client=api, body=body, idempotency_key=key)
    check(retry.status_code == 200, f"the retry answered {retry.status_code}")
    check(retry.parsed.number == first.parsed.number, "the retry filed a second request")
    after = get_contract.sync(client=api, contract_id=contract.contract_id)
    check(after is not None and after.remaining == before.remaining - 1, "expected exactly one incident used")
    print(
        f"   filed {first.parsed.number} (the retry answered {retry.parsed.number});"
        f" remaining incidents now {after.remaining}"
    )
    print("Python client flow: OK")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
