// The API reference at /api/docs: Swagger UI (vendored, served by Sportello) draws
// /api/v1/openapi.json in the browser, with no request leaving 127.0.0.1 and no inline code
// (the Content-Security-Policy stays strict).
//
// Run: SPORTELLO_BIN=target/debug/sportello node --test e2e/apidocs.test.mjs

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser, visit } from './lib.mjs';

describe('api docs: the reference page', { timeout: 120_000 }, () => {
  let server;
  let browser;
  let page;
  const cspViolations = [];
  const requests = [];

  before(async () => {
    server = await startServer();
    browser = await openBrowser({ baseURL: server.baseURL });
    page = browser.page;
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    page.on('request', (req) => requests.push(req.url()));
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('renders every operation from the OpenAPI document, offline', async () => {
    try {
      const res = await page.goto('/api/docs');
      assert.equal(res.status(), 200, 'GET /api/docs');
      const operation = page.locator('.opblock-summary', { hasText: '/api/v1/support-requests' })
        .filter({ has: page.locator('.opblock-summary-method', { hasText: 'POST' }) });
      await operation.first().waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.match(await page.locator('.info .title').innerText(), /Sportello/);

      // Every documented path is drawn.
      const document = await (await fetch(`${server.baseURL}/api/v1/openapi.json`)).json();
      const expected = Object.values(document.paths)
        .reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0);
      assert.equal(await page.locator('.opblock').count(), expected, 'one block per operation');

      // Opening an operation and trying it out work under the CSP too.
      await operation.first().locator('button.opblock-summary-control').click();
      const opened = page.locator('.opblock.is-open').first();
      await opened.locator('.opblock-body').waitFor();
      await opened.getByRole('button', { name: 'Try it out' }).click();
      await opened.locator('button.execute').waitFor();

      await visit(page, 'api-docs');
      browser.assertNoExternalRequests();
      const foreign = requests.filter((url) => !url.startsWith(`${server.baseURL}/`)
        && !url.startsWith('data:') && !url.startsWith('blob:'));
      assert.deepEqual(foreign, [], 'requests that would leave 127.0.0.1');
      assert.ok(requests.includes(`${server.baseURL}/api/v1/openapi.json`), 'the document was fetched');
      assert.equal(await page.locator('.validator-badge, img[src*="validator"]').count(), 0,
        'no validator badge');
      assert.deepEqual(cspViolations, [], 'Content-Security-Policy violations');

      // The Authorize dialog (bearer token or session cookie).
      await page.locator('.scheme-container button.authorize').click();
      await page.locator('.modal-ux').waitFor();
      await visit(page, 'api-docs-authorize');
      browser.assertNoExternalRequests();
    } catch (err) {
      if (server) console.error(`[e2e] server log (last lines):\n${server.logTail(30)}`);
      throw err;
    }
  });
});
