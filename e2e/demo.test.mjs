// The demo, as README tells a newcomer to run it: `sportello serve --demo` on a fresh SQLite
// file, then a sign-in as each demo account (password "sportello-demo") through the form.
//
//   1. the demo loader prints every demo sign-in;
//   2. each demo account signs in, lands on its start page and sees something sensible there:
//      no error page, an h1, its own email in the header, and what the demo promises it
//      (Contoso's active benefit with its IDs, Fabrikam's activation waiting for the operators,
//      Tailspin's rejection with its reason, Wingtip's expired and exhausted contracts, the
//      Contoso engineer's requests in every status, Adatum's CSP customers, the personal
//      consultant's link form, the operator's seven organizations); it signs out after;
//   3. the operator walks every page of the operator console's left navigation (and the pages
//      one level below: an organization, a request, the activation filters, a filtered audit
//      log), each through visit(), so each is screenshotted and checked by axe-core;
//   4. the API reference at /api/docs.
//
// Run: SPORTELLO_BIN=target/debug/sportello node --test --test-concurrency=1 e2e/demo.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, visit, DEMO_PASSWORD } from './lib.mjs';

const ORGANIZATIONS = [
  'Northwind Traders (Action Pack)',
  'Fabrikam (Silver, cloud)',
  'Tailspin Toys (Silver, data center)',
  'Contoso (Gold, cloud)',
  'Wingtip (Gold, data platform)',
  'Adatum Cloud Reseller (CSP only)',
  'Litware (partner network and CSP)',
];

const ACCOUNTS = [
  'operator@sportello.demo',
  'admin@northwind.demo',
  'admin@fabrikam.demo',
  'admin@tailspin.demo',
  'admin@contoso.demo',
  'partner.admin@contoso.demo',
  'engineer@contoso.demo',
  'admin@wingtip.demo',
  'agent@adatum.demo',
  'admin@adatum.demo',
  'admin@litware.demo',
  'agent@litware.demo',
  'consultant@personal.demo',
];

const PRODUCT_SUPPORT = 'Partner product support';
const TAILSPIN_REASON = 'The program agreement for this year is not signed yet.';
const CONTRACT_ID_RE = /^\d{4}-\d{4}-\d$/;
const ACCESS_ID_RE = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]$/;
const REQUEST_NUMBER_RE = /^SR-\d{4}-\d{6,}$/;
const REQUEST_STATUSES = ['Open', 'In progress', 'Waiting on customer', 'Resolved', 'Closed'];

