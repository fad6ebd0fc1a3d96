// The benefits walk-through, entirely through the server-rendered web UI:
//
//   1. the operator creates a partner-network organization (Contoso Gold, partner ID 4410001)
//      and a CSP-only one (Adatum Reseller);
//   2. creates a Partner admin and a Member in Contoso Gold, an Admin agent in Adatum Reseller;
//   3. imports memberships from a CSV: a file with one bad row is refused as a whole with the
//      line and column to correct, the corrected file imports two gold memberships;
//   4. the Member sees the benefits but cannot activate them (disabled button, explained);
//   5. the Partner admin activates both benefits and, after the automatic processing
//      (SPORTELLO_ACTIVATION_DELAY=1s), sees the Contract ID and Access ID;
//   6. the Member sees the balances but not the IDs;
//   7. the CSP-only Admin agent is refused the benefits page (403, not_partner_network);
//   8. the operator sees both activations under Activations → Completed.
//
// Run: SPORTELLO_BIN=target/debug/sportello node --test --test-concurrency=1 e2e/benefits.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, visit } from './lib.mjs';

const GOLD_ORG = 'Contoso Gold';
const GOLD_PARTNER_ID = '4410001';
const CSP_ORG = 'Adatum Reseller';
const PASSWORD = 'correct horse battery staple 42';

const PARTNER_ADMIN = { email: 'pat.admin@contoso-gold.example', name: 'Pat Admin', role: 'Partner admin', org: GOLD_ORG };
const MEMBER = { email: 'mia.member@contoso-gold.example', name: 'Mia Member', role: 'Member', org: GOLD_ORG };
const AGENT = { email: 'aldo.agent@adatum.example', name: 'Aldo Agent', role: 'Admin agent', org: CSP_ORG };

const PRODUCT = 'Partner product support';
const CLOUD = 'Signature cloud support';

const CONTRACT_ID_RE = /^\d{4}-\d{4}-\d$/;
const ACCESS_ID_RE = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]$/;

/** A calendar day `days` from today (UTC), as YYYY-MM-DD. */
const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const START = day(-30);
const END = day(300);

