#!/usr/bin/env bash
# A short API client: sign in, create a personal access token, link a contract, check the
# remaining incidents, file a support request. Works against `sportello serve --demo`.
#
# Usage: examples/client.sh [BASE_URL]        (default http://127.0.0.1:8080)
# Needs curl and python3 (to read JSON).
set -euo pipefail
BASE=${1:-http://127.0.0.1:8080}
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

echo "1. Sign in as Contoso's Global admin (session cookie + CSRF token)"
CSRF=$(curl -sf -c "$JAR" -H 'content-type: application/json' \
  -d '{"email":"admin@contoso.demo","password":"sportello-demo"}' "$BASE/api/v1/session" | json "d['csrf_token']")

echo "2. Create a personal access token (shown once)"
TOKEN=$(curl -sf -b "$JAR" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' \
  -d '{"name":"example client"}' "$BASE/api/v1/tokens" | json "d['token']")
AUTH=(-H "authorization: Bearer $TOKEN")

echo "3. Read the organization's contract IDs (admins see the Access ID)"
ORG=$(curl -sf "${AUTH[@]}" "$BASE/api/v1/me" | json "d['organization_id']")
CONTRACTS=$(curl -sf "${AUTH[@]}" "$BASE/api/v1/organizations/$ORG/contracts")
CONTRACT_ID=$(echo "$CONTRACTS" | json "[c for c in d['items'] if c['plan'] == 'product_support'][0]['contract_id']")
ACCESS_ID=$(echo "$CONTRACTS" | json "[c for c in d['items'] if c['plan'] == 'product_support'][0]['access_id']")

echo "4. Link contract $CONTRACT_ID to this account (201 linked, 200 already linked)"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" -H 'content-type: application/json' \
  -d "{\"contract_id\":\"$CONTRACT_ID\",\"access_id\":\"$ACCESS_ID\"}" "$BASE/api/v1/me/contracts")
echo "   answered $STATUS"
[ "$STATUS" = 201 ] || [ "$STATUS" = 200 ] || { echo "linking failed"; exit 1; }

BEFORE=$(curl -sf "${AUTH[@]}" "$BASE/api/v1/contracts/$CONTRACT_ID" | json "d['remaining']")
echo "5. Remaining incidents: $BEFORE"

echo "6. File a support request (an Idempotency-Key makes a retry safe)"
KEY="example-$(date +%s%N)"
REQUEST=$(curl -sf "${AUTH[@]}" -H 'content-type: application/json' -H "idempotency-key: $KEY" \
  -d "{\"title\":\"Availability group does not fail over\",\"description\":\"Filed by examples/client.sh\",\"product\":\"sql-server\",\"version\":\"2022\",\"severity\":\"B\",\"plan\":\"$CONTRACT_ID\"}" \
  "$BASE/api/v1/support-requests")
NUMBER=$(echo "$REQUEST" | json "d['number']")
RETRY=$(curl -sf "${AUTH[@]}" -H 'content-type: application/json' -H "idempotency-key: $KEY" \
  -d "{\"title\":\"Availability group does not fail over\",\"description\":\"Filed by examples/client.sh\",\"product\":\"sql-server\",\"version\":\"2022\",\"severity\":\"B\",\"plan\":\"$CONTRACT_ID\"}" \
  "$BASE/api/v1/support-requests" | json "d['number']")
AFTER=$(curl -sf "${AUTH[@]}" "$BASE/api/v1/contracts/$CONTRACT_ID" | json "d['remaining']")
echo "   filed $NUMBER (a retry answered $RETRY); remaining incidents now $AFTER"
[ "$NUMBER" = "$RETRY" ] || { echo "the retry filed a second request"; exit 1; }
[ "$AFTER" = "$((BEFORE - 1))" ] || { echo "expected exactly one incident used"; exit 1; }
echo "client example: OK"
