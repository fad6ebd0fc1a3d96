// The API flow of an integrator, through the TypeScript client that @hey-api/openapi-ts
// generates from Sportello's OpenAPI document (scripts/api-clients): sign in, create a
// personal access token, link a contract, read its balance, file a support request with an
// Idempotency-Key and retry it. Every call is a generated function named after its operationId.
//
// Usage (after generating ./client and compiling): node build/flow.js BASE_URL
import { createClient } from './client/client';
import {
  createSupportRequest,
  createToken,
  getContract,
  getSignedInAccount,
  linkContract,
  listOrganizationContracts,
  signIn,
} from './client';

declare const process: { argv: string[]; exitCode?: number };

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

async function main(base: string): Promise<void> {
  console.log('1. Sign in as Contoso\'s Global admin (session cookie + CSRF token)');
  const anonymous = createClient({ baseUrl: base });
  const signedIn = await signIn({
    client: anonymous,
    body: { email: 'admin@contoso.demo', password: 'sportello-demo' },
  });
  check(signedIn.data, `signIn answered ${signedIn.response.status}`);
  const session = signedIn.response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .find((pair) => pair.startsWith('sportello_session='))
    ?.slice('sportello_session='.length);
  check(session, 'signIn set no session cookie');

  console.log('2. Create a personal access token (shown once)');
  const withSession = createClient({
    baseUrl: base,
    // The generated security of each operation: bearer first, then the session cookie.
    auth: (scheme) => (scheme.in === 'cookie' ? session : undefined),
    headers: { 'X-CSRF-Token': signedIn.data.csrf_token },
  });
  const created = await createToken({ client: withSession, body: { name: 'TypeScript client flow' } });
  check(created.response.status === 201 && created.data, `createToken answered ${created.response.status}`);
  const api = createClient({ baseUrl: base, auth: (scheme) => (scheme.scheme === 'bearer' ? created.data.token : undefined) });

  console.log('3. Read the organization\'s contracts (admins see the Access ID)');
  const me = await getSignedInAccount({ client: api });
  check(me.data?.organization_id, `getSignedInAccount answered ${me.response.status}`);
  const owned = await listOrganizationContracts({ client: api, path: { org_id: me.data.organization_id } });
  const contract = owned.data?.items.find((c) => c.plan === 'product_support');
  check(contract?.access_id, 'no product_support contract with its Access ID');

  console.log(`4. Link contract ${contract.contract_id} (201 linked, 200 already linked)`);
  const linked = await linkContract({
    client: api,
    body: { contract_id: contract.contract_id, access_id: contract.access_id },
  });
  check([200, 201].includes(linked.response.status), `linkContract answered ${linked.response.status}`);

  const before = await getContract({ client: api, path: { contract_id: contract.contract_id } });
  check(typeof before.data?.remaining === 'number', `getContract answered ${before.response.status}`);
  console.log(`5. Remaining incidents: ${before.data.remaining}`);

  console.log('6. File a support request with an Idempotency-Key, then retry it');
  const key = `typescript-flow-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const file = () =>
    createSupportRequest({
      client: api,
      headers: { 'Idempotency-Key': key },
      body: {
        title: 'Availability group does not fail over',
        description: 'Filed by the TypeScript client flow',
        product: 'sql-server',
        version: '2022',
        severity: 'B',
        plan: contract.contract_id,
      },
    });
  const first = await file();
  check(first.response.status === 201 && first.data, `createSupportRequest answered ${first.response.status}: ${JSON.stringify(first.error)}`);
  const retry = await file();
  check(retry.response.status === 200 && retry.data, `the retry answered ${retry.response.status}`);
  check(retry.data.number === first.data.number, 'the retry filed a second request');
  const after = await getContract({ client: api, path: { contract_id: contract.contract_id } });
  check(after.data?.remaining === before.data.remaining - 1, 'expected exactly one incident used');
  console.log(`   filed ${first.data.number} (the retry answered ${retry.data.number}); remaining incidents now ${after.data.remaining}`);
  console.log('TypeScript client flow: OK');
}

main(process.argv[2] ?? 'http://127.0.0.1:8080').catch((error: unknown) => {
  console.error(`TypeScript client flow FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