const CSV_HEADER = 'partner_id,offer,competency,start,end';
// Line 3 (the header is line 1) has an impossible last day.
const BAD_CSV = [
  CSV_HEADER,
  `${GOLD_PARTNER_ID},gold,cloud_platform,${START},${END}`,
  `${GOLD_PARTNER_ID},gold,data_platform,${START},2026-02-30`,
  '',
].join('\n');
const GOOD_CSV = [
  CSV_HEADER,
  `${GOLD_PARTNER_ID},gold,cloud_platform,${START},${END}`,
  `${GOLD_PARTNER_ID},gold,data_platform,${START},${END}`,
  '',
].join('\n');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const squash = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('benefits: from memberships to an active support contract', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let page;
  let failed = false;

  // Each step depends on the previous one; after a failure the rest are skipped, not failed.
  const step = (name, fn) => it(name, async (t) => {
    if (failed) {
      t.skip('an earlier step failed');
      return;
    }
    try {
      await fn(t);
    } catch (err) {
      failed = true;
      if (server) console.error(`[e2e] server log (last lines):\n${server.logTail(30)}`);
      throw err;
    }
  });

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
  const card = (benefit) => page.getByRole('region', { name: benefit, exact: true });
  const activateButton = (benefit) => page.getByRole('button', { name: `Activate ${benefit}`, exact: true });

  /** The text of the <dd> next to the <dt> `term` inside `scope`, or null when absent. */
  const fact = async (scope, term) => {
    const dd = scope.locator('dl > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${term}\\s*$`) }) }).locator('dd');
    if ((await dd.count()) === 0) return null;
    return squash(await dd.first().textContent());
  };
  /** The text of the <code> element in the fact `term`, or null when absent. */
  const codeFact = async (scope, term) => {
    const code = scope.locator('dl > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${term}\\s*$`) }) }).locator('dd code');
    if ((await code.count()) === 0) return null;
    return squash(await code.first().textContent());
  };

  /** The state badge of a benefit card: exactly one of the known state words. */
  const badgeOf = async (benefit) => {
    const states = ['Available', 'Activating', 'Active', 'Expired', 'Exhausted', 'Rejected'];
    const found = [];
    for (const s of states) {
      if ((await card(benefit).locator('.card-head').getByText(s, { exact: true }).count()) > 0) found.push(s);
    }
    return found.join(',');
  };

  /** Fails, quoting them, when the page shows any role="alert". */
  const assertNoAlert = async (when) => {
    const alerts = (await page.getByRole('alert').allTextContents()).map(squash);
    assert.deepEqual(alerts, [], `no error alert ${when} (page ${page.url()})`);
  };

  /** Signs in through the form on the current /sign-in page. */
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
    await visit(page, `benefits-switch-to-${shotName}`);
    await submitSignIn(who.email, who.password ?? PASSWORD);
    await header().getByText(who.email).first().waitFor();
  };

  // ── 1. organizations ────────────────────────────────────────────────────────────────────────

  step('the operator signs in', async () => {
    const res = await page.goto('/sign-in');
    assert.equal(res.status(), 200, 'GET /sign-in');
    await visit(page, 'benefits-sign-in');
    await submitSignIn(server.operator.email, server.operator.password);
    await expectPath('/operator/organizations');
    await visit(page, 'benefits-organizations-empty');
    await page.getByRole('heading', { name: 'Organizations', exact: true }).waitFor();
  });

  const createOrganization = async ({ name, partnerId, csp }, shot) => {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Partner ID').fill(partnerId ?? '');
    const box = page.getByRole('checkbox', { name: 'CSP program' });
    if (csp) await box.check(); else await box.uncheck();
    await page.getByRole('button', { name: 'Create organization', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, shot);
    await assertNoAlert(`after creating "${name}"`);
    await page.getByRole('status').filter({ hasText: name }).first().waitFor();
    const row = page.getByRole('row').filter({ hasText: name });
    assert.equal(await row.count(), 1, `one table row with "${name}"`);
    return row;
  };

  step(`the operator creates "${GOLD_ORG}" with partner ID ${GOLD_PARTNER_ID}`, async () => {
    const row = await createOrganization({ name: GOLD_ORG, partnerId: GOLD_PARTNER_ID, csp: false },
      'benefits-org-contoso-created');
    assert.match(squash(await row.textContent()), new RegExp(GOLD_PARTNER_ID), 'the row shows the partner ID');
  });

  step(`the operator creates the CSP-only "${CSP_ORG}"`, async () => {
    await createOrganization({ name: CSP_ORG, partnerId: null, csp: true }, 'benefits-org-adatum-created');
  });

  // ── 2. accounts ─────────────────────────────────────────────────────────────────────────────

  step('the operator opens Accounts', async () => {
    await mainNav().getByRole('link', { name: 'Accounts' }).first().click();
    await expectPath('/operator/accounts');
    await visit(page, 'benefits-accounts-empty');
    await page.getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
  });

  for (const who of [PARTNER_ADMIN, MEMBER, AGENT]) {
    step(`the operator creates the ${who.role} ${who.email} in ${who.org}`, async () => {
      await page.getByLabel('Email', { exact: true }).fill(who.email);
      await page.getByLabel('Display name').fill(who.name);
      await page.getByLabel(/^\s*Kind\b/).selectOption('work');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel(/^\s*Organization\b/).selectOption({ label: who.org });
      for (const role of ['Global admin', 'Partner admin', 'Admin agent', 'Member']) {
        const box = page.getByRole('checkbox', { name: role, exact: true });
        if (role === who.role) await box.check(); else await box.uncheck();
      }
      await page.getByRole('button', { name: 'Create account', exact: true }).click();
      await page.waitForLoadState('load');
      await visit(page, `benefits-account-${who.role.toLowerCase().replace(/\s+/g, '-')}-created`);
      await assertNoAlert(`after creating ${who.email}`);
      await page.getByRole('status').filter({ hasText: who.email }).first().waitFor();
      const row = page.getByRole('row').filter({ hasText: who.email });
      assert.equal(await row.count(), 1, `one table row with ${who.email}`);
      const text = squash(await row.textContent());
      assert.ok(text.includes(who.org), `the row names ${who.org}: "${text}"`);
      assert.ok(text.includes(who.role), `the row shows the role ${who.role}: "${text}"`);
    });
  }

  // ── 3. memberships import ───────────────────────────────────────────────────────────────────

  step('the operator opens "Import memberships" from the left navigation', async () => {
    await mainNav().getByRole('link', { name: 'Import memberships' }).first().click();
    await expectPath('/operator/memberships/import');
    await visit(page, 'benefits-import-form');
    await page.getByRole('heading', { name: 'Import memberships', exact: true, level: 1 }).waitFor();
    await page.getByLabel('CSV file', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Check and import', exact: true }).waitFor();
  });

  const upload = async (name, text) => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8'),
    });
    await page.getByRole('button', { name: 'Check and import', exact: true }).click();
    await page.waitForLoadState('load');
  };

  step('a file with one bad row is refused as a whole, naming the line and column', async () => {
    await upload('memberships-bad.csv', BAD_CSV);
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    await visit(page, 'benefits-import-rejected');
    const alertText = squash(await alert.textContent());
    assert.match(alertText, /nothing was imported/i, `the alert says nothing was imported: "${alertText}"`);
    assert.equal(await page.getByRole('status').filter({ hasText: /imported/ }).count(), 0,
      'no "imported" status message');

    const headers = (await page.getByRole('columnheader').allTextContents()).map(squash);
    for (const col of ['Line', 'Column', 'Problem']) {
      assert.ok(headers.includes(col), `the problems table has a "${col}" column (headers: ${JSON.stringify(headers)})`);
    }
    const rows = page.getByRole('row').filter({ has: page.getByRole('cell') });
    const cells = [];
    for (let i = 0; i < (await rows.count()); i += 1) {
      cells.push((await rows.nth(i).getByRole('cell').allTextContents()).map(squash));
    }
    assert.equal(cells.length, 1, `exactly one problem row: ${JSON.stringify(cells)}`);
    const [line, column, problem] = cells[0];
    assert.equal(line, '3', `the problem is on line 3 (header = line 1): ${JSON.stringify(cells[0])}`);
    assert.equal(column, 'end', `the problem is in column "end": ${JSON.stringify(cells[0])}`);
    assert.ok(problem.length > 0, 'the problem is explained');
  });

  step('the corrected file imports both memberships', async () => {
    await upload('memberships.csv', GOOD_CSV);
    const status = page.getByRole('status').filter({ hasText: '2 memberships imported.' });
    await status.first().waitFor().catch(() => {});
    await visit(page, 'benefits-import-done');
    assert.equal(await status.count(), 1,
      `a status message "2 memberships imported." (page ${page.url()}, alerts: ` +
      `${JSON.stringify((await page.getByRole('alert').allTextContents()).map(squash))})`);
    await assertNoAlert('after importing the corrected file');
  });

  // ── 4. the Member sees the benefits but may not activate ────────────────────────────────────

  step('the Member signs in and lands on /benefits with two available benefits', async () => {
    await switchTo(MEMBER, 'member');
    await expectPath('/benefits');
    await visit(page, 'benefits-member-available');
    await page.getByRole('heading', { name: 'Technical benefits', exact: true, level: 1 }).waitFor();
    for (const [benefit, allotment] of [[PRODUCT, '20 incidents'], [CLOUD, 'Unlimited incidents']]) {
      const c = card(benefit);
      assert.equal(await c.count(), 1, `one card "${benefit}"`);
      await c.getByRole('heading', { name: benefit, exact: true }).waitFor();
      assert.equal(await c.getByText(allotment, { exact: true }).count(), 1, `"${benefit}" shows "${allotment}"`);
      assert.equal(await badgeOf(benefit), 'Available', `"${benefit}" badge`);
    }
  });

  step('for the Member the Activate buttons are disabled, and the reason is linked', async () => {
    const why = "Only Global admins and Partner admins can activate benefits. Ask one of your organization's admins.";
    for (const benefit of [PRODUCT, CLOUD]) {
      const button = activateButton(benefit);
      assert.equal(await button.count(), 1, `one "Activate ${benefit}" button`);
      assert.ok(await button.isDisabled(), `"Activate ${benefit}" is disabled for a Member`);
      const describedBy = (await button.getAttribute('aria-describedby')) ?? '';
      assert.ok(describedBy, `"Activate ${benefit}" has aria-describedby`);
      const texts = [];
      for (const id of describedBy.split(/\s+/).filter(Boolean)) {
        const el = page.locator(`[id="${id}"]`);
        assert.equal(await el.count(), 1, `aria-describedby="${id}" points at one element`);
        assert.ok(await el.isVisible(), `the description #${id} is visible`);
        texts.push(squash(await el.textContent()));
      }
      assert.equal(texts.join(' '), why, `the description of "Activate ${benefit}"`);
      assert.equal(await card(benefit).locator('form').count(), 0, `no activation form for a Member in "${benefit}"`);
    }
  });

  // ── 5. the Partner admin activates ──────────────────────────────────────────────────────────

  step('the Partner admin signs in and lands on /benefits with two available benefits', async () => {
    await switchTo(PARTNER_ADMIN, 'partner-admin');
    await expectPath('/benefits');
    await visit(page, 'benefits-admin-available');
    await page.getByRole('heading', { name: 'Technical benefits', exact: true, level: 1 }).waitFor();
    for (const [benefit, allotment] of [[PRODUCT, '20 incidents'], [CLOUD, 'Unlimited incidents']]) {
      await card(benefit).getByRole('heading', { name: benefit, exact: true }).waitFor();
      assert.equal(await card(benefit).getByText(allotment, { exact: true }).count(), 1, `"${benefit}" shows "${allotment}"`);
      assert.equal(await badgeOf(benefit), 'Available', `"${benefit}" badge`);
      assert.ok(await activateButton(benefit).isEnabled(), `"Activate ${benefit}" is enabled for a Partner admin`);
    }
  });

  for (const [benefit, shot] of [[PRODUCT, 'product'], [CLOUD, 'cloud']]) {
    step(`the Partner admin activates ${benefit}`, async () => {
      await activateButton(benefit).click();
      await page.waitForLoadState('load');
      await expectPath('/benefits');
      await visit(page, `benefits-admin-activating-${shot}`);
      const status = page.getByRole('status').filter({ hasText: new RegExp(`^\\s*Activation of ${benefit} requested`) });
      assert.equal(await status.count(), 1,
        `a status message starting "Activation of ${benefit} requested" ` +
        `(statuses: ${JSON.stringify((await page.getByRole('status').allTextContents()).map(squash))})`);
      await assertNoAlert(`after activating ${benefit}`);
      const badge = await badgeOf(benefit);
      // With a 1 s delay the job may already have run if the page was slow; "Activating" is expected.
      assert.equal(badge, 'Activating', `"${benefit}" badge right after the request`);
      const timeline = squash(await card(benefit).getByRole('list').first().textContent());
      assert.ok(timeline.includes(`Requested by ${PARTNER_ADMIN.email}`),
        `the timeline of "${benefit}" says "Requested by ${PARTNER_ADMIN.email}": "${timeline}"`);
      assert.equal(await activateButton(benefit).count(), 0, `no "Activate ${benefit}" button while activating`);
    });
  }

  const ids = {};
  step('without a reload, both benefits turn active with a Contract ID and Access ID, and the banner says so', async () => {
    // The page is not loaded again: static/app.js refreshes its live parts while activating.
    await page.evaluate(() => { window.sportelloSamePage = true; });
    const deadline = Date.now() + 17_500;
    let states;
    for (;;) {
      states = [await badgeOf(PRODUCT), await badgeOf(CLOUD)];
      if (states.every((s) => s === 'Active') || Date.now() > deadline) break;
      await sleep(250);
    }
    assert.deepEqual(states, ['Active', 'Active'], `badges of ${PRODUCT} and ${CLOUD} within 17.5 s, without reloading`);
    assert.equal(await page.evaluate(() => window.sportelloSamePage), true, 'the page was updated in place, not reloaded');
    // The banner follows: no more "activation requested", the contract is ready.
    await page.getByRole('status').filter({ hasText: `${CLOUD} is active: the support contract is issued and shown below.` })
      .waitFor({ timeout: 5_000 });
    const statuses = (await page.getByRole('status').allTextContents()).map(squash);
    assert.ok(!statuses.some((s) => s.includes('requested')), `no "activation requested" banner once active: ${JSON.stringify(statuses)}`);
    assert.equal(await page.locator('main[data-refresh]').count(), 0, 'the page stops refreshing once nothing is in progress');
    await visit(page, 'benefits-admin-active');

    for (const benefit of [PRODUCT, CLOUD]) {
      const c = card(benefit);
      const contractId = await codeFact(c, 'Contract ID');
      const accessId = await codeFact(c, 'Access ID');
      assert.match(contractId ?? '(none)', CONTRACT_ID_RE, `"${benefit}" Contract ID`);
      assert.match(accessId ?? '(none)', ACCESS_ID_RE, `"${benefit}" Access ID`);
      ids[benefit] = { contractId, accessId };
      const timeline = squash(await c.getByRole('list').first().textContent());
      for (const entry of [`Requested by ${PARTNER_ADMIN.email}`, 'Processed automatically', 'Support contract issued']) {
        assert.ok(timeline.includes(entry), `the timeline of "${benefit}" has "${entry}": "${timeline}"`);
      }
      assert.equal(await activateButton(benefit).count(), 0, `no "Activate ${benefit}" once active`);
    }
    assert.notEqual(ids[PRODUCT].contractId, ids[CLOUD].contractId, 'two different Contract IDs');
    assert.notEqual(ids[PRODUCT].accessId, ids[CLOUD].accessId, 'two different Access IDs');

    const product = squash(await card(PRODUCT).textContent());
    assert.ok(/\b20\s*incidents left of 20\b/.test(product),
      `"${PRODUCT}" shows 20 "incidents left of 20": "${product}"`);
    const cloud = squash(await card(CLOUD).textContent());
    assert.ok(cloud.includes('Unlimited incidents'), `"${CLOUD}" still says unlimited: "${cloud}"`);
  });

  step('the copy buttons put the Contract ID and the Access ID on the clipboard', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseURL });
    const c = card(PRODUCT);
    for (const [label, term, said] of [
      ['Copy the Contract ID', 'Contract ID', 'Contract ID copied'],
      ['Copy the Access ID', 'Access ID', 'Access ID copied'],
    ]) {
      await c.getByRole('button', { name: label, exact: true }).click();
      await c.getByRole('status').filter({ hasText: said }).waitFor({ timeout: 5_000 });
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, await codeFact(c, term), `"${label}" copies the ${term} as shown`);
    }
    await visit(page, 'benefits-admin-copied');
  });

  // ── 6. the Member sees the balances, not the IDs ────────────────────────────────────────────

  step('the Member sees the balances but not the Contract ID or Access ID', async () => {
    await switchTo(MEMBER, 'member-again');
    await expectPath('/benefits');
    await visit(page, 'benefits-member-active');
    for (const benefit of [PRODUCT, CLOUD]) {
      assert.equal(await badgeOf(benefit), 'Active', `"${benefit}" badge for the Member`);
      const c = card(benefit);
      assert.equal(await codeFact(c, 'Contract ID'), null, `no Contract ID value in "${benefit}" for a Member`);
      assert.equal(await codeFact(c, 'Access ID'), null, `no Access ID value in "${benefit}" for a Member`);
      assert.equal(await c.getByText("Your organization's Global admins and Partner admins see the Contract ID and Access ID.", { exact: true }).count(), 1,
        `"${benefit}" tells the Member who sees the IDs`);
    }
    const product = squash(await card(PRODUCT).textContent());
    assert.ok(/\b20\s*incidents left of 20\b/.test(product), `the Member sees the product support balance: "${product}"`);
    const html = await page.content();
    for (const [benefit, { contractId, accessId }] of Object.entries(ids)) {
      assert.ok(!html.includes(accessId), `the Access ID of "${benefit}" is nowhere in the Member's page`);
      assert.ok(!html.includes(contractId), `the Contract ID of "${benefit}" is nowhere in the Member's page`);
    }
  });

  // ── 7. the CSP-only Admin agent is refused ──────────────────────────────────────────────────

  step('the Admin agent of the CSP-only organization is refused the benefits page', async () => {
    await switchTo(AGENT, 'admin-agent');
    const res = await page.goto('/benefits');
    await visit(page, 'benefits-csp-agent-refused');
    assert.equal(res.status(), 403, 'GET /benefits as the CSP-only Admin agent');
    await page.getByRole('heading', { name: 'You are not authorized for this action', exact: true }).waitFor();
    const main = squash(await page.getByRole('main').textContent());
    assert.ok(main.includes('must be associated with the partner network'),
      `the page explains the partner-network requirement: "${main}"`);
    assert.equal(await page.getByRole('region', { name: PRODUCT }).count(), 0, 'no benefit card');
  });

  // ── 8. the operator's activation history ────────────────────────────────────────────────────

  step('the operator sees both activations under Activations → Completed', async () => {
    await switchTo({ email: server.operator.email, password: server.operator.password }, 'operator');
    await expectPath('/operator/organizations');
    await mainNav().getByRole('link', { name: 'Activations' }).first().click();
    await expectPath('/operator/activations');
    await visit(page, 'benefits-activations');
    await page.getByRole('heading', { name: 'Activations', exact: true, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Completed', exact: true }).click();
    await page.waitForLoadState('load');
    await page.waitForURL((url) => url.searchParams.get('status') === 'completed').catch(() => {});
    await visit(page, 'benefits-activations-completed');
    assert.equal(await page.getByRole('link', { name: 'Completed', exact: true }).getAttribute('aria-current'), 'page',
      '"Completed" is marked as the current filter');
    const rows = page.getByRole('row').filter({ hasText: GOLD_ORG });
    assert.equal(await rows.count(), 2, `two completed activations for ${GOLD_ORG}`);
    const texts = (await rows.allTextContents()).map(squash);
    for (const benefit of [PRODUCT, CLOUD]) {
      assert.equal(texts.filter((t) => t.includes(benefit)).length, 1, `one row for "${benefit}": ${JSON.stringify(texts)}`);
    }
    for (const t of texts) {
      assert.ok(t.includes(PARTNER_ADMIN.email), `the row names the requester: "${t}"`);
    }
  });
});
