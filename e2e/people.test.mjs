// People, an organization's admins managing its accounts, entirely through the web UI:
//
//   0. set-up, as users would do it: the operator creates Northwind (partner ID 4420001) and
//      two accounts in it, a Global admin and a Member;
//   1. the Global admin finds People in the main navigation and sees the organization's accounts;
//   2. she makes the Member a Partner admin too; the page says once what changed;
//   3. giving up her own Global admin role is refused beside her roles: she is the last one;
//   4. she adds an account: a refused form keeps what was typed and says each problem once;
//   5. she removes that account, through the page that says first what will happen.
//
// Run: SPORTELLO_BIN=target/debug/sportello node --test --test-concurrency=1 e2e/people.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, visit } from './lib.mjs';

const ORG = 'Northwind';
const PARTNER_ID = '4420001';
const PASSWORD = 'correct horse battery staple 42';

const ADMIN = { email: 'gwen.admin@northwind.example', name: 'Gwen Admin' };
const MEMBER = { email: 'mo.member@northwind.example', name: 'Mo Member' };
const NEWCOMER = { email: 'nia.new@northwind.example', name: 'Nia Newcomer' };

const squash = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('people: an organization admin manages its accounts', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let page;
  let failed = false;

  const guard = async (t, fn) => {
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
  };
  const step = (name, fn) => it(name, (t) => guard(t, fn));

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
  const alerts = async () => (await page.getByRole('alert').allTextContents()).map(squash);
  const statuses = async () => (await page.getByRole('status').allTextContents()).map(squash);
  const row = (email) => page.getByRole('row').filter({ hasText: email });
  const addForm = () => page.getByRole('region', { name: 'Add an account', exact: true });

  const submitSignIn = async (email, password) => {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
  };

  /** The boxes ticked in the roles form of `email`'s row. */
  const ticked = async (email) => {
    const found = [];
    for (const role of ['Global admin', 'Partner admin', 'Admin agent', 'Member']) {
      if (await row(email).getByRole('checkbox', { name: role, exact: true }).isChecked()) found.push(role);
    }
    return found;
  };

  // ── 0. set-up ───────────────────────────────────────────────────────────────────────────────

  step(`set-up: the operator creates ${ORG} and two of its accounts`, async () => {
    await page.goto('/sign-in');
    await submitSignIn(server.operator.email, server.operator.password);
    await expectPath('/operator/organizations');
    await page.getByLabel('Name', { exact: true }).fill(ORG);
    await page.getByLabel('Partner ID').fill(PARTNER_ID);
    await page.getByRole('checkbox', { name: 'CSP program' }).uncheck();
    await page.getByRole('button', { name: 'Create organization', exact: true }).click();
    await page.waitForLoadState('load');
    await mainNav().getByRole('link', { name: 'Accounts' }).first().click();
    await expectPath('/operator/accounts');
    for (const [who, role] of [[ADMIN, 'Global admin'], [MEMBER, 'Member']]) {
      await page.getByLabel('Email', { exact: true }).fill(who.email);
      await page.getByLabel('Display name').fill(who.name);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel(/^\s*Organization\b/).selectOption({ label: ORG });
      await page.getByRole('checkbox', { name: role, exact: true }).check();
      await page.getByRole('button', { name: 'Create account', exact: true }).click();
      await page.waitForLoadState('load');
      assert.deepEqual(await alerts(), [], `no alert after creating ${who.email}`);
      assert.equal(await row(who.email).count(), 1, `a row for ${who.email}`);
    }
    await visit(page, 'people-operator-accounts');
  });

  // ── 1. People in the navigation ────────────────────────────────────────────────────────────

  step('the Global admin opens People from the main navigation', async () => {
    await header().getByRole('link', { name: 'Sign in with another account' }).click();
    await expectPath('/sign-in');
    await submitSignIn(ADMIN.email, PASSWORD);
    await header().getByText(ADMIN.email).first().waitFor();
    await mainNav().getByRole('link', { name: 'People', exact: true }).click();
    await expectPath('/organization/people');
    await visit(page, 'people-list');
    assert.equal(squash(await page.getByRole('heading', { level: 1 }).textContent()), 'People');
    assert.equal(await mainNav().getByRole('link', { name: 'People', exact: true }).getAttribute('aria-current'), 'page');
    for (const who of [ADMIN, MEMBER]) {
      const text = squash(await row(who.email).textContent());
      assert.ok(text.includes(who.name) && text.includes('Work account'), `the row of ${who.email}: "${text}"`);
    }
    assert.ok(squash(await row(ADMIN.email).textContent()).includes('you'), 'her own row says so');
    assert.deepEqual(await ticked(MEMBER.email), ['Member']);
    assert.equal(await page.getByRole('checkbox', { name: 'Operator' }).count(), 0, 'no operator role offered');
  });

  // ── 2. a role change ───────────────────────────────────────────────────────────────────────

  step('she makes the Member a Partner admin too, and the page says so once', async () => {
    await row(MEMBER.email).getByRole('checkbox', { name: 'Partner admin', exact: true }).check();
    await row(MEMBER.email).getByRole('button', { name: `Save roles ${MEMBER.email}` }).click();
    await page.waitForLoadState('load');
    await expectPath('/organization/people');
    await visit(page, 'people-roles-changed');
    assert.deepEqual(await alerts(), []);
    const said = `The roles of ${MEMBER.email} are now: Partner admin and Member (before: Member).`;
    assert.ok((await statuses()).includes(said), `status "${said}" (statuses: ${JSON.stringify(await statuses())})`);
    assert.deepEqual(await ticked(MEMBER.email), ['Partner admin', 'Member']);
    await page.reload();
    assert.ok(!(await statuses()).includes(said), 'not said again on reload');
  });

  // ── 3. the last Global admin ───────────────────────────────────────────────────────────────

  step('giving up her own Global admin role is refused beside her roles', async () => {
    await row(ADMIN.email).getByRole('checkbox', { name: 'Global admin', exact: true }).uncheck();
    await row(ADMIN.email).getByRole('checkbox', { name: 'Member', exact: true }).check();
    await row(ADMIN.email).getByRole('button', { name: `Save roles ${ADMIN.email}` }).click();
    await page.waitForLoadState('load');
    await visit(page, 'people-last-global-admin');
    const [alert] = await alerts();
    assert.ok(alert?.includes(`The roles of ${ADMIN.email} were not changed`), `alert: "${alert}"`);
    const reason = 'This is the only Global admin of the organization: give the role to another account first.';
    assert.equal(await page.getByText(reason).count(), 1, 'the reason is said once');
    assert.ok(squash(await row(ADMIN.email).textContent()).includes(reason), 'beside her roles');
    assert.deepEqual(await ticked(ADMIN.email), ['Member'], 'the boxes stay as she ticked them');
    await page.getByRole('alert').getByRole('link').click();
    const focused = await page.evaluate(() => location.hash);
    assert.match(focused, /^#roles-\d+$/, 'the alert links to her roles');
  });

  // ── 4. adding an account ───────────────────────────────────────────────────────────────────

  step('she adds an account; a refused form keeps what was typed', async () => {
    await page.goto('/organization/people');
    const form = addForm();
    await form.getByLabel('Email', { exact: true }).fill('nia.new-at-northwind');
    await form.getByLabel('Display name').fill(NEWCOMER.name);
    await form.getByLabel('Password', { exact: true }).fill('short');
    await form.getByRole('checkbox', { name: 'Admin agent', exact: true }).check();
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'people-add-refused');
    for (const message of ['Enter an email address like name@example.com.', 'The password needs at least 10 characters.']) {
      assert.equal(await page.getByText(message, { exact: true }).count(), 1, `"${message}" said once`);
    }
    assert.equal(await addForm().getByLabel('Email', { exact: true }).inputValue(), 'nia.new-at-northwind');
    assert.equal(await addForm().getByLabel('Display name').inputValue(), NEWCOMER.name);
    assert.equal(await addForm().getByLabel('Password', { exact: true }).inputValue(), '', 'never shown back');
    assert.ok(await addForm().getByRole('checkbox', { name: 'Admin agent', exact: true }).isChecked());

    await addForm().getByLabel('Email', { exact: true }).fill(NEWCOMER.email);
    await addForm().getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath('/organization/people');
    await visit(page, 'people-added');
    assert.ok((await statuses()).includes(`${NEWCOMER.email} was added to the organization.`),
      `statuses: ${JSON.stringify(await statuses())}`);
    assert.deepEqual(await ticked(NEWCOMER.email), ['Admin agent']);
  });

  // ── 5. removing an account ─────────────────────────────────────────────────────────────────

  step('she removes the new account after a page that says what will happen', async () => {
    await row(NEWCOMER.email).getByRole('link', { name: `Remove from organization ${NEWCOMER.email}` }).click();
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, /^\/organization\/people\/\d+\/remove$/);
    await visit(page, 'people-remove-confirm');
    assert.equal(squash(await page.getByRole('heading', { level: 1 }).textContent()),
      `Remove ${NEWCOMER.email} from ${ORG}?`);
    const what = squash(await page.getByRole('region', { name: 'What will happen' }).textContent());
    for (const part of [`${NEWCOMER.name} (${NEWCOMER.email}) leaves ${ORG} now`, 'Admin agent', 'It holds no link']) {
      assert.ok(what.includes(part), `"${part}" in "${what}"`);
    }
    assert.equal(await row(NEWCOMER.email).count(), 0, 'not on this page');
    await page.getByRole('button', { name: 'Remove from the organization', exact: true }).click();
    await page.waitForLoadState('load');
    await expectPath('/organization/people');
    await visit(page, 'people-removed');
    const said = `${NEWCOMER.email} was removed from ${ORG}. It held no link to the organization's contracts.`;
    assert.ok((await statuses()).includes(said), `statuses: ${JSON.stringify(await statuses())}`);
    assert.equal(await row(NEWCOMER.email).count(), 0, 'no longer listed');
    assert.equal(await row(MEMBER.email).count(), 1, 'the others stay');
  });

  step('the removed account still signs in, as an account of no organization', async () => {
    await header().getByRole('link', { name: 'Sign in with another account' }).click();
    await submitSignIn(NEWCOMER.email, PASSWORD);
    await header().getByText(NEWCOMER.email).first().waitFor();
    assert.equal(await mainNav().getByRole('link', { name: 'People', exact: true }).count(), 0);
    const res = await page.goto('/organization/people');
    assert.equal(res.status(), 403);
    await visit(page, 'people-removed-account-refused');
  });
});
