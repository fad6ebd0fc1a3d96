// The support-request walk-through (SPEC §2 "Products", "Plans", "Support request",
// "CSP customers"), entirely through the web UI:
//
//   1. set-up, as users would do it: the operator creates Contoso Gold (partner ID 4410001) and
//      the CSP-only Adatum Reseller, a Partner admin and a Member in Contoso Gold and an Admin
//      agent in Adatum, imports a gold cloud_platform membership, and adds the products
//      "SQL Server" (on-premises, versions 2017, 2019, 2022) and "Azure Virtual Machines"
//      (cloud); the Partner admin activates "Partner product support" and the Member links it;
//   2. the Member files a request: SQL Server 2017 has no eligible plan, and the contract is
//      listed as unavailable with the older-version reason; SQL Server 2022 can use it
//      (20 incidents left); a version changed to 2017 after the 2022 plans were shown is not
//      filed (the page asks again); the request is Open and charged, the contract has 19 left;
//   3. the Admin agent of Adatum adds the customer Fabrikam Retail and files a request for it on
//      Azure Virtual Machines under the CSP plan: nothing charged, the customer named;
//   4. the operator opens the Member's request from the queue and gives the incident back as a
//      product defect; the Member's contract has 20 incidents left again, with a "Given back"
//      row in its ledger.
//
// Run: SPORTELLO_BIN=target/debug/sportello node --test --test-concurrency=1 e2e/requests.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, visit, assertNoBrokenValues, PHONE_WIDTH } from './lib.mjs';

const GOLD_ORG = 'Contoso Gold';
const GOLD_PARTNER_ID = '4410001';
const CSP_ORG = 'Adatum Reseller';
const PASSWORD = 'correct horse battery staple 42';

const PARTNER_ADMIN = { email: 'pat.admin@contoso-gold.example', name: 'Pat Admin', role: 'Partner admin', org: GOLD_ORG };
const MEMBER = { email: 'mia.member@contoso-gold.example', name: 'Mia Member', role: 'Member', org: GOLD_ORG };
const AGENT = { email: 'aldo.agent@adatum.example', name: 'Aldo Agent', role: 'Admin agent', org: CSP_ORG };

const PRODUCT_SUPPORT = 'Partner product support';
const CSP_PLAN = 'CSP (Cloud Solution Provider)';
const OLDER_VERSION_TEXT = 'Covers only the newest version and the previous one while in mainstream support: this version is older.';

const CUSTOMER = { name: 'Fabrikam Retail', domain: 'fabrikam-retail.example' };

const CONTRACT_ID_RE = /^\d{4}-\d{4}-\d$/;
const ACCESS_ID_RE = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]$/;
const REQUEST_NUMBER_RE = /^SR-\d{4}-\d{6,}$/;

/** A calendar day `days` from today (UTC), as YYYY-MM-DD. */
const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** Today (UTC) moved by whole years, as YYYY-MM-DD (29 February becomes 28 February). */
const yearsFromToday = (years) => {
  const d = new Date();
  const target = new Date(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()));
  if (target.getUTCMonth() !== d.getUTCMonth()) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
};

const SQL_SERVER = {
  name: 'SQL Server',
  code: 'sql-server',
  scope: 'on_premises',
  workload: 'sql-server',
  versions: [
    { name: '2017', released: '2017-09-29', mainstream: '2022-10-11', extended: '2027-10-12' },
    { name: '2019', released: '2019-11-04', mainstream: yearsFromToday(1), extended: yearsFromToday(4) },
    { name: '2022', released: '2022-11-16', mainstream: yearsFromToday(2), extended: yearsFromToday(5) },
  ],
};
const AZURE_VM = { name: 'Azure Virtual Machines', code: 'azure-vm', scope: 'cloud', workload: 'azure', versions: [] };

const MEMBERSHIPS_CSV = [
  'partner_id,offer,competency,start,end',
  `${GOLD_PARTNER_ID},gold,cloud_platform,${day(-30)},${day(300)}`,
  '',
].join('\n');