const squash = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('demo: every demo account and the operator console', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startServer({ demo: true });
    browser = await openBrowser({ baseURL: server.baseURL });
    page = browser.page;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  // Each account's test signs in on its own, so one failure does not hide the others; a
  // failing test prints the server log's tail.
  const test = (name, fn) => it(name, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      if (server) console.error(`[e2e] server log (last lines):\n${server.logTail(30)}`);
      throw err;
    }
  });

  const header = () => page.getByRole('banner');
  const main = () => page.getByRole('main');
  const mainText = async () => squash(await main().textContent());
  const path = () => new URL(page.url()).pathname;

  const expectPath = async (expected) => {
    await page.waitForURL((url) => url.pathname === expected, { timeout: 10_000 }).catch(() => {});
    assert.equal(path(), expected, `expected to be on ${expected}, but the page is ${page.url()}`);
  };

  /**
   * A sensible page: not the error page, not a 4xx/5xx document, exactly one h1 (matching
   * `h1` when given), no error alert, and `email` (when given) in the header.
   */
  const assertSensible = async (what, { h1, email } = {}) => {
    const eyebrow = await main().locator('.eyebrow').allTextContents();
    assert.ok(!eyebrow.some((e) => /^\s*Error\b/.test(e)),
      `${what}: ${page.url()} shows the error page: ${await mainText()}`);
    const h1s = (await page.locator('h1').allTextContents()).map(squash);
    assert.equal(h1s.length, 1, `${what}: ${page.url()} has ${h1s.length} h1 (${JSON.stringify(h1s)})`);
    if (h1 instanceof RegExp) {
      assert.match(h1s[0], h1, `${what}: h1 of ${page.url()}`);
    } else if (h1) {
      assert.equal(h1s[0], h1, `${what}: h1 of ${page.url()}`);
    }
    const alerts = (await page.getByRole('alert').allTextContents()).map(squash);
    assert.deepEqual(alerts, [], `${what}: no error alert on ${page.url()}`);
    if (email) {
      assert.ok(squash(await header().textContent()).includes(email),
        `${what}: the header of ${page.url()} names ${email}`);
    }
  };

  /** Opens `url` (checking the document answered 200), then visit()s it. */
  const open = async (url, shot) => {
    const res = await page.goto(url);
    assert.equal(res?.status(), 200, `GET ${url} answered ${res?.status()}: ${await mainText()}`);
    await visit(page, shot);
  };

  /** Signs `email` in through the form and checks the start page it lands on. */
  const signIn = async (email, start, shot) => {
    if (path() !== '/sign-in') {
      const res = await page.goto('/sign-in');
      assert.equal(res?.status(), 200, 'GET /sign-in');
    }
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath(start);
    await visit(page, `demo-${shot}-start`);
    await header().getByText(email).first().waitFor();
  };

  /** The header's "Sign out" button; back on the sign-in form, signed out. */
  const signOut = async () => {
    await header().getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath('/sign-in');
    assert.equal(await header().getByText('Signed in as').count(), 0, 'signed out');
  };

  /** The benefit card named `benefit` on /benefits. */
  const benefitCard = (benefit) => page.getByRole('region', { name: benefit, exact: true });
  /** The text of the <dd> after the <dt> `term` inside `scope`, or null. */
  const fact = async (scope, term) => {
    const dd = scope.locator('dl > div')
      .filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${escapeRe(term)}\\s*$`) }) })
      .locator('dd');
    if ((await dd.count()) === 0) return null;
    // The value itself, without the copy button static/app.js adds beside an ID.
    return squash(await dd.first().evaluate((el) => {
      const copy = el.cloneNode(true);
      for (const extra of copy.querySelectorAll('.copy-button, .copy-status')) extra.remove();
      return copy.textContent;
    }));
  };
  const badge = async (scope) => squash(await scope.locator('.card-head .badge').first().textContent());
  /** The state badge of each benefit card on /benefits, by benefit name. */
  const benefitStates = async () => {
    const cards = page.locator('section.card.benefit');
    const states = {};
    for (let i = 0; i < (await cards.count()); i += 1) {
      const card = cards.nth(i);
      states[squash(await card.locator('h2').first().textContent())] = await badge(card);
    }
    return states;
  };
  /** The badge of each plan card on /support, by plan name. */
  const planStates = async () => {
    const cards = page.getByRole('region', { name: 'Linked contracts', exact: true }).getByRole('article');
    const found = [];
    for (let i = 0; i < (await cards.count()); i += 1) {
      const card = cards.nth(i);
      found.push({ plan: squash(await card.locator('h3').first().textContent()), state: await badge(card) });
    }
    return found;
  };
  /** The rows of the first data table in main, as arrays of cell texts. */
  const tableRows = async () => {
    const rows = main().locator('table.data tbody tr');
    const out = [];
    for (let i = 0; i < (await rows.count()); i += 1) {
      out.push((await rows.nth(i).locator('td').allTextContents()).map(squash));
    }
    return out;
  };

  // ---------------------------------------------------------------------------------------

  test('the demo loader prints every demo sign-in with its password', async () => {
    const log = server.log();
    assert.match(log, /Demo data ready \(13 accounts added\)/, `the demo loaded:\n${server.logTail(40)}`);
    assert.ok(log.includes(`"${DEMO_PASSWORD}"`), 'the password is printed');
    for (const email of ACCOUNTS) assert.ok(log.includes(email), `${email} is listed`);
  });

  test('Contoso global admin: Partner product support active, with its IDs', async () => {
    const email = 'admin@contoso.demo';
    await signIn(email, '/benefits', 'contoso-admin');
    await assertSensible(email, { h1: 'Technical benefits', email });
    assert.match(await mainText(), /Contoso \(Gold, cloud\)/, 'the lead names the organization');
    const card = benefitCard(PRODUCT_SUPPORT);
    assert.equal(await badge(card), 'Active');
    assert.match(await fact(card, 'Contract ID') ?? '', CONTRACT_ID_RE, 'Contract ID shown');
    assert.match(await fact(card, 'Access ID') ?? '', ACCESS_ID_RE, 'Access ID shown');
    await signOut();
  });

  test('Contoso partner admin: the same active benefit with its IDs', async () => {
    const email = 'partner.admin@contoso.demo';
    await signIn(email, '/benefits', 'contoso-partner-admin');
    await assertSensible(email, { h1: 'Technical benefits', email });
    const card = benefitCard(PRODUCT_SUPPORT);
    assert.equal(await badge(card), 'Active');
    assert.match(await fact(card, 'Contract ID') ?? '', CONTRACT_ID_RE, 'Contract ID shown');
    await signOut();
  });

  test('Contoso engineer: benefits without IDs; requests in every status', async () => {
    const email = 'engineer@contoso.demo';
    await signIn(email, '/benefits', 'contoso-engineer');
    await assertSensible(email, { h1: 'Technical benefits', email });
    const card = benefitCard(PRODUCT_SUPPORT);
    assert.equal(await badge(card), 'Active');
    assert.equal(await fact(card, 'Contract ID'), null, 'a Member sees no Contract ID');
    assert.equal(await fact(card, 'Access ID'), null, 'a Member sees no Access ID');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support requests', exact: true }).click();
    await expectPath('/support/requests');
    await visit(page, 'demo-contoso-engineer-requests');
    await assertSensible(email, { h1: 'My support requests', email });
    const rows = await tableRows();
    const statuses = rows.map((cells) => cells.find((c) => REQUEST_STATUSES.includes(c)));
    assert.deepEqual([...new Set(statuses)].sort(), [...REQUEST_STATUSES].sort(),
      `one request in each status: ${JSON.stringify(rows)}`);
    for (const cells of rows) assert.match(cells[0], REQUEST_NUMBER_RE);

    // The request waiting on them says what answering does, and the button does that.
    const waiting = rows.find((cells) => cells.includes('Waiting on customer'));
    await main().getByRole('link', { name: waiting[0], exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/support/requests/${waiting[0]}`);
    await visit(page, 'demo-contoso-engineer-waiting-request');
    const status = page.getByRole('region', { name: 'Change the status' });
    assert.match(squash(await status.textContent()),
      /Write it in the box above and send it: that hands the request back to support\. Nothing to add\? Send it back as it is\./);
    await status.getByRole('button', { name: 'Send back without a comment', exact: true }).waitFor();
    await main().getByLabel('Your answer', { exact: true }).fill('The update finished after a restart of the host.');
    await main().getByRole('button', { name: 'Send the answer to support', exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/support/requests/${waiting[0]}`);
    await visit(page, 'demo-contoso-engineer-answered-request');
    assert.match(await mainText(), /The update finished after a restart of the host\./, 'the answer is in the history');
    assert.equal(squash(await main().locator('.badge').first().textContent()), 'In progress', 'back with support');
    assert.equal(await page.getByRole('button', { name: 'Send the answer to support' }).count(), 0,
      'the request no longer waits on them');

    // Their linked plan is on /support too.
    await open('/support', 'demo-contoso-engineer-support');
    await assertSensible(email, { h1: 'My support plans', email });
    const plans = await planStates();
    assert.ok(plans.some((p) => p.plan === PRODUCT_SUPPORT && p.state === 'Active'),
      `the linked Partner product support is active: ${JSON.stringify(plans)}`);
    await signOut();
  });

  test('Fabrikam partner admin: Signature cloud support activating, waiting for the operators', async () => {
    const email = 'admin@fabrikam.demo';
    await signIn(email, '/benefits', 'fabrikam-admin');
    await assertSensible(email, { h1: 'Technical benefits', email });
    const states = await benefitStates();
    const activating = Object.entries(states).filter(([, s]) => s === 'Activating');
    assert.equal(activating.length, 1, `one benefit activating: ${JSON.stringify(states)}`);
    const card = benefitCard(activating[0][0]);
    const text = squash(await card.textContent());
    assert.match(text, /operator/i, `the card says it waits for an operator: ${text}`);
    assert.ok(text.includes(email), `the card says who asked: ${text}`);
    await signOut();
  });

  test('Tailspin global admin: Signature cloud support rejected, with the reason', async () => {
    const email = 'admin@tailspin.demo';
    await signIn(email, '/benefits', 'tailspin-admin');
    await assertSensible(email, { h1: 'Technical benefits', email });
    const states = await benefitStates();
    const rejected = Object.entries(states).filter(([, s]) => s === 'Rejected');
    assert.equal(rejected.length, 1, `one benefit rejected: ${JSON.stringify(states)}`);
    const text = squash(await benefitCard(rejected[0][0]).textContent());
    assert.ok(text.includes(TAILSPIN_REASON), `the reason is shown: ${text}`);
    await signOut();
  });

  test('Northwind global admin: Action Pack benefits', async () => {
    const email = 'admin@northwind.demo';
    await signIn(email, '/benefits', 'northwind-admin');
    await assertSensible(email, { h1: 'Technical benefits', email });
    const states = await benefitStates();
    assert.equal(states[PRODUCT_SUPPORT], 'Available', `Partner product support available: ${JSON.stringify(states)}`);
    assert.ok(await page.getByRole('button', { name: `Activate ${PRODUCT_SUPPORT}` }).isEnabled(),
      'a global admin may activate it');
    await signOut();
  });

  test('Wingtip global admin: an expired and an exhausted contract on /support', async () => {
    const email = 'admin@wingtip.demo';
    await signIn(email, '/benefits', 'wingtip-admin');
    await assertSensible(email, { h1: 'Technical benefits', email });
    assert.ok(Object.values(await benefitStates()).includes('Available'), 'benefits available');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support', exact: true }).click();
    await expectPath('/support');
    await visit(page, 'demo-wingtip-admin-support');
    await assertSensible(email, { h1: 'My support plans', email });
    const plans = await planStates();
    const states = plans.map((p) => p.state).sort();
    assert.deepEqual(states, ['Exhausted', 'Expired'], `plans: ${JSON.stringify(plans)}`);
    // An expired contract says it ended and what went unused, not a big "N left".
    const cards = page.getByRole('region', { name: 'Linked contracts', exact: true }).getByRole('article');
    for (let i = 0; i < (await cards.count()); i += 1) {
      const card = cards.nth(i);
      if ((await badge(card)) !== 'Expired') continue;
      const big = squash(await card.locator('.stat-value').textContent());
      const label = squash(await card.locator('.stat .stat-label').textContent());
      assert.equal(big, 'Ended', `the expired contract's big text: ${big}`);
      assert.match(label, /^on \d{4}-\d{2}-\d{2}( · (every incident was used|1 incident was never used|\d+ incidents were never used))?$/, label);
    }
    await signOut();
  });

  test('Adatum Admin agent (CSP only): lands on Customers, which lists Fabrikam Retail; filing for one stays under Customers', async () => {
    const email = 'agent@adatum.demo';
    await signIn(email, '/customers', 'adatum-agent');
    await visit(page, 'demo-adatum-agent-customers');
    await assertSensible(email, { h1: 'Customers', email });
    const nav = page.getByRole('navigation', { name: 'Main' });
    const current = async () => squash(await nav.locator('[aria-current="page"]').textContent());
    assert.equal(await current(), 'Customers', 'the navigation marks Customers');
    const names = (await tableRows()).map((cells) => cells[0]);
    assert.ok(names.includes('Fabrikam Retail'), `Fabrikam Retail listed: ${JSON.stringify(names)}`);
    assert.ok(names.includes('Proseware'), `Proseware listed: ${JSON.stringify(names)}`);
    await main().getByRole('link', { name: 'Fabrikam Retail', exact: true }).click();
    await page.waitForURL((url) => /^\/customers\/\d+$/.test(url.pathname));
    await main().getByRole('link', { name: /^New request/ }).first().click();
    await page.waitForURL((url) => url.pathname === '/support/new' && url.searchParams.has('customer'));
    await visit(page, 'demo-adatum-agent-file-for-customer');
    assert.equal(await current(), 'Customers', 'filing for a customer stays under Customers');
    await nav.getByRole('link', { name: 'Support', exact: true }).click();
    await expectPath('/support');
    await assertSensible(email, { h1: 'My support plans', email });
    // The request filed for Fabrikam Retail is theirs to follow.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support requests', exact: true }).click();
    await expectPath('/support/requests');
    await visit(page, 'demo-adatum-agent-requests');
    await assertSensible(email, { h1: 'My support requests', email });
    assert.match(await mainText(), /Virtual machines stuck in 'Updating'/);
    assert.match(await mainText(), /Fabrikam Retail/);
    // Benefits are not in its navigation; typed by hand, they are refused with a page that
    // says why and what to do.
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Technical benefits' }).count(), 0,
      'no benefits entry for a CSP-only organization');
    const res = await page.goto('/benefits');
    await visit(page, 'demo-adatum-agent-benefits');
    assert.equal(res?.status(), 403, 'GET /benefits for a CSP-only agent');
    assert.match(await mainText(), /not enrolled in the partner network/, 'the refusal says why');
    assert.equal(await main().getByRole('link', { name: 'Go to the start page' }).getAttribute('href'), '/');
    await signOut();
  });

  test('Adatum global admin (CSP only): lands on Customers', async () => {
    const email = 'admin@adatum.demo';
    await signIn(email, '/customers', 'adatum-admin');
    await visit(page, 'demo-adatum-admin-customers');
    await assertSensible(email, { h1: 'Customers', email });
    assert.ok((await tableRows()).some((cells) => cells[0] === 'Fabrikam Retail'));
    await signOut();
  });

  test('Litware global admin (partner network and CSP): benefits and customers', async () => {
    const email = 'admin@litware.demo';
    await signIn(email, '/benefits', 'litware-admin');
    await assertSensible(email, { h1: 'Technical benefits', email });
    assert.ok(Object.keys(await benefitStates()).length > 0, 'benefits listed');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers', exact: true }).click();
    await expectPath('/customers');
    await visit(page, 'demo-litware-admin-customers');
    await assertSensible(email, { h1: 'Customers', email });
    await signOut();
  });

  test('Litware Admin agent: lands on Customers; benefits too', async () => {
    const email = 'agent@litware.demo';
    await signIn(email, '/customers', 'litware-agent');
    await visit(page, 'demo-litware-agent-customers');
    await assertSensible(email, { h1: 'Customers', email });
    await open('/benefits', 'demo-litware-agent-benefits');
    await assertSensible(email, { h1: 'Technical benefits', email });
    await open('/customers', 'demo-litware-agent-customers-again');
    // Litware has no customers in the demo: the empty list says what to do.
    assert.match(await mainText(), /No customers yet\. Add the first one with the form below\./);
    await main().getByRole('button', { name: 'Add customer' }).waitFor();
    await signOut();
  });

  test('personal consultant: /support with the link form', async () => {
    const email = 'consultant@personal.demo';
    await signIn(email, '/support', 'consultant');
    await assertSensible(email, { h1: 'My support plans', email });
    const link = page.getByRole('region', { name: 'Link a contract' });
    await link.getByLabel('Contract ID', { exact: true }).waitFor();
    await link.getByLabel('Access ID', { exact: true }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Technical benefits' }).count(), 0,
      'no benefits for a personal account');
    // In Italian, a product and its scope read without nested brackets.
    await header().getByRole('button', { name: 'Italiano', exact: true }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'it');
    await page.goto('/support/new');
    await visit(page, 'demo-consultant-new-request-it');
    const products = (await main().getByLabel('Prodotto', { exact: true }).locator('option').allTextContents()).map(squash);
    assert.ok(products.includes('SQL Server (On-premises)'), `products: ${JSON.stringify(products)}`);
    for (const name of products) assert.ok(!/\(.*\(/.test(name), `no nested brackets: ${name}`);
    await header().getByRole('button', { name: 'English', exact: true }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await signOut();
  });

  // ---------------------------------------------------------------------------------------
  // The operator console.

  describe('operator console', () => {
    const email = 'operator@sportello.demo';
    const consoleNav = () => page.getByRole('navigation', { name: 'Main' }).getByRole('list', { name: 'Operator' });
    const go = async (label, expectedPath, shot) => {
      await consoleNav().getByRole('link', { name: label, exact: true }).click();
      await expectPath(expectedPath);
      await visit(page, shot);
    };

    test('the operator lands on /operator/organizations with the 7 demo organizations', async () => {
      await signIn(email, '/operator/organizations', 'operator');
      await assertSensible(email, { h1: 'Organizations', email });
      const names = (await tableRows()).map((cells) => cells[0]);
      assert.deepEqual([...names].sort(), [...ORGANIZATIONS].sort(), `organizations: ${JSON.stringify(names)}`);
      assert.equal(names.length, 7, 'the 7 demo organizations, one page');
      assert.match(await mainText(), /Organizations by name/);
      assert.equal(await main().getByRole('navigation', { name: 'Pages' }).count(), 0, 'no pager for one page');
    });

    test('an organization\'s page: Fabrikam', async () => {
      await main().getByRole('link', { name: 'Fabrikam (Silver, cloud)', exact: true }).click();
      await page.waitForURL(/\/operator\/organizations\/\d+$/);
      await visit(page, 'demo-operator-organization-fabrikam');
      await assertSensible('Fabrikam', { h1: 'Fabrikam (Silver, cloud)', email });
      const text = await mainText();
      assert.match(text, /1000202/, 'partner ID');
      assert.match(text, /admin@fabrikam\.demo/, 'its account');
    });

    test('Accounts', async () => {
      await go('Accounts', '/operator/accounts', 'demo-operator-accounts');
      await assertSensible('accounts', { h1: 'Accounts', email });
      const text = await mainText();
      for (const account of ACCOUNTS) assert.ok(text.includes(account), `${account} listed`);
    });

    test('Activations: waiting, completed, rejected', async () => {
      await go('Activations', '/operator/activations', 'demo-operator-activations');
      await assertSensible('activations', { h1: 'Activations', email });
      const filters = page.getByRole('navigation', { name: /filter|status/i });
      const expectations = [
        ['Waiting', 'requested', /Fabrikam \(Silver, cloud\)/],
        ['Completed', 'completed', /Contoso \(Gold, cloud\)/],
        ['Rejected', 'rejected', /Tailspin Toys \(Silver, data center\)/],
      ];
      for (const [label, status, who] of expectations) {
        await filters.getByRole('link', { name: label, exact: true }).click();
        await page.waitForURL((url) => url.searchParams.get('status') === status);
        await visit(page, `demo-operator-activations-${status}`);
        await assertSensible(`activations ${status}`, { h1: 'Activations', email });
        const rows = await tableRows();
        assert.ok(rows.length > 0, `${label}: some activations (page says: ${await mainText()})`);
        assert.ok(rows.some((cells) => who.test(cells[0])), `${label}: ${who} listed: ${JSON.stringify(rows)}`);
      }
      assert.ok((await mainText()).includes(TAILSPIN_REASON), 'the rejection reason is shown');
    });

    test('approving an activation says what changed, once', async () => {
      await page.goto('/operator/activations?status=requested');
      const row = main().getByRole('row').filter({ hasText: 'Fabrikam (Silver, cloud)' }).first();
      await row.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/operator/activations');
      await visit(page, 'demo-operator-activation-approved');
      const said = (await main().getByRole('status').allTextContents()).map(squash);
      assert.ok(said.some((s) => /^Approved: .+ for Fabrikam \(Silver, cloud\)\. Contract \d{4}-\d{4}-\d was issued and admin@fabrikam\.demo was told by e-mail\.$/.test(s)),
        `a message naming the benefit, the organization, the contract and who was told: ${JSON.stringify(said)}`);
      await page.reload();
      const again = (await main().getByRole('status').allTextContents()).map(squash);
      assert.ok(!again.some((s) => s.startsWith('Approved:')), `shown once: ${JSON.stringify(again)}`);
    });

    test('Import memberships', async () => {
      await go('Import memberships', '/operator/memberships/import', 'demo-operator-import');
      await assertSensible('import', { h1: 'Import memberships', email });
      assert.equal(await main().locator('input[type="file"], textarea').count() > 0, true, 'a file or text to import');
    });

    test('Request queue and one request', async () => {
      await go('Request queue', '/operator/requests', 'demo-operator-queue');
      await assertSensible('queue', { h1: 'Request queue', email });
      const rows = await tableRows();
      assert.ok(rows.length >= 1, `the queue lists requests: ${await mainText()}`);
      const text = await mainText();
      assert.match(text, /Availability group failover takes minutes/);
      assert.match(text, /Virtual machines stuck in 'Updating'/);
      const first = main().locator('table.data tbody tr a[href^="/support/requests/"]').first();
      const number = squash(await first.textContent());
      assert.match(number, REQUEST_NUMBER_RE);
      await first.click();
      await expectPath(`/support/requests/${number}`);
      await visit(page, 'demo-operator-request');
      await assertSensible(`request ${number}`, { email });
      assert.match(await mainText(), new RegExp(escapeRe(number)));
      assert.equal(await consoleNav().getByRole('link', { name: 'Request queue', exact: true }).getAttribute('aria-current'), 'page',
        'the queue stays current in the navigation');

      // A status change says what the request is now and who is told.
      const select = main().getByLabel('New status', { exact: true });
      const label = squash(await select.locator('option').first().textContent());
      await select.selectOption({ index: 0 });
      await main().getByRole('button', { name: 'Change status', exact: true }).click();
      await expectPath(`/support/requests/${number}`);
      await visit(page, 'demo-operator-request-status-changed');
      const said = (await main().getByRole('status').allTextContents()).map(squash);
      assert.ok(said.some((s) => s.startsWith(`${number} is now "${label}"; `) && s.endsWith('is told of the change.')),
        `a message with the new status: ${JSON.stringify(said)}`);
    });

    test('Products', async () => {
      await go('Products', '/operator/products', 'demo-operator-products');
      await assertSensible('products', { h1: 'Products', email });
      const text = await mainText();
      for (const product of ['SQL Server', 'Windows Server', 'Azure Virtual Machines', 'Microsoft 365']) {
        assert.ok(text.includes(product), `${product} listed`);
      }
    });

    test('Paid plans (orders)', async () => {
      await go('Paid plans', '/operator/orders', 'demo-operator-orders');
      await assertSensible('orders', { h1: 'Paid plans', email });
      assert.ok((await main().locator('form').count()) > 0, 'the order form');
    });

    test('Audit log, and filtered by action', async () => {
      await go('Audit log', '/operator/audit', 'demo-operator-audit');
      await assertSensible('audit', { h1: 'Audit log', email });
      const status = squash(await main().getByRole('status').first().textContent());
      assert.match(status, /intact|verif/i, `the chain verifies: ${status}`);
      assert.ok((await tableRows()).length > 0, 'entries listed');

      await main().getByLabel('Action', { exact: true }).fill('benefit.activation_requested');
      await main().getByRole('button', { name: /apply|filter/i }).click();
      await page.waitForURL((url) => url.searchParams.get('action') === 'benefit.activation_requested');
      await visit(page, 'demo-operator-audit-filtered');
      await assertSensible('audit filtered', { h1: 'Audit log', email });
      const rows = await tableRows();
      assert.ok(rows.length >= 3, `Contoso, Fabrikam and Tailspin asked: ${JSON.stringify(rows)}`);
      for (const cells of rows) {
        // Each entry reads as a sentence naming who asked, what and for whom, its codes after it.
        assert.match(cells[1], /^\S.* asked to activate .+ for \S.*\. #\d+ benefit\.activation_requested( \S+)?$/,
          `a sentence, then the entry's codes: ${cells[1]}`);
      }
      const organizationLinks = main().locator('table.audit td a[href^="/operator/organizations/"]');
      assert.ok((await organizationLinks.count()) >= 3, 'the organizations are links');
      await organizationLinks.first().click();
      await page.waitForURL((url) => /^\/operator\/organizations\/\d+$/.test(url.pathname));
    });

    test('Outbox', async () => {
      await go('Outbox', '/operator/outbox', 'demo-operator-outbox');
      await assertSensible('outbox', { h1: 'Outbox', email });
      // Opening a message shows its body inside its row; the page stays as wide as the screen.
      const first = main().locator('table.data details').first();
      await first.locator('summary').click();
      await first.locator('pre').waitFor();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(wide <= 1, `an open message does not widen the page (${wide}px too wide)`);
      const kind = await main().locator('table.data tbody td').nth(1).evaluate((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        const words = td.textContent.trim().split(/\s+/).length;
        return { lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size, words };
      });
      assert.ok(kind.lines <= kind.words, `the Kind column wraps at spaces, not letter by letter: ${JSON.stringify(kind)}`);
      await visit(page, 'demo-operator-outbox-open');
    });

    test('the API reference at /api/docs', async () => {
      const res = await page.goto('/api/docs');
      assert.equal(res?.status(), 200, 'GET /api/docs');
      await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
      await visit(page, 'demo-api-docs');
      assert.match(squash(await page.locator('h1, h2').first().textContent()), /Sportello/, '/api/docs has its title');
    });
  });
});
