// The contract-linking walk-through (SPEC §2 "Linking"), entirely through the web UI:
//
//   0. set-up, as users would do it: the operator creates Contoso Gold (partner ID 4410001), a
//      Partner admin in it and a *personal* account with no organization, and imports a gold
//      cloud_platform membership; the Partner admin activates "Partner product support" and
//      reads its Contract ID and Access ID from the benefit card;
//   1. the personal account lands on /support and links the contract, typing the IDs in lower
//      case with spaces instead of dashes;
//   2. linking again is a success that says there is nothing more to do;
//   3. the contract page shows usage chart and ledger, but no Access ID (not an admin);
//   4. a mistyped Access ID is refused as malformed, naming the field once, keeping what was typed;
//   5. the Partner admin sees the link, revokes it and rotates the Access ID;
//   6. the personal account has no contract left, the old Access ID no longer matches, the new
//      one links.
//
// Run: SPORTELLO_BIN=target/debug/sportello node --test --test-concurrency=1 e2e/contracts.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, visit } from './lib.mjs';

const GOLD_ORG = 'Contoso Gold';
const GOLD_PARTNER_ID = '4410001';
const PASSWORD = 'correct horse battery staple 42';

const PARTNER_ADMIN = { email: 'pat.admin@contoso-gold.example', name: 'Pat Admin' };
const PERSONAL = { email: 'pia.personal@mail.example', name: 'Pia Personal' };

const PRODUCT = 'Partner product support';

const CONTRACT_ID_RE = /^\d{4}-\d{4}-\d$/;
const ACCESS_ID_RE = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]$/;
/** Crockford's base32 digits: each is also a valid check character. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A calendar day `days` from today (UTC), as YYYY-MM-DD. */
const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const MEMBERSHIPS_CSV = [
  'partner_id,offer,competency,start,end',
  `${GOLD_PARTNER_ID},gold,cloud_platform,${day(-30)},${day(300)}`,
  '',
].join('\n');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const squash = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The same Access ID with its check character changed to another valid one (so: malformed). */
const mistype = (accessId) => {
  const last = accessId.at(-1);
  const other = CROCKFORD[(CROCKFORD.indexOf(last) + 1) % CROCKFORD.length];
  return accessId.slice(0, -1) + (other === last ? CROCKFORD[0] : other);
};