const MEMBER_REQUEST = {
  title: 'Availability group does not fail over',
  description: 'Since Monday the secondary replica stays in RESOLVING.\nWe restarted both nodes; no change.',
};
const CUSTOMER_REQUEST = {
  title: 'VM does not start after resize',
  description: 'The D4s_v5 machine stays in "Starting" since the resize this morning.',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const squash = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('requests: plans, filing, CSP customers and refunds', { timeout: 300_000 }, () => {
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
  const main = () => page.getByRole('main');
  const mainNav = () => page.getByRole('navigation', { name: 'Main' });
  const benefitCard = (benefit) => page.getByRole('region', { name: benefit, exact: true });
  const linkedContracts = () => page.getByRole('region', { name: 'Linked contracts', exact: true });
  const linkedCard = () => linkedContracts().getByRole('article', { name: PRODUCT_SUPPORT, exact: true });

  /** The <dd> next to the <dt> `term` inside `scope`. */
  const factDd = (scope, term) => scope.locator('dl > div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${escapeRe(term)}\\s*$`) }) }).locator('dd');
  /** The text of the fact `term` inside `scope`, or null when absent. */
  const fact = async (scope, term) => {
    const dd = factDd(scope, term);
    if ((await dd.count()) === 0) return null;
    return squash(await dd.first().textContent());
  };
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
    await visit(page, `requests-switch-to-${shotName}`);
    await submitSignIn(who.email, who.password ?? PASSWORD);
    await header().getByText(who.email).first().waitFor();
  };

  // "New support request" form helpers.
  const productSelect = () => page.getByLabel('Product', { exact: true });
  const versionSelect = (product) => page.getByLabel(`Version of ${product}`, { exact: true });
  const showPlans = async () => {
    await page.getByRole('button', { name: 'Show plans', exact: true }).click();
    await page.waitForLoadState('load');
  };
  const planSection = () => page.getByRole('region', { name: '2. Support plan', exact: true });
  // The severity radios are in the same section: only the plan fieldset's radios are plans.
  const planRadios = () => planSection()
    .getByRole('group', { name: 'Which plan should this request use?', exact: true }).getByRole('radio');
  /** The visible text of the label of each plan radio. */
  const planLabels = async () => {
    const radios = planRadios();
    const texts = [];
    for (let i = 0; i < (await radios.count()); i += 1) {
      const id = await radios.nth(i).getAttribute('id');
      texts.push(squash(await page.locator(`label[for="${id}"]`).textContent()));
    }
    return texts;
  };
  const fileRequest = async ({ title, description }, severity) => {
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Description', { exact: true }).fill(description);
    await page.getByRole('radio', { name: new RegExp(`^\\s*${severity} ·`) }).check();
    await page.getByRole('button', { name: 'Submit request', exact: true }).click();
    await page.waitForLoadState('load');
  };
  /** Waits for the request page and returns its number (from the URL). */
  const requestNumberFromUrl = async () => {
    await page.waitForURL((url) => url.pathname.startsWith('/support/requests/SR-'), { timeout: 10_000 }).catch(() => {});
    const path = new URL(page.url()).pathname;
    const m = /^\/support\/requests\/([^/]+)$/.exec(path);
    assert.ok(m, `expected to land on /support/requests/{number}, but the page is ${page.url()} ` +
      `(alerts: ${JSON.stringify(await alerts())})`);
    return decodeURIComponent(m[1]);
  };
  const requestFacts = () => page.getByRole('region', { name: 'Details', exact: true });

  // ── 1. set-up ───────────────────────────────────────────────────────────────────────────────

  step('set-up: the operator signs in', async () => {
    const res = await page.goto('/sign-in');
    assert.equal(res.status(), 200, 'GET /sign-in');
    await visit(page, 'requests-sign-in');
    await submitSignIn(server.operator.email, server.operator.password);
    await expectPath('/operator/organizations');
    await visit(page, 'requests-organizations-empty');
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
    assert.equal(await page.getByRole('row').filter({ hasText: name }).count(), 1, `one table row with "${name}"`);
  };

  step(`set-up: the operator creates "${GOLD_ORG}" with partner ID ${GOLD_PARTNER_ID}`, async () => {
    await createOrganization({ name: GOLD_ORG, partnerId: GOLD_PARTNER_ID, csp: false }, 'requests-org-contoso-created');
  });

  step(`set-up: the operator creates the CSP-only "${CSP_ORG}"`, async () => {
    await createOrganization({ name: CSP_ORG, partnerId: null, csp: true }, 'requests-org-adatum-created');
  });

  step('set-up: the operator opens Accounts', async () => {
    await mainNav().getByRole('link', { name: 'Accounts' }).first().click();
    await expectPath('/operator/accounts');
    await visit(page, 'requests-accounts-empty');
  });

  for (const who of [PARTNER_ADMIN, MEMBER, AGENT]) {
    step(`set-up: the operator creates the ${who.role} ${who.email} in ${who.org}`, async () => {
      await page.getByLabel('Email', { exact: true }).fill(who.email);
      await page.getByLabel('Display name').fill(who.name);
      await page.getByLabel(/^\s*Kind\b/).selectOption({ label: 'Work account' });
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel(/^\s*Organization\b/).selectOption({ label: who.org });
      for (const role of ['Global admin', 'Partner admin', 'Admin agent', 'Member']) {
        const box = page.getByRole('checkbox', { name: role, exact: true });
        if (role === who.role) await box.check(); else await box.uncheck();
      }
      await page.getByRole('button', { name: 'Create account', exact: true }).click();
      await page.waitForLoadState('load');
      await visit(page, `requests-account-${who.role.toLowerCase().replace(/\s+/g, '-')}-created`);
      await assertNoAlert(`after creating ${who.email}`);
      await page.getByRole('status').filter({ hasText: who.email }).first().waitFor();
      const row = page.getByRole('row').filter({ hasText: who.email });
      assert.equal(await row.count(), 1, `one table row with ${who.email}`);
      const text = squash(await row.textContent());
      assert.ok(text.includes(who.org) && text.includes(who.role), `the row names ${who.org} and ${who.role}: "${text}"`);
    });
  }

  step('set-up: the operator imports a gold cloud_platform membership', async () => {
    await mainNav().getByRole('link', { name: 'Import memberships' }).first().click();
    await expectPath('/operator/memberships/import');
    await visit(page, 'requests-import-form');
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'memberships.csv', mimeType: 'text/csv', buffer: Buffer.from(MEMBERSHIPS_CSV, 'utf8'),
    });
    await page.getByRole('button', { name: 'Check and import', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'requests-import-done');
    await assertNoAlert('after importing the membership');
    assert.equal(await page.getByRole('status').filter({ hasText: '1 membership imported.' }).count(), 1,
      `a status "1 membership imported." (statuses: ${JSON.stringify(await statuses())})`);
  });

  step('set-up: the operator opens Products, which has none yet', async () => {
    await mainNav().getByRole('link', { name: 'Products', exact: true }).click();
    await expectPath('/operator/products');
    await visit(page, 'requests-products-empty');
    await page.getByRole('heading', { name: 'Products', exact: true, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Add a product', exact: true }).waitFor();
  });

  const addProduct = async (product, shot) => {
    const form = page.getByRole('region', { name: 'Add a product', exact: true });
    // The product's own "Name" is the first; each version row has a "Name" too.
    await form.getByLabel('Name', { exact: true }).first().fill(product.name);
    await form.getByLabel('Code', { exact: true }).fill(product.code);
    await form.getByLabel('Kind', { exact: true }).selectOption(product.scope);
    await form.getByLabel('Workload', { exact: true }).fill(product.workload);
    for (const [i, v] of product.versions.entries()) {
      const row = form.getByRole('group', { name: `Version ${i + 1}`, exact: true });
      await row.getByLabel('Name', { exact: true }).fill(v.name);
      await row.getByLabel('Released', { exact: true }).fill(v.released);
      await row.getByLabel('Mainstream support until', { exact: true }).fill(v.mainstream);
      await row.getByLabel('Extended support until', { exact: true }).fill(v.extended);
    }
    await form.getByRole('button', { name: 'Add product', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, shot);
    await assertNoAlert(`after adding the product "${product.name}"`);
    const expected = `Product “${product.name}” added.`;
    assert.ok((await statuses()).includes(expected),
      `a status "${expected}" (statuses: ${JSON.stringify(await statuses())}, page ${page.url()})`);
    const table = page.getByRole('region', { name: 'Products by name', exact: true }).getByRole('table');
    const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: product.name, exact: true }) });
    assert.equal(await row.count(), 1, `one product row "${product.name}"`);
    return squash(await row.textContent());
  };

  step('set-up: the operator adds "SQL Server" (on-premises) with versions 2017, 2019 and 2022', async () => {
    const text = await addProduct(SQL_SERVER, 'requests-product-sql-server-added');
    for (const part of ['sql-server', 'On-premises']) {
      assert.ok(text.includes(part), `the row shows "${part}": "${text}"`);
    }
    for (const v of SQL_SERVER.versions) {
      for (const part of [v.name, `released ${v.released}`, `mainstream until ${v.mainstream}`, `extended until ${v.extended}`]) {
        assert.ok(text.includes(part), `the row shows "${part}": "${text}"`);
      }
    }
  });

  step('set-up: the operator adds "Azure Virtual Machines" (cloud, no versions)', async () => {
    const text = await addProduct(AZURE_VM, 'requests-product-azure-vm-added');
    for (const part of ['azure-vm', 'Cloud', 'azure']) {
      assert.ok(text.includes(part), `the row shows "${part}": "${text}"`);
    }
    const listed = page.getByRole('region', { name: 'Products by name', exact: true })
      .getByRole('row').filter({ has: page.getByRole('cell') });
    assert.equal(await listed.count(), 2, 'the list shows 2 products');
  });

  const ids = {};
  step(`set-up: the Partner admin activates ${PRODUCT_SUPPORT} and reads its IDs`, async () => {
    await switchTo(PARTNER_ADMIN, 'partner-admin');
    await expectPath('/benefits');
    await page.getByRole('button', { name: `Activate ${PRODUCT_SUPPORT}`, exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'requests-admin-activating');
    await assertNoAlert(`after activating ${PRODUCT_SUPPORT}`);
    await sleep(1_500);
    const deadline = Date.now() + 15_000;
    let state;
    for (;;) {
      await page.goto('/benefits');
      state = await badgeOf(benefitCard(PRODUCT_SUPPORT));
      if (state === 'Active' || Date.now() > deadline) break;
      await sleep(500);
    }
    await visit(page, 'requests-admin-active');
    assert.equal(state, 'Active', `"${PRODUCT_SUPPORT}" badge within 16.5 s`);
    ids.contractId = await codeFact(benefitCard(PRODUCT_SUPPORT), 'Contract ID');
    ids.accessId = await codeFact(benefitCard(PRODUCT_SUPPORT), 'Access ID');
    assert.match(ids.contractId ?? '(none)', CONTRACT_ID_RE, 'Contract ID on the card');
    assert.match(ids.accessId ?? '(none)', ACCESS_ID_RE, 'Access ID on the card');
  });

  /** On "New support request": SQL Server, then `version`, each with "Show plans". */
  const choosePlansFor = async (version) => {
    await main().getByRole('link', { name: 'New support request', exact: true }).first().click();
    await expectPath('/support/new');
    await productSelect().selectOption(SQL_SERVER.code);
    await showPlans();
    await versionSelect(SQL_SERVER.name).selectOption(version);
    await showPlans();
    await planSection().waitFor();
  };
  const unavailableItems = async () =>
    (await planSection().locator('details').getByRole('listitem').allTextContents()).map(squash);

  step('the Partner admin, not linked yet, is offered "Use this contract myself" and takes it', async () => {
    await mainNav().getByRole('link', { name: 'Support', exact: true }).click();
    await expectPath('/support');
    await choosePlansFor('2022');
    await visit(page, 'requests-admin-not-linked');
    assert.equal(await planRadios().count(), 0, 'nothing eligible before the contract is linked');
    const items = await unavailableItems();
    assert.equal(items.length, 1, `one unavailable plan: ${JSON.stringify(items)}`);
    assert.ok(items[0].includes('Your organization holds this contract, but it is not linked to your account.'),
      `the reason says the contract is not linked: "${items[0]}"`);
    assert.ok(items[0].includes('You administer this organization: use this contract yourself, in one step.'),
      `the way out is offered: "${items[0]}"`);
    assert.ok(!items[0].includes(ids.accessId), 'no Access ID on the request page');
    await planSection().getByRole('button', { name: 'Use this contract myself', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath('/support/new');
    await planSection().waitFor();
    await visit(page, 'requests-admin-used-myself');
    await assertNoAlert('after "Use this contract myself"');
    const expected = `Contract ${ids.contractId} is now linked to your account: you can file support requests under it.`;
    assert.ok((await statuses()).includes(expected),
      `a status message "${expected}" (statuses: ${JSON.stringify(await statuses())})`);
    const labels = await planLabels();
    assert.deepEqual(labels, [`${PRODUCT_SUPPORT} · held by ${GOLD_ORG} · Contract ID ${ids.contractId} · 20 incidents left`],
      'the contract is now the eligible plan, for the same product and version');
    assert.equal(await versionSelect(SQL_SERVER.name).inputValue(), '2022', 'the version chosen is kept');
    assert.equal(await page.getByRole('button', { name: 'Submit request', exact: true }).count(), 1,
      'the request can be filed right away');
  });

  step('the Member, not linked yet, is told whom to ask for the Access ID', async () => {
    await switchTo(MEMBER, 'member-before-link');
    await mainNav().getByRole('link', { name: 'Support', exact: true }).click();
    await choosePlansFor('2022');
    await visit(page, 'requests-member-not-linked');
    const items = await unavailableItems();
    assert.equal(items.length, 1, `one unavailable plan: ${JSON.stringify(items)}`);
    assert.ok(items[0].includes(`Ask ${PARTNER_ADMIN.name} for its Access ID, then link it yourself under Support.`),
      `the Member is told to ask the Partner admin: "${items[0]}"`);
    assert.equal(await planSection().getByRole('button', { name: 'Use this contract myself' }).count(), 0,
      'a Member is not offered the one-step link');
  });

  step('set-up: the Member links the contract on /support', async () => {
    await switchTo(MEMBER, 'member');
    await expectPath('/benefits');
    await mainNav().getByRole('link', { name: 'Support', exact: true }).click();
    await expectPath('/support');
    await visit(page, 'requests-member-support-empty');
    await page.getByLabel('Contract ID', { exact: true }).fill(ids.contractId);
    await page.getByLabel('Access ID', { exact: true }).fill(ids.accessId);
    await page.getByRole('button', { name: 'Link contract', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath('/support');
    await visit(page, 'requests-member-linked');
    await assertNoAlert('after linking the contract');
    const expected = `Contract ${ids.contractId} is now linked to your account.`;
    assert.ok((await statuses()).includes(expected),
      `a status message "${expected}" (statuses: ${JSON.stringify(await statuses())})`);
    assert.equal(await linkedCard().count(), 1, `one card "${PRODUCT_SUPPORT}" under "Linked contracts"`);
    const text = squash(await linkedCard().textContent());
    assert.ok(/\b20\s*incidents left of 20\b/.test(text), `the card shows 20 "incidents left of 20": "${text}"`);
  });

  // ── 2. the Member files a request ───────────────────────────────────────────────────────────

  step('the Member opens "New support request" and sees the products', async () => {
    await main().getByRole('link', { name: 'New support request', exact: true }).first().click();
    await expectPath('/support/new');
    await visit(page, 'requests-member-new');
    await page.getByRole('heading', { name: 'New support request', exact: true, level: 1 }).waitFor();
    const options = (await productSelect().locator('option').allTextContents()).map(squash);
    assert.deepEqual(options.slice(1).sort(),
      ['Azure Virtual Machines (Cloud)', 'SQL Server (On-premises)'],
      `the product select offers both products: ${JSON.stringify(options)}`);
    assert.equal(await planSection().count(), 0, 'no plan step before a product is chosen');
  });

  step('choosing SQL Server asks for its version', async () => {
    await productSelect().selectOption(SQL_SERVER.code);
    await showPlans();
    await expectPath('/support/new');
    await visit(page, 'requests-member-choose-version');
    await assertNoAlert('after choosing SQL Server without a version');
    const options = (await versionSelect(SQL_SERVER.name).locator('option').allTextContents()).map(squash);
    for (const v of SQL_SERVER.versions) {
      const label = `${v.name} (mainstream support until ${v.mainstream})`;
      assert.ok(options.includes(label), `the version select offers "${label}": ${JSON.stringify(options)}`);
    }
    assert.equal(await planSection().count(), 0, 'no plan step before a version is chosen');
  });

  step('SQL Server 2017: no eligible plan; the contract is unavailable as an older version', async () => {
    await versionSelect(SQL_SERVER.name).selectOption('2017');
    await showPlans();
    await expectPath('/support/new');
    await planSection().waitFor();
    await visit(page, 'requests-member-2017-no-plan');
    assert.equal(await planRadios().count(), 0,
      `no plan can be chosen for SQL Server 2017 (labels: ${JSON.stringify(await planLabels())})`);
    const warning = squash(await planSection().textContent());
    assert.ok(warning.includes('No support plan of yours covers this product.'),
      `the plan step says "No support plan of yours covers this product.": "${warning}"`);
    assert.equal(await page.getByRole('button', { name: 'Submit request', exact: true }).count(), 0,
      'no "Submit request" button without an eligible plan');

    const details = planSection().locator('details');
    assert.equal(await details.count(), 1, 'a <details> with the unavailable plans');
    const summary = squash(await details.locator('summary').textContent());
    assert.equal(summary, 'Show unavailable support plans (1)', 'the summary of the unavailable plans');
    // With nothing eligible the reasons are the only explanation, so they start open.
    assert.ok(await details.evaluate((d) => d.open), 'the <details> is open when no plan can be chosen');
    await visit(page, 'requests-member-2017-unavailable-open');
    const items = (await details.getByRole('listitem').allTextContents()).map(squash);
    assert.equal(items.length, 1, `one unavailable plan: ${JSON.stringify(items)}`);
    const expected = `${PRODUCT_SUPPORT} · held by ${GOLD_ORG} · Contract ID ${ids.contractId}: ${OLDER_VERSION_TEXT} ` +
      'Choose a version it covers: 2022 and 2019.';
    assert.ok(items[0].startsWith(expected),
      `the unavailable plan names the contract, the older-version reason and the versions it covers: "${items[0]}"`);
    const offered = (await details.getByRole('link').allTextContents()).map(squash);
    assert.deepEqual(offered, ['SQL Server 2022', 'SQL Server 2019'], 'each covered version is one click away');
  });

  step('SQL Server 2022: the contract is eligible with 20 incidents left', async () => {
    await versionSelect(SQL_SERVER.name).selectOption('2022');
    await showPlans();
    await expectPath('/support/new');
    await planSection().waitFor();
    await visit(page, 'requests-member-2022-plans');
    await assertNoAlert('after choosing SQL Server 2022');
    const labels = await planLabels();
    assert.equal(labels.length, 1, `one eligible plan: ${JSON.stringify(labels)}`);
    assert.equal(labels[0], `${PRODUCT_SUPPORT} · held by ${GOLD_ORG} · Contract ID ${ids.contractId} · 20 incidents left`,
      'the eligible plan names the contract and its 20 incidents left');
    assert.ok(await planRadios().first().isChecked(), 'the only eligible plan is chosen already');
    assert.equal(await planSection().locator('details').count(), 0,
      'no unavailable plans for SQL Server 2022 (the only contract is eligible)');
  });

  // The form files what it shows: a version changed after "Show plans" is never filed as the
  // version the plans were shown for.
  step('2022 plans shown, the version changed to 2017 and the form submitted: nothing filed, the page asks again', async () => {
    await page.getByLabel('Title', { exact: true }).fill(MEMBER_REQUEST.title);
    await page.getByLabel('Description', { exact: true }).fill(MEMBER_REQUEST.description);
    await page.getByRole('radio', { name: /^\s*B ·/ }).check();
    await versionSelect(SQL_SERVER.name).selectOption('2017');
    await page.getByRole('button', { name: 'Submit request', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'requests-member-version-changed');
    assert.ok(!new URL(page.url()).pathname.startsWith('/support/requests/SR-'),
      `nothing is filed when the page shows 2017 but the plans were for 2022; the page is ${page.url()}`);
    const filed = await (await page.request.get('/api/v1/support-requests')).json();
    assert.equal(filed.items.length, 0, `no request filed: ${JSON.stringify(filed)}`);
    const said = (await alerts()).join(' | ');
    for (const part of ['Nothing was filed: the product or version changed', 'SQL Server 2022', 'SQL Server 2017']) {
      assert.ok(said.includes(part), `the page says "${part}": "${said}"`);
    }
    assert.equal(await versionSelect(SQL_SERVER.name).inputValue(), '2017', 'the page keeps showing 2017');
    await planSection().waitFor();
    assert.equal(await planRadios().count(), 0, 'the plans are those for SQL Server 2017: none can be used');
    const items = (await planSection().locator('details').getByRole('listitem').allTextContents()).map(squash);
    assert.equal(items.length, 1, `one unavailable plan: ${JSON.stringify(items)}`);
    assert.ok(items[0].startsWith(`${PRODUCT_SUPPORT} · held by ${GOLD_ORG} · Contract ID ${ids.contractId}: ${OLDER_VERSION_TEXT}`),
      `the contract is unavailable for 2017, with its reason: "${items[0]}"`);
    assert.equal(await page.getByRole('button', { name: 'Submit request', exact: true }).count(), 0,
      'nothing to submit for 2017');
  });

  step('back to 2022 with "Show plans": the contract is offered again, 20 incidents left', async () => {
    await versionSelect(SQL_SERVER.name).selectOption('2022');
    await showPlans();
    await planSection().waitFor();
    await visit(page, 'requests-member-2022-plans-again');
    await assertNoAlert('after showing the plans for 2022 again');
    assert.deepEqual(await planLabels(), [`${PRODUCT_SUPPORT} · held by ${GOLD_ORG} · Contract ID ${ids.contractId} · 20 incidents left`],
      'the contract still has its 20 incidents');
    assert.ok(await planRadios().first().isChecked(), 'the only eligible plan is chosen already');
  });

  const numbers = {};
  step('the Member files the request with severity B: Open, charged', async () => {
    await fileRequest(MEMBER_REQUEST, 'B');
    numbers.member = await requestNumberFromUrl();
    await visit(page, 'requests-member-filed');
    await assertNoAlert('after filing the request');
    assert.match(numbers.member, REQUEST_NUMBER_RE, 'the request number');
    assert.ok(numbers.member.startsWith(`SR-${new Date().getUTCFullYear()}-`), `the number has this year: ${numbers.member}`);
    await page.getByRole('heading', { name: MEMBER_REQUEST.title, exact: true, level: 1 }).waitFor();
    const expected = 'Your request was filed. Support will answer by the first-response time below.';
    assert.ok((await statuses()).includes(expected),
      `a status "${expected}" (statuses: ${JSON.stringify(await statuses())})`);
    const facts = requestFacts();
    assert.equal(await codeFact(facts, 'Number'), numbers.member, 'Number');
    assert.equal(await fact(facts, 'Status'), 'Open', 'Status');
    assert.equal(await fact(facts, 'Severity'), 'B · Moderate', 'Severity');
    assert.equal(await fact(facts, 'Product'), 'SQL Server 2022', 'Product');
    assert.equal(await fact(facts, 'Plan'), `${PRODUCT_SUPPORT} · Contract ID ${ids.contractId}`, 'Plan');
    assert.equal(await fact(facts, 'Incident'), 'One incident was used from this plan.', 'Incident');
    assert.equal(await fact(facts, 'Filed by'), MEMBER.email, 'Filed by');
    assert.equal(await fact(facts, 'Contact'), MEMBER.email, 'Contact (left empty: the account)');
    assert.equal(await fact(facts, 'Customer'), null, 'no Customer fact');
    const due = (await fact(facts, 'First response')) ?? '';
    assert.match(due, /^Due by /, `First response says "Due by …": "${due}"`);
    const history = squash(await page.getByRole('region', { name: 'History', exact: true }).textContent());
    assert.ok(history.includes(`Filed by ${MEMBER.email}`), `the history has "Filed by ${MEMBER.email}": "${history}"`);
    assert.equal(await page.getByRole('region', { name: 'Give the incident back', exact: true }).count(), 0,
      'no refund form for the Member');
    assert.equal(await page.getByLabel('New status', { exact: true }).count(), 0, 'no status select for the Member');
  });

  step('the Member\'s contract has 19 incidents left on /support', async () => {
    await mainNav().getByRole('link', { name: 'Support', exact: true }).click();
    await expectPath('/support');
    await visit(page, 'requests-member-support-19');
    const text = squash(await linkedCard().textContent());
    assert.ok(/\b19\s*incidents left of 20\b/.test(text), `the card shows 19 "incidents left of 20": "${text}"`);
  });

  check('the Member\'s request is listed under "Support requests"', async () => {
    await mainNav().getByRole('link', { name: 'Support requests', exact: true }).click();
    await expectPath('/support/requests');
    await visit(page, 'requests-member-list');
    const row = page.getByRole('row').filter({ hasText: numbers.member });
    assert.equal(await row.count(), 1, `one row with ${numbers.member}`);
    const text = squash(await row.textContent());
    for (const part of [MEMBER_REQUEST.title, 'SQL Server 2022', 'B · Moderate', 'Open', PRODUCT_SUPPORT]) {
      assert.ok(text.includes(part), `the row shows "${part}": "${text}"`);
    }
  });

  // ── 3. the Admin agent files for a CSP customer ─────────────────────────────────────────────

  step('the Admin agent of Adatum lands on Customers, which has none yet', async () => {
    await switchTo(AGENT, 'admin-agent');
    // An Admin agent works for the organization's customers: that is where they land.
    await expectPath('/customers');
    await visit(page, 'requests-agent-customers-empty');
    assert.equal(squash(await mainNav().locator('[aria-current="page"]').textContent()), 'Customers',
      'the navigation marks Customers');
    await page.getByRole('heading', { name: 'Customers', exact: true, level: 1 }).waitFor();
    const text = squash(await main().textContent());
    assert.ok(text.includes('No customers yet.'), `the page says "No customers yet.": "${text.slice(0, 300)}"`);
  });

  step(`the Admin agent adds the customer "${CUSTOMER.name}" and opens it`, async () => {
    const form = page.getByRole('region', { name: 'Add a customer', exact: true });
    await form.getByLabel('Name', { exact: true }).fill(CUSTOMER.name);
    await form.getByLabel('Domain', { exact: true }).fill(CUSTOMER.domain);
    await form.getByRole('button', { name: 'Add customer', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath('/customers');
    await visit(page, 'requests-agent-customer-added');
    await assertNoAlert(`after adding "${CUSTOMER.name}"`);
    const added = (await statuses()).filter((s) => s.startsWith(`Customer “${CUSTOMER.name}” added.`));
    assert.equal(added.length, 1, `a status "Customer “${CUSTOMER.name}” added." (statuses: ${JSON.stringify(await statuses())})`);
    const row = page.getByRole('row').filter({ hasText: CUSTOMER.domain });
    assert.equal(await row.count(), 1, `one row with ${CUSTOMER.domain}`);
    await row.getByRole('link', { name: CUSTOMER.name, exact: true }).click();
    await page.waitForURL((url) => /^\/customers\/\d+$/.test(url.pathname)).catch(() => {});
    assert.match(new URL(page.url()).pathname, /^\/customers\/\d+$/, `the customer page (page ${page.url()})`);
    await visit(page, 'requests-agent-customer-page');
    await page.getByRole('heading', { name: CUSTOMER.name, exact: true, level: 1 }).waitFor();
    assert.equal(await fact(main(), 'Domain'), CUSTOMER.domain, 'Domain');
  });

  step('"Service management" → "New request" opens the form for the customer, cloud products only', async () => {
    const service = page.getByRole('region', { name: 'Service management', exact: true });
    await service.waitFor();
    await service.getByRole('link', { name: 'New request', exact: true }).click();
    await expectPath('/support/new');
    await visit(page, 'requests-agent-new-for-customer');
    const url = new URL(page.url());
    assert.ok(url.searchParams.get('customer'), `the form is for a customer (${page.url()})`);
    const info = squash(await main().locator('.alert').first().textContent());
    assert.ok(info.includes(`For customer ${CUSTOMER.name}`) && info.includes(CUSTOMER.domain),
      `the form names the customer and domain: "${info}"`);
    const options = (await productSelect().locator('option').allTextContents()).map(squash);
    assert.deepEqual(options.slice(1), ['Azure Virtual Machines (Cloud)'],
      `only cloud products are offered for a customer: ${JSON.stringify(options)}`);
  });

  step('Azure Virtual Machines: the CSP plan is offered, using no incident', async () => {
    await productSelect().selectOption(AZURE_VM.code);
    await showPlans();
    await expectPath('/support/new');
    await planSection().waitFor();
    await visit(page, 'requests-agent-csp-plan');
    await assertNoAlert('after choosing Azure Virtual Machines');
    assert.equal(await page.getByLabel(`Version of ${AZURE_VM.name}`).count(), 0, 'no version select for a cloud product');
    const labels = await planLabels();
    assert.deepEqual(labels, [`${CSP_PLAN} · no incident is used`], 'the only eligible plan is the CSP plan');
    assert.ok(await planRadios().first().isChecked(), 'the CSP plan is chosen already');
  });

  step('the Admin agent files the request: CSP plan, not charged, the customer named', async () => {
    await fileRequest(CUSTOMER_REQUEST, 'A');
    numbers.customer = await requestNumberFromUrl();
    await visit(page, 'requests-agent-filed');
    await assertNoAlert('after filing the customer request');
    assert.match(numbers.customer, REQUEST_NUMBER_RE, 'the request number');
    assert.notEqual(numbers.customer, numbers.member, 'a new number');
    await page.getByRole('heading', { name: CUSTOMER_REQUEST.title, exact: true, level: 1 }).waitFor();
    const facts = requestFacts();
    assert.equal(await fact(facts, 'Status'), 'Open', 'Status');
    assert.equal(await fact(facts, 'Severity'), 'A · Critical', 'Severity');
    assert.equal(await fact(facts, 'Product'), AZURE_VM.name, 'Product');
    assert.equal(await fact(facts, 'Plan'), CSP_PLAN, 'Plan');
    assert.equal(await fact(facts, 'Incident'), 'No incident used (unlimited plan or CSP plan).', 'Incident');
    assert.equal(await fact(facts, 'Customer'), CUSTOMER.name, 'Customer');
    assert.equal(await fact(facts, 'Filed by'), AGENT.email, 'Filed by');
  });

  check('the customer page lists the request', async () => {
    await mainNav().getByRole('link', { name: 'Customers', exact: true }).click();
    await expectPath('/customers');
    await page.getByRole('link', { name: CUSTOMER.name, exact: true }).click();
    await page.waitForURL((url) => /^\/customers\/\d+$/.test(url.pathname)).catch(() => {});
    await visit(page, 'requests-agent-customer-with-request');
    const row = page.getByRole('region', { name: 'Service management', exact: true })
      .getByRole('row').filter({ hasText: numbers.customer });
    assert.equal(await row.count(), 1, `a row with ${numbers.customer} under "Requests for this customer"`);
    const text = squash(await row.textContent());
    assert.ok(text.includes(CUSTOMER_REQUEST.title) && text.includes('Open'), `the row: "${text}"`);
  });

  // ── 4. the operator gives the incident back ─────────────────────────────────────────────────

  step('the operator opens the request queue and sees both requests', async () => {
    await switchTo({ email: server.operator.email, password: server.operator.password }, 'operator');
    await expectPath('/operator/organizations');
    await mainNav().getByRole('link', { name: 'Request queue', exact: true }).click();
    await expectPath('/operator/requests');
    await visit(page, 'requests-operator-queue');
    await page.getByRole('heading', { name: 'Request queue', exact: true, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Requests, newest first', exact: true }).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: /SR-/ }).count(), 2, 'two requests in the queue');
    const memberRow = page.getByRole('row').filter({ hasText: numbers.member });
    assert.equal(await memberRow.count(), 1, `one row with ${numbers.member}`);
    const memberText = squash(await memberRow.textContent());
    for (const part of [MEMBER_REQUEST.title, 'B · Moderate', 'Open', 'SQL Server 2022', MEMBER.email]) {
      assert.ok(memberText.includes(part), `the row shows "${part}": "${memberText}"`);
    }
    const customerText = squash(await page.getByRole('row').filter({ hasText: numbers.customer }).textContent());
    assert.ok(customerText.includes(`For ${CUSTOMER.name}`), `the customer request's row names the customer: "${customerText}"`);
    // A common laptop width: every e-mail and date stays whole.
    const size = page.viewportSize();
    await page.setViewportSize({ width: 1366, height: 768 });
    try {
      await assertNoBrokenValues(page, 'request queue at 1366 px');
      const box = await page.locator('.table-box').first().evaluate((el) => [el.scrollWidth, el.clientWidth]);
      assert.ok(box[0] <= box[1] + 1, `the queue fits its card at 1366 px without scrolling: ${JSON.stringify(box)}`);
    } finally {
      await page.setViewportSize(size);
    }
    // On a phone each request is a card that names every column.
    await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
    try {
      const cells = memberRow.getByRole('cell');
      for (let i = 0; i < (await cells.count()); i += 1) {
        const box = await cells.nth(i).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE_WIDTH,
          `cell ${i} of the queue row is on the phone's screen: ${JSON.stringify(box)}`);
      }
      const label = await memberRow.getByRole('cell').nth(5)
        .evaluate((td) => getComputedStyle(td, '::before').content);
      assert.equal(label, '"Product"', 'the phone card names the column of each value');
    } finally {
      await page.setViewportSize(size);
    }
  });

  step('the operator opens the Member\'s request: status select and refund form', async () => {
    await page.getByRole('row').filter({ hasText: numbers.member })
      .getByRole('link', { name: numbers.member, exact: true }).click();
    await expectPath(`/support/requests/${numbers.member}`);
    await visit(page, 'requests-operator-request');
    await page.getByRole('heading', { name: MEMBER_REQUEST.title, exact: true, level: 1 }).waitFor();
    await page.getByLabel('New status', { exact: true }).waitFor();
    const refund = page.getByRole('region', { name: 'Give the incident back', exact: true });
    await refund.waitFor();
    const lead = squash(await refund.textContent());
    assert.ok(lead.includes(ids.contractId), `the refund section names contract ${ids.contractId}: "${lead}"`);
    const reasons = (await refund.getByLabel('Reason', { exact: true }).locator('option').allTextContents()).map(squash);
    assert.deepEqual(reasons, ['Product defect', 'Duplicate request', 'Handled by frontline support', 'Goodwill'],
      'the refund reasons');
  });

  step('the operator gives the incident back as a product defect', async () => {
    const refund = page.getByRole('region', { name: 'Give the incident back', exact: true });
    await refund.getByLabel('Reason', { exact: true }).selectOption({ label: 'Product defect' });
    await refund.getByRole('button', { name: 'Give the incident back', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath(`/support/requests/${numbers.member}`);
    await visit(page, 'requests-operator-refunded');
    await assertNoAlert('after giving the incident back');
    const expected = `The incident was given back to contract ${ids.contractId}: 20 left now.`;
    assert.ok((await statuses()).includes(expected),
      `a status "${expected}" (statuses: ${JSON.stringify(await statuses())})`);
    assert.equal(await fact(requestFacts(), 'Incident'), 'Given back Product defect', 'Incident');
    const history = squash(await page.getByRole('region', { name: 'History', exact: true }).textContent());
    assert.ok(history.includes(`Incident given back by ${server.operator.email}`) && history.includes('Reason: Product defect'),
      `the history has the refund with its reason: "${history}"`);
    assert.equal(await page.getByRole('region', { name: 'Give the incident back', exact: true }).count(), 0,
      'no refund form once given back');
    assert.equal(await fact(requestFacts(), 'Status'), 'Open', 'the status is unchanged');
  });

  step('the Member\'s open request page follows the operator\'s status change without a reload', async () => {
    // The Member reads times in Rome's time zone, as their browser reports it.
    const member = await openBrowser({ baseURL: server.baseURL, timezoneId: 'Europe/Rome' });
    try {
      const mp = member.page;
      await mp.goto('/sign-in');
      await mp.getByLabel('Email', { exact: true }).fill(MEMBER.email);
      await mp.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await mp.getByRole('button', { name: 'Sign in', exact: true }).click();
      await mp.waitForLoadState('load');
      await mp.goto(`/support/requests/${numbers.member}`);
      await mp.getByRole('heading', { name: MEMBER_REQUEST.title, exact: true, level: 1 }).waitFor();
      await mp.evaluate(() => { window.sportelloSamePage = true; });
      const memberFacts = mp.getByRole('region', { name: 'Details', exact: true });
      assert.equal(squash(await memberFacts.locator('dt', { hasText: /^\s*Status\s*$/ }).locator('xpath=..').locator('dd').textContent()), 'Open');

      // The operator, on the same request in the other browser, moves it on with a comment.
      const note = 'Reproduced on 2022 CU12; a fix is being tested.';
      await page.getByLabel('New status', { exact: true }).selectOption({ label: 'In progress' });
      await page.getByLabel('Comment (optional)', { exact: true }).fill(note);
      await page.getByRole('button', { name: 'Change status', exact: true }).click();
      await page.waitForLoadState('load');
      await assertNoAlert('after changing the status');

      // The Member's page shows it by itself (it looks again every 15 s while the request is open).
      const statusDd = memberFacts.locator('dt', { hasText: /^\s*Status\s*$/ }).locator('xpath=..').locator('dd');
      await statusDd.getByText('In progress', { exact: true }).waitFor({ timeout: 25_000 });
      const heading = squash(await mp.locator('.card-head').first().textContent());
      assert.ok(heading.includes('In progress'), `the badge beside the title follows: "${heading}"`);
      const history = squash(await mp.getByRole('region', { name: 'History', exact: true }).textContent());
      assert.ok(history.includes(`Open → In progress, by ${server.operator.email}`) && history.includes(note),
        `the history shows the change and its comment: "${history}"`);
      assert.equal(await mp.evaluate(() => window.sportelloSamePage), true, 'the page was updated in place, not reloaded');
      await mp.getByLabel('Add a comment', { exact: true }).waitFor();
      // Times are Rome's (the browser's zone, reported by static/app.js), the UTC instant kept.
      const stamps = await mp.locator('#request-history time').evaluateAll((els) => els.map((el) => [el.textContent, el.dateTime]));
      assert.ok(stamps.length >= 3, `the history's times are <time> elements: ${JSON.stringify(stamps)}`);
      for (const [text, instant] of stamps) {
        assert.match(text, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T$/, `a time in Rome's zone: ${text}`);
        const utc = new Date(instant);
        const rome = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(utc);
        assert.ok(text.includes(rome), `${text} is ${instant} in Rome (${rome})`);
      }
      assert.match(squash(await mp.locator('#request-history').textContent()), /\((just now|a minute ago|\d+ minutes ago)\)/,
        'the history says how long ago');
      await visit(mp, 'requests-member-live-status');
    } finally {
      await member.close();
    }
  });

  step('the Member\'s contract has 20 incidents left again on /support', async () => {
    await switchTo(MEMBER, 'member-again');
    await mainNav().getByRole('link', { name: 'Support', exact: true }).click();
    await expectPath('/support');
    await visit(page, 'requests-member-support-20');
    const text = squash(await linkedCard().textContent());
    assert.ok(/\b20\s*incidents left of 20\b/.test(text), `the card shows 20 "incidents left of 20": "${text}"`);
  });

  step('the contract page shows 20 left and a "Given back" row in the ledger', async () => {
    await linkedCard().getByRole('link', { name: 'Usage and ledger', exact: true }).click();
    await expectPath(`/contracts/${ids.contractId}`);
    await visit(page, 'requests-member-contract-ledger');
    assert.equal(squash(await main().locator('.stat .stat-value').first().textContent()), '20', 'the big number');
    assert.equal(await fact(main(), 'Incidents used'), '0', 'Incidents used');
    const ledger = page.getByRole('region', { name: 'Ledger', exact: true }).getByRole('table');
    const rows = ledger.getByRole('row').filter({ has: page.getByRole('cell') });
    const texts = [];
    for (let i = 0; i < (await rows.count()); i += 1) {
      texts.push((await rows.nth(i).getByRole('cell').allTextContents()).map(squash));
    }
    const what = texts.map((cells) => cells[1]);
    assert.deepEqual(what, ['Granted', 'Used by a request', 'Given back'], `the ledger rows: ${JSON.stringify(texts)}`);
    assert.equal(texts[1][2], '−1', `the "Used by a request" row takes one incident: ${JSON.stringify(texts[1])}`);
    assert.equal(texts[2][2], '+1', `the "Given back" row gives one back: ${JSON.stringify(texts[2])}`);
    // The chart spans the whole term, marks today, has values on its y-axis and says what the
    // pace means (one incident used and given back: nothing used in net, all 20 expire).
    const usage = page.getByRole('region', { name: 'Incidents used over time', exact: true });
    const chart = usage.getByRole('img', { name: 'Incidents used over time' });
    assert.equal(await chart.count(), 1, 'one chart shown at desktop width (the phone drawing is hidden)');
    const labels = await chart.locator('text').allTextContents();
    const [termStart, termEnd] = ((await fact(main(), 'Valid')) ?? '').split(' – ');
    for (const label of ['today', '0', '20', termStart, termEnd]) {
      assert.ok(labels.includes(label), `the chart labels "${label}": ${JSON.stringify(labels)}`);
    }
    const outlook = squash(await usage.locator('svg.chart-wide desc').textContent());
    assert.match(outlook, /At the pace of the last 90 days \(0 per 30 days\), about 20 incidents will expire unused on \d{4}-\d{2}-\d{2}\./, outlook);
    const forecast = squash(await main().locator('p.forecast').textContent());
    assert.ok(outlook.endsWith(forecast), `the page says the forecast too: "${forecast}"`);
    await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
    try {
      assert.equal(await usage.getByRole('img').count(), 1, 'one chart at phone width');
      const box = await usage.locator('svg.chart-narrow').boundingBox();
      assert.ok(box && box.width <= PHONE_WIDTH && box.width >= 300, `the phone drawing fills the card: ${JSON.stringify(box)}`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  check('the ledger\'s "Given back" row names the request and the reason as users read them', async () => {
    assert.equal(new URL(page.url()).pathname, `/contracts/${ids.contractId}`);
    const ledger = page.getByRole('region', { name: 'Ledger', exact: true }).getByRole('table');
    const row = ledger.getByRole('row').filter({ hasText: 'Given back' });
    assert.equal(await row.count(), 1, 'one "Given back" row');
    const cells = (await row.getByRole('cell').allTextContents()).map(squash);
    // SPEC §2: the refund is "a ledger entry naming the request and the reason". Users know a
    // request by its number (SR-…) and a reason by its words, as the request page shows them.
    assert.deepEqual({ request: cells[3], reason: cells[4] }, { request: numbers.member, reason: 'Product defect' },
      `the "Given back" row's Request and Reason columns (row: ${JSON.stringify(cells)})`);
  });
});
