// The foundation walk-through: an operator signs in, creates an organization, creates an account
// in it (after a rejected attempt with a bad email), switches the UI to Italian and signs out.
//
// Run: SPORTELLO_BIN=target/debug/sportello node --test e2e/

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, visit } from './lib.mjs';

const ORG_NAME = 'Contoso Partners S.r.l.';
const PARTNER_ID = '4567890';
const ACCOUNT_EMAIL = 'ada.admin@contoso.example';
const BAD_EMAIL = 'not-an-email';

describe('foundation: operator console', { timeout: 180_000 }, () => {
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

  step('the sign-in page has a labelled form', async () => {
    const res = await page.goto('/sign-in');
    assert.equal(res.status(), 200, 'GET /sign-in');
    await visit(page, 'sign-in');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', '<html lang> on /sign-in');
    await assert.doesNotReject(page.getByLabel('Email', { exact: true }).waitFor(), 'an input labelled "Email"');
    assert.equal(await page.getByLabel('Email', { exact: true }).getAttribute('name'), 'email');
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('name'), 'password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });

  step('a wrong password is refused with an alert', async () => {
    await page.getByLabel('Email', { exact: true }).fill(server.operator.email);
    await page.getByLabel('Password', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').first().waitFor();
    await visit(page, 'sign-in-wrong-password');
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0, 'not signed in');
  });

  step('the operator signs in and lands on /operator/organizations', async () => {
    await page.getByLabel('Email', { exact: true }).fill(server.operator.email);
    await page.getByLabel('Password', { exact: true }).fill(server.operator.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectPath('/operator/organizations');
    await visit(page, 'organizations-empty');
    await page.getByRole('heading', { name: 'Organizations', exact: true }).waitFor();
  });

  step('the header shows who is signed in, sign out, switch account and language', async () => {
    const h = header();
    await h.getByText(server.operator.email).first().waitFor();
    await h.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    const other = h.getByRole('link', { name: 'Sign in with another account' });
    await other.waitFor();
    assert.ok(await other.getAttribute('href'), '"Sign in with another account" has an href');
    for (const [label, value] of [['English', 'en'], ['Italiano', 'it']]) {
      const button = h.getByRole('button', { name: label, exact: true });
      await button.waitFor();
      assert.equal(await button.getAttribute('name'), 'lang', `"${label}" button name`);
      assert.equal(await button.getAttribute('value'), value, `"${label}" button value`);
    }
  });

  step('the left navigation "Main" has the operator links', async () => {
    const nav = mainNav();
    await nav.waitFor();
    await nav.getByRole('link', { name: /Operator|Organizations/ }).first().waitFor();
    await nav.getByRole('link', { name: 'Organizations' }).first().waitFor();
    await nav.getByRole('link', { name: 'Accounts' }).first().waitFor();
  });

  let orgHref;
  step('the operator creates an organization', async () => {
    await page.getByLabel('Name', { exact: true }).fill(ORG_NAME);
    const partnerId = page.getByLabel('Partner ID');
    assert.equal(await partnerId.getAttribute('name'), 'partner_id');
    await partnerId.fill(PARTNER_ID);
    const csp = page.getByRole('checkbox', { name: 'CSP program' });
    assert.equal(await csp.getAttribute('name'), 'csp');
    await csp.check();
    await page.getByRole('button', { name: 'Create organization', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'organization-created');
    await page.getByRole('status').filter({ hasText: ORG_NAME }).first().waitFor();
    const row = page.getByRole('row').filter({ hasText: ORG_NAME });
    assert.equal(await row.count(), 1, `one table row with "${ORG_NAME}"`);
    const link = row.getByRole('link').first();
    orgHref = await link.getAttribute('href');
    assert.match(orgHref ?? '', /^(https?:\/\/[^/]+)?\/operator\/organizations\/[^/?#]+$/, 'row links to the organization');
  });

  step('the organization row links to its page', async () => {
    const res = await page.goto(orgHref);
    assert.equal(res.status(), 200, `GET ${orgHref}`);
    await visit(page, 'organization-detail');
    await page.getByRole('heading', { name: ORG_NAME }).first().waitFor();
  });

  step('the operator opens Accounts from the navigation', async () => {
    await mainNav().getByRole('link', { name: 'Accounts' }).first().click();
    await expectPath('/operator/accounts');
    await visit(page, 'accounts-empty');
    await page.getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
  });

  const fillAccount = async (email) => {
    const emailInput = page.getByLabel('Email', { exact: true });
    assert.equal(await emailInput.getAttribute('name'), 'email');
    await emailInput.fill(email);
    await page.getByLabel('Display name').fill('Ada Lovelace');
    // A <select> inside its <label> adds the chosen option to the name, hence the prefix match.
    const kind = page.getByLabel(/^\s*Kind\b/);
    assert.equal(await kind.getAttribute('name'), 'kind');
    await kind.selectOption('work');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple 42');
    const org = page.getByLabel(/^\s*Organization\b/);
    assert.equal(await org.getAttribute('name'), 'organization_id');
    assert.ok(
      (await org.locator('option').allTextContents()).length >= 2,
      'the Organization select offers none plus the organization',
    );
    await org.selectOption({ label: ORG_NAME });
    for (const [label, value] of [
      ['Global admin', 'global_admin'],
      ['Partner admin', 'partner_admin'],
      ['Admin agent', 'admin_agent'],
      ['Member', 'member'],
    ]) {
      const box = page.getByRole('checkbox', { name: label, exact: true });
      assert.equal(await box.getAttribute('name'), 'roles', `"${label}" checkbox name`);
      assert.equal(await box.getAttribute('value'), value, `"${label}" checkbox value`);
    }
    await page.getByRole('checkbox', { name: 'Partner admin', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Member', exact: true }).check();
  };

  step('an account with a malformed email is refused with an alert and nothing is created', async () => {
    await fillAccount(BAD_EMAIL);
    // The browser itself refuses it when the input is type=email; bypass that to test the server.
    await page.getByLabel('Email', { exact: true }).evaluate((el) => { el.form.noValidate = true; });
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.waitForLoadState('load');
    await page.getByRole('alert').first().waitFor();
    await visit(page, 'account-bad-email');
    const rows = page.getByRole('row').filter({ hasText: BAD_EMAIL });
    assert.equal(await rows.count(), 0, 'no account row with the bad email');
    // A fresh look at the list, to be sure nothing was stored.
    await page.goto('/operator/accounts');
    assert.equal(await page.getByRole('row').filter({ hasText: BAD_EMAIL }).count(), 0,
      'no account with the bad email after reloading');
  });

  step('the operator creates an account in the organization', async () => {
    await fillAccount(ACCOUNT_EMAIL);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'account-created');
    await page.getByRole('status').filter({ hasText: ACCOUNT_EMAIL }).first().waitFor();
    const row = page.getByRole('row').filter({ hasText: ACCOUNT_EMAIL });
    assert.equal(await row.count(), 1, `one table row with ${ACCOUNT_EMAIL}`);
    assert.equal(await page.getByRole('alert').count(), 0, 'no error alert after a valid create');
  });

  step('switching to Italiano translates the page', async () => {
    await header().getByRole('button', { name: 'Italiano', exact: true }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'it').catch(() => {});
    assert.equal(await page.locator('html').getAttribute('lang'), 'it', '<html lang> after choosing Italiano');
    await visit(page, 'after-italiano');
    await header().getByRole('button', { name: 'Esci', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Sign out', exact: true }).count(), 0,
      'no English "Sign out" left');
  });

  step('Italian stays on the next page', async () => {
    await page.goto('/operator/organizations');
    assert.equal(await page.locator('html').getAttribute('lang'), 'it');
    await visit(page, 'organizations-it');
    assert.equal(await page.getByRole('heading', { name: 'Organizations', exact: true }).count(), 0,
      'the heading is translated');
    assert.equal(await page.getByRole('button', { name: 'Create organization', exact: true }).count(), 0,
      'the create button is translated');
    await page.getByRole('row').filter({ hasText: ORG_NAME }).first().waitFor();
  });

  step('"Il mio account" shows the language the header switch chose, and changes it', async () => {
    await page.getByRole('navigation', { name: /Main|Principale/ }).getByRole('link', { name: 'Il mio account', exact: true }).click();
    await expectPath('/account');
    await visit(page, 'account-it');
    const preferences = page.getByRole('region', { name: 'Lingua e fuso orario' });
    const language = preferences.getByLabel('Lingua', { exact: true });
    assert.equal(await language.inputValue(), 'it', 'the account setting follows the header switch');
    await language.selectOption('en');
    await page.getByRole('button', { name: 'Salva le preferenze', exact: true }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await visit(page, 'account-en');
    assert.equal(await page.getByRole('region', { name: 'Language and time zone' }).getByLabel('Language', { exact: true }).inputValue(), 'en');
    await header().getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await header().getByRole('button', { name: 'Italiano', exact: true }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'it');
    assert.equal(await preferences.getByLabel('Lingua', { exact: true }).inputValue(), 'it',
      'the header switch changes the setting on the page at once');
  });

  step('the queue\'s filters name groups of requests in Italian', async () => {
    await page.goto('/operator/requests');
    await visit(page, 'queue-it');
    const quick = page.getByRole('navigation', { name: 'Filtri rapidi', exact: true });
    const labels = (await quick.getByRole('link').allTextContents()).map((t) => t.trim());
    assert.deepEqual(labels, ['Tutte', 'In ritardo', 'Aperte', 'In attesa del cliente']);
    const options = (await page.getByLabel('Stato', { exact: true }).locator('option').allTextContents()).map((t) => t.trim());
    assert.deepEqual(options, ['Qualsiasi stato', 'Aperte', 'In lavorazione', 'In attesa del cliente', 'Risolte', 'Chiuse']);
  });

  step('the organizations page works on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await visit(page, 'organizations-it-phone');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling on a 390 px screen (overflow ${overflow}px)`);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('the operator signs out', async () => {
    await page.goto('/operator/organizations');
    await header().getByRole('button', { name: 'Esci', exact: true }).click();
    await page.waitForLoadState('load');
    await visit(page, 'signed-out');
    assert.equal(await page.getByRole('button', { name: /^(Esci|Sign out)$/ }).count(), 0, 'signed out');
    await page.goto('/operator/organizations');
    await expectPath('/sign-in');
  });
});