describe('contracts: linking, revoking and rotating', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let page;
  let failed = false;

  const guard = async (t, fn, blocking) => {
    if (failed) {
      t.skip('an earlier step failed');
      return;
    }
    try {
      await fn(t);
    } catch (err) {
      if (blocking) failed = true;
      if (server) console.error(`[e2e] server log (last lines):\n${server.logTail(30)}`);
      throw err;
    }
  };
  // A step changes state the next ones depend on: after a failure the rest are skipped.
  const step = (name, fn) => it(name, (t) => guard(t, fn, true));
  // A check only looks (it opens its own page first): its failure is reported, the walk goes on.
  const check = (name, fn) => it(name, (t) => guard(t, fn, false));

  before(async () => {
    server = await startServer();
    browser = await openBrowser({ baseURL: server.baseURL });
    page = browser.page;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  const expectPath = async (path) => {
    await page.waitForURL((url) => url.pathname === path, { timeout: 10_000 }).catch(() => {});
    assert.equal(new URL(page.url()).pathname, path, `expected to be on ${path}, but the page is ${page.url()}`);
  };

  const header = () => page.getByRole('banner');
  const mainNav = () => page.getByRole('navigation', { name: 'Main' });
  const benefitCard = (benefit) => page.getByRole('region', { name: benefit, exact: true });
  const linkedContracts = () => page.getByRole('region', { name: 'Linked contracts', exact: true });
  const contractIdInput = () => page.getByLabel('Contract ID', { exact: true });
  const accessIdInput = () => page.getByLabel('Access ID', { exact: true });

  /** The <dd> next to the <dt> `term` inside `scope`. */
  const factDd = (scope, term) => scope.locator('dl > div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${term}\\s*$`) }) }).locator('dd');
  /** The text of the <code> element in the fact `term`, or null when absent. */
  const codeFact = async (scope, term) => {
    const code = factDd(scope, term).locator('code');
    if ((await code.count()) === 0) return null;
    return squash(await code.first().textContent());
  };

  /** Exactly which of the known state words the `.card-head` of `scope` shows. */
  const badgeOf = async (scope) => {
    const states = ['Available', 'Activating', 'Active', 'Expired', 'Exhausted', 'Rejected', 'Not started'];
    const found = [];
    for (const s of states) {
      if ((await scope.locator('.card-head').first().getByText(s, { exact: true }).count()) > 0) found.push(s);
    }
    return found.join(',');
  };

  const alerts = async () => (await page.getByRole('alert').allTextContents()).map(squash);
  const statuses = async () => (await page.getByRole('status').allTextContents()).map(squash);
  const assertNoAlert = async (when) => {
    assert.deepEqual(await alerts(), [], `no error alert ${when} (page ${page.url()})`);
  };

  const submitSignIn = async (email, password) => {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
  };

  /** From a signed-in page: header link "Sign in with another account", then the form. */
  const switchTo = async (who, shotName) => {
    await header().getByRole('link', { name: 'Sign in with another account' }).click();
    await expectPath('/sign-in');
    await visit(page, `contracts-switch-to-${shotName}`);
    await submitSignIn(who.email, who.password ?? PASSWORD);
    await header().getByText(who.email).first().waitFor();
  };

  /** Fills the "Link a contract" form on /support and submits it. */
  const linkContract = async (contractId, accessId) => {
    await contractIdInput().fill(contractId);
    await accessIdInput().fill(accessId);
    await page.getByRole('button', { name: 'Link contract', exact: true }).click();
    await page.waitForLoadState('load');
  };

  /** The card of a linked contract under "Linked contracts". */
  const linkedCard = () => linkedContracts().getByRole('article', { name: PRODUCT, exact: true });

  // ── 0. set-up ───────────────────────────────────────────────────────────────────────────────

  step('set-up: the operator signs in', async () => {
    const res = await page.goto('/sign-in');
    assert.equal(res.status(), 200, 'GET /sign-in');
    await visit(page, 'contracts-sign-in');
    await submitSignIn(server.operator.email, server.operator.password);
    await expectPath('/operator/organizations');
    await visit(page, 'contracts-organizations-empty');
  });

  step(`set-up: the operator creates "${GOLD_ORG}" with partner ID ${GOLD_PARTNER_ID}`, async () => {
    await page.getByLabel('Name', { exact: true }).fill(GOLD_ORG);
    await page.getByLabel('Partner ID').fill(GOLD_PARTNER_ID);
    await page.getByRole('checkbox', { name: 'CSP program' }).uncheck();
    await page.getByRole('button', { name: 'Create organization', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'contracts-org-created');
    await assertNoAlert(`after creating "${GOLD_ORG}"`);
    await page.getByRole('status').filter({ hasText: GOLD_ORG }).first().waitFor();
  });

  step('set-up: the operator opens Accounts', async () => {
    await mainNav().getByRole('link', { name: 'Accounts' }).first().click();
    await expectPath('/operator/accounts');
    await visit(page, 'contracts-accounts-empty');
  });

  const createAccount = async ({ email, name, kind, org, role }, shot) => {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Display name').fill(name);
    await page.getByLabel(/^\s*Kind\b/).selectOption({ label: kind });
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel(/^\s*Organization\b/).selectOption(org ? { label: org } : { value: '' });
    for (const r of ['Global admin', 'Partner admin', 'Admin agent', 'Member']) {
      const box = page.getByRole('checkbox', { name: r, exact: true });
      if (r === role) await box.check(); else await box.uncheck();
    }
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, shot);
    await assertNoAlert(`after creating ${email}`);
    await page.getByRole('status').filter({ hasText: email }).first().waitFor();
    const row = page.getByRole('row').filter({ hasText: email });
    assert.equal(await row.count(), 1, `one table row with ${email}`);
    return squash(await row.textContent());
  };

  step('set-up: the operator creates the Partner admin of Contoso Gold', async () => {
    const text = await createAccount({
      ...PARTNER_ADMIN, kind: 'Work account', org: GOLD_ORG, role: 'Partner admin',
    }, 'contracts-account-partner-admin-created');
    assert.ok(text.includes(GOLD_ORG) && text.includes('Partner admin'), `the row: "${text}"`);
  });

  step('set-up: the operator creates a personal account with no organization', async () => {
    const text = await createAccount({
      ...PERSONAL, kind: 'Personal account', org: null, role: null,
    }, 'contracts-account-personal-created');
    assert.ok(text.includes('Personal account'), `the row says "Personal account": "${text}"`);
    assert.ok(!text.includes(GOLD_ORG), `the row names no organization: "${text}"`);
  });

  step('set-up: the operator imports a gold cloud_platform membership', async () => {
    await mainNav().getByRole('link', { name: 'Import memberships' }).first().click();
    await expectPath('/operator/memberships/import');
    await visit(page, 'contracts-import-form');
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'memberships.csv', mimeType: 'text/csv', buffer: Buffer.from(MEMBERSHIPS_CSV, 'utf8'),
    });
    await page.getByRole('button', { name: 'Check and import', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'contracts-import-done');
    await assertNoAlert('after importing the membership');
    assert.equal(await page.getByRole('status').filter({ hasText: '1 membership imported.' }).count(), 1,
      `a status "1 membership imported." (statuses: ${JSON.stringify(await statuses())})`);
  });

  const ids = {};
  step(`set-up: the Partner admin activates ${PRODUCT} and reads its IDs`, async () => {
    await switchTo(PARTNER_ADMIN, 'partner-admin');
    await expectPath('/benefits');
    await page.getByRole('button', { name: `Activate ${PRODUCT}`, exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'contracts-admin-activating');
    await assertNoAlert(`after activating ${PRODUCT}`);
    await sleep(1_500);
    const deadline = Date.now() + 15_000;
    let state;
    for (;;) {
      await page.goto('/benefits');
      state = await badgeOf(benefitCard(PRODUCT));
      if (state === 'Active' || Date.now() > deadline) break;
      await sleep(500);
    }
    await visit(page, 'contracts-admin-active');
    assert.equal(state, 'Active', `"${PRODUCT}" badge within 16.5 s`);
    ids.contractId = await codeFact(benefitCard(PRODUCT), 'Contract ID');
    ids.accessId = await codeFact(benefitCard(PRODUCT), 'Access ID');
    assert.match(ids.contractId ?? '(none)', CONTRACT_ID_RE, 'Contract ID on the card');
    assert.match(ids.accessId ?? '(none)', ACCESS_ID_RE, 'Access ID on the card');
  });

  // ── 1. the personal account links the contract ─────────────────────────────────────────────

  step('the personal account signs in and lands on /support, without Technical benefits', async () => {
    await switchTo(PERSONAL, 'personal');
    await expectPath('/support');
    await visit(page, 'contracts-personal-support-empty');
    await page.getByRole('heading', { name: 'My support plans', exact: true, level: 1 }).waitFor();
    const nav = mainNav();
    await nav.getByRole('link', { name: 'Support', exact: true }).waitFor();
    await nav.getByRole('link', { name: 'My account', exact: true }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Technical benefits' }).count(), 0,
      'no "Technical benefits" in the left navigation of a personal account');
    await page.getByRole('heading', { name: 'Link a contract', exact: true }).waitFor();
    await contractIdInput().waitFor();
    await accessIdInput().waitFor();
    await page.getByRole('button', { name: 'Link contract', exact: true }).waitFor();
  });

  step('the IDs typed in lower case, with spaces for dashes, link the contract', async () => {
    const typedContract = ids.contractId.toLowerCase().replaceAll('-', ' ');
    const typedAccess = ids.accessId.toLowerCase();
    await linkContract(typedContract, typedAccess);
    await expectPath('/support');
    await visit(page, 'contracts-personal-linked');
    await assertNoAlert(`after linking with "${typedContract}" / <access id in lower case>`);
    const expected = `Contract ${ids.contractId} is now linked to your account.`;
    assert.ok((await statuses()).includes(expected),
      `a status message "${expected}" (statuses: ${JSON.stringify(await statuses())})`);

    const c = linkedCard();
    assert.equal(await c.count(), 1, `one card "${PRODUCT}" under "Linked contracts"`);
    await c.getByRole('heading', { name: PRODUCT, exact: true }).waitFor();
    assert.equal(await badgeOf(c), 'Active', 'badge of the linked card');
    assert.equal(await c.locator('.stat').getByText('20', { exact: true }).count(), 1, 'the big number 20');
    const text = squash(await c.textContent());
    assert.ok(/\b20\s*incidents left of 20\b/.test(text), `the card shows 20 "incidents left of 20": "${text}"`);
    assert.ok(!(await page.content()).includes(ids.accessId), 'the Access ID is nowhere in the page after linking');
  });

  // ── 2. linking again ────────────────────────────────────────────────────────────────────────

  step('linking the same IDs again is a success that says so', async () => {
    await linkContract(ids.contractId.toLowerCase().replaceAll('-', ' '), ids.accessId.toLowerCase());
    await expectPath('/support');
    await visit(page, 'contracts-personal-already-linked');
    await assertNoAlert('after linking the same contract again');
    const expected = `Contract ${ids.contractId} is already linked to your account: there is nothing more to do.`;
    assert.ok((await statuses()).includes(expected),
      `a status message "${expected}" (statuses: ${JSON.stringify(await statuses())})`);
    assert.equal(await linkedContracts().getByRole('article').count(), 1, 'still one linked contract');
  });

  // ── 3. the contract page ────────────────────────────────────────────────────────────────────

  step('"Usage and ledger" opens the contract page', async () => {
    await linkedCard().getByRole('link', { name: 'Usage and ledger', exact: true }).click();
    await expectPath(`/contracts/${ids.contractId}`);
    await visit(page, 'contracts-personal-contract-page');
    await page.getByRole('heading', { name: PRODUCT, exact: true, level: 1 }).waitFor();
  });

  check('the contract page has the usage chart named "Incidents used over time"', async () => {
    assert.equal(new URL(page.url()).pathname, `/contracts/${ids.contractId}`);
    // Two drawings are in the page (desktop and phone); one shows at a time.
    const svg = page.locator('svg[role="img"]:visible');
    assert.equal(await svg.count(), 1, 'one visible svg with role img');
    const named = page.getByRole('img', { name: 'Incidents used over time', exact: true });
    let actual = '(unknown)';
    try {
      actual = squash(await svg.first().ariaSnapshot());
    } catch { /* older playwright */ }
    assert.equal(await named.count(), 1,
      `an svg role="img" whose accessible name is exactly "Incidents used over time"; ` +
      `its aria snapshot is: ${actual}`);
    assert.equal(await named.evaluate((el) => el.tagName.toLowerCase()), 'svg');
  });

  check('the contract page has a Ledger whose first row is "Granted", and no Access ID', async () => {
    assert.equal(new URL(page.url()).pathname, `/contracts/${ids.contractId}`);
    await page.getByRole('heading', { name: 'Ledger', exact: true }).waitFor();
    const ledger = page.getByRole('region', { name: 'Ledger', exact: true }).getByRole('table');
    assert.equal(await ledger.count(), 1, 'a table in the "Ledger" section');
    const rows = ledger.getByRole('row').filter({ has: page.getByRole('cell') });
    assert.ok((await rows.count()) >= 1, 'the ledger has at least one row');
    const first = squash(await rows.first().textContent());
    assert.ok(first.includes('Granted'), `the first ledger row says "Granted": "${first}"`);
    assert.equal(await factDd(page.getByRole('main'), 'Access ID').count(), 0, 'no "Access ID" fact');
    assert.ok(!(await page.content()).includes(ids.accessId), 'the Access ID is nowhere in the page');
    assert.equal(await page.getByRole('region', { name: 'Linked accounts' }).count(), 0,
      'no "Linked accounts" section for a non-admin');
    assert.equal(await page.getByRole('link', { name: 'Rotate the Access ID…' }).count(), 0,
      'no "Rotate the Access ID" for a non-admin');
  });

  // ── 4. a mistyped Access ID ─────────────────────────────────────────────────────────────────

  step('a mistyped Access ID is refused, the reason said once, and what was typed is kept', async () => {
    await mainNav().getByRole('link', { name: 'Support', exact: true }).click();
    await expectPath('/support');
    await visit(page, 'contracts-personal-support-linked');
    const typo = mistype(ids.accessId);
    assert.notEqual(typo, ids.accessId);
    await linkContract(ids.contractId, typo);
    const alert = page.getByRole('alert').first();
    await alert.waitFor().catch(() => {});
    await visit(page, 'contracts-personal-typo');
    const text = (await alerts()).join(' | ');
    assert.ok(text.includes('This is not a valid ID'), `an alert "This is not a valid ID": "${text}" (page ${page.url()})`);
    const body = await page.locator('main').innerText();
    const times = body.split('The Access ID is not valid').length - 1;
    assert.equal(times, 1, `"The Access ID is not valid" said once, beside the field (${times} times): "${body}"`);
    assert.equal(await accessIdInput().getAttribute('aria-invalid'), 'true', 'Access ID aria-invalid');
    assert.notEqual(await contractIdInput().getAttribute('aria-invalid'), 'true', 'Contract ID not marked invalid');
    assert.equal(await contractIdInput().inputValue(), ids.contractId, 'the Contract ID keeps its value');
    assert.equal(await accessIdInput().inputValue(), typo, 'the Access ID keeps what was typed, to correct one character');
    const html = await page.content();
    assert.ok(!html.includes(ids.accessId), 'the right Access ID is nowhere in the page');
  });

  // ── 5. the Partner admin revokes and rotates ────────────────────────────────────────────────

  step('the Partner admin opens the contract from /benefits and sees the link', async () => {
    await switchTo(PARTNER_ADMIN, 'partner-admin-again');
    await expectPath('/benefits');
    await visit(page, 'contracts-admin-benefits');
    await benefitCard(PRODUCT)
      .getByRole('link', { name: 'Open the contract: usage, ledger and linked accounts', exact: true }).click();
    await expectPath(`/contracts/${ids.contractId}`);
    await visit(page, 'contracts-admin-contract-page');
    await page.getByRole('heading', { name: PRODUCT, exact: true, level: 1 }).waitFor();
    assert.equal(await codeFact(page.getByRole('main'), 'Access ID'), ids.accessId, 'the Access ID is shown');
    const links = page.getByRole('region', { name: 'Linked accounts', exact: true });
    await links.waitFor();
    const row = links.getByRole('row').filter({ hasText: PERSONAL.email });
    assert.equal(await row.count(), 1, `a "Linked accounts" row with ${PERSONAL.email}`);
    await row.getByRole('link', { name: `Revoke link… ${PERSONAL.email}`, exact: true }).waitFor();
    await page.getByRole('link', { name: 'Rotate the Access ID…', exact: true }).waitFor();
  });

  step('revoking asks first, saying whose access ends, and Cancel changes nothing', async () => {
    const links = page.getByRole('region', { name: 'Linked accounts', exact: true });
    await links.getByRole('link', { name: `Revoke link… ${PERSONAL.email}`, exact: true }).click();
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, new RegExp(`^/contracts/${ids.contractId}/links/\\d+/revoke$`),
      'the confirmation page of the revocation');
    await visit(page, 'contracts-admin-revoke-confirm');
    await page.getByRole('heading', { name: `Revoke the link of ${PERSONAL.email}?`, exact: true, level: 1 }).waitFor();
    const what = squash(await page.getByRole('region', { name: 'What will happen', exact: true }).textContent());
    assert.ok(what.includes(PERSONAL.email) && what.includes(ids.contractId)
      && what.includes('will no longer be able to file support requests'),
      `the confirmation names the account and the contract: "${what}"`);
    await page.getByRole('link', { name: 'Cancel, change nothing', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath(`/contracts/${ids.contractId}`);
    const row = page.getByRole('region', { name: 'Linked accounts', exact: true }).getByRole('row').filter({ hasText: PERSONAL.email });
    assert.equal(await row.count(), 1, 'after Cancel the link is still there');
  });

  step('the Partner admin revokes the link', async () => {
    const links = page.getByRole('region', { name: 'Linked accounts', exact: true });
    await links.getByRole('link', { name: `Revoke link… ${PERSONAL.email}`, exact: true }).click();
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Revoke link', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath(`/contracts/${ids.contractId}`);
    await visit(page, 'contracts-admin-revoked');
    await assertNoAlert('after revoking the link');
    const revoked = `${PERSONAL.email} no longer holds contract ${ids.contractId}.`;
    assert.ok((await statuses()).includes(revoked),
      `a status "${revoked}" (statuses: ${JSON.stringify(await statuses())})`);
    const after = page.getByRole('region', { name: 'Linked accounts', exact: true });
    assert.equal(await after.getByRole('row').filter({ hasText: PERSONAL.email }).count(), 0,
      `no row with ${PERSONAL.email} any more`);
    assert.equal(await after.getByText('No account has linked this contract yet.', { exact: true }).count(), 1,
      `"No account has linked this contract yet." (section: "${squash(await after.textContent())}")`);
  });

  step('the Partner admin rotates the Access ID, after a page that says what it does', async () => {
    await page.getByRole('link', { name: 'Rotate the Access ID…', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath(`/contracts/${ids.contractId}/rotate`);
    await visit(page, 'contracts-admin-rotate-confirm');
    await page.getByRole('heading', { name: 'Rotate the Access ID?', exact: true, level: 1 }).waitFor();
    const what = squash(await page.getByRole('region', { name: 'What will happen', exact: true }).textContent());
    assert.ok(what.includes(ids.accessId) && what.includes('stops working for everyone who has it'),
      `the confirmation names the Access ID that stops working: "${what}"`);
    assert.ok(what.includes('No account has linked this contract'), `and who keeps access: "${what}"`);
    await page.getByRole('button', { name: 'Rotate the Access ID', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath(`/contracts/${ids.contractId}`);
    await visit(page, 'contracts-admin-rotated');
    await assertNoAlert('after rotating the Access ID');
    const rotated = (await statuses()).filter((s) => s.startsWith(`Contract ${ids.contractId} has a new Access ID`));
    assert.equal(rotated.length, 1,
      `a status "Contract … has a new Access ID…" (statuses: ${JSON.stringify(await statuses())})`);
    await page.reload();
    assert.equal((await statuses()).filter((s) => s.includes('has a new Access ID')).length, 0,
      'the message is shown once: not again after a reload');
    ids.newAccessId = await codeFact(page.getByRole('main'), 'Access ID');
    assert.match(ids.newAccessId ?? '(none)', ACCESS_ID_RE, 'the new Access ID');
    assert.notEqual(ids.newAccessId, ids.accessId, 'the Access ID changed');
  });

  check('the benefit card shows the new Access ID too', async () => {
    await page.goto('/benefits');
    await visit(page, 'contracts-admin-benefits-rotated');
    assert.equal(await codeFact(benefitCard(PRODUCT), 'Access ID'), ids.newAccessId, 'Access ID on /benefits');
    assert.equal(await codeFact(benefitCard(PRODUCT), 'Contract ID'), ids.contractId, 'Contract ID unchanged');
  });

  // ── 6. the personal account after revoke and rotate ─────────────────────────────────────────

  step('the personal account has no linked contract any more', async () => {
    await switchTo(PERSONAL, 'personal-again');
    await expectPath('/support');
    await visit(page, 'contracts-personal-revoked');
    const section = linkedContracts();
    assert.equal(await section.getByRole('article').count(), 0, 'no card under "Linked contracts"');
    const text = squash(await section.textContent());
    assert.ok(text.includes('No contract is linked to your account yet'),
      `"Linked contracts" says "No contract is linked to your account yet…": "${text}"`);
  });

  step('the old Access ID no longer matches the contract', async () => {
    await linkContract(ids.contractId, ids.accessId);
    await page.getByRole('alert').first().waitFor().catch(() => {});
    await visit(page, 'contracts-personal-old-access-id');
    const text = (await alerts()).join(' | ');
    assert.ok(text.includes('No contract matches these IDs'),
      `an alert "No contract matches these IDs": "${text}" (page ${page.url()}, statuses ${JSON.stringify(await statuses())})`);
    assert.equal(await linkedContracts().getByRole('article').count(), 0, 'still nothing linked');
    assert.equal(await accessIdInput().inputValue(), ids.accessId, 'the Access ID keeps what was typed');
    assert.equal(await contractIdInput().inputValue(), ids.contractId, 'the Contract ID keeps its value');
  });

  step('the new Access ID links the contract again', async () => {
    await linkContract(ids.contractId, ids.newAccessId);
    await expectPath('/support');
    await visit(page, 'contracts-personal-relinked');
    await assertNoAlert('after linking with the new Access ID');
    const expected = `Contract ${ids.contractId} is now linked to your account.`;
    assert.ok((await statuses()).includes(expected),
      `a status message "${expected}" (statuses: ${JSON.stringify(await statuses())})`);
    assert.equal(await linkedCard().count(), 1, `one card "${PRODUCT}" under "Linked contracts"`);
    assert.equal(await badgeOf(linkedCard()), 'Active');
    assert.ok(new RegExp(`${escapeRe(ids.contractId)}`).test(squash(await linkedCard().textContent())),
      'the card names the Contract ID');
  });
});
