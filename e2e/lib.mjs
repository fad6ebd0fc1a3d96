// Helpers for Sportello's end-to-end browser tests.
//
// - startServer(): bootstraps an operator with `sportello admin create-operator`, then runs
//   `sportello serve` on a free loopback port against a fresh SQLite file, and waits for
//   /healthz. stop() ends it.
// - openBrowser(): Debian's /usr/bin/chromium through playwright-core (no downloaded browser),
//   with every request that does not go to 127.0.0.1 blocked and recorded as a failure.
// - visit(page, name): after each navigation, saves e2e/screenshots/<NN>-<name>.png (and
//   <NN>-<name>-phone.png at 390 px), fails if the page scrolls sideways at phone width, and
//   runs axe-core; any serious or critical violation fails the test.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const E2E_DIR = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = join(E2E_DIR, 'screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.SPORTELLO_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const OPERATOR_EMAIL = 'operator@example.test';
export const OPERATOR_PASSWORD = 'e2e-operator-Passw0rd!';

function sportelloBin() {
  const bin = process.env.SPORTELLO_BIN;
  if (!bin) {
    throw new Error('SPORTELLO_BIN is not set: point it at a built `sportello` binary ' +
      '(scripts/test does this for you)');
  }
  if (!existsSync(bin)) throw new Error(`SPORTELLO_BIN=${bin} does not exist`);
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(bin, args, { env, logFile }) {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    const child = spawn(bin, args, { env, stdio: ['ignore', fd, fd] });
    child.on('error', (err) => { closeSync(fd); reject(err); });
    child.on('exit', (code, signal) => { closeSync(fd); resolve({ code, signal }); });
  });
}

function tail(file, lines = 40) {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text ? text.split('\n').slice(-lines).join('\n') : '(empty)';
  } catch {
    return '(no log)';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const DEMO_OPERATOR_EMAIL = 'operator@sportello.demo';
export const DEMO_PASSWORD = 'sportello-demo';

/**
 * Creates a fresh database with an operator, starts `sportello serve` on it and waits until
 * GET /healthz answers 200. Returns { baseURL, databaseUrl, logFile, operator, stop }.
 *
 * With `demo: true` it does what README tells a newcomer instead: no operator is created,
 * the server runs as `sportello serve --demo` (default settings) on the fresh file, and
 * `operator` is the demo operator.
 */
export async function startServer({ extraEnv = {}, demo = false } = {}) {
  const bin = sportelloBin();
  const dir = mkdtempSync(join(tmpdir(), 'sportello-e2e-'));
  const databaseUrl = `sqlite://${join(dir, 'e2e.db')}`;
  const logFile = join(dir, 'server.log');
  // Nothing from the caller's SPORTELLO_* settings (a demo flag, another database…) leaks in.
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SPORTELLO_')),
  );
  Object.assign(baseEnv, { RUST_BACKTRACE: '1' }, extraEnv);

  // 1. Operator first: this command creates and migrates the database (`serve --demo` does
  //    both itself).
  const created = demo ? { code: 0 } : await run(
    bin,
    ['admin', 'create-operator', '--email', OPERATOR_EMAIL, '--database-url', databaseUrl],
    { env: { ...baseEnv, SPORTELLO_ADMIN_PASSWORD: OPERATOR_PASSWORD }, logFile },
  );
  if (created.code !== 0) {
    throw new Error(`\`sportello admin create-operator\` failed (exit ${created.code}, ` +
      `signal ${created.signal}). Output:\n${tail(logFile)}`);
  }

  // 2. The server.
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const fd = openSync(logFile, 'a');
  const child = spawn(
    bin,
    ['serve', '--listen', `127.0.0.1:${port}`, '--database-url', databaseUrl, ...(demo ? ['--demo'] : [])],
    { env: demo ? baseEnv : { ...baseEnv, SPORTELLO_ACTIVATION_DELAY: '1s' }, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); });
    child.on('error', (err) => { exited = { error: err }; resolve(exited); });
  });

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const result = await Promise.race([exitPromise, sleep(10_000).then(() => null)]);
      if (!result) {
        console.error('[e2e] server did not stop within 10 s of SIGTERM; sending SIGKILL');
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    if (process.env.SPORTELLO_E2E_KEEP) {
      console.error(`[e2e] kept ${dir} (server log: ${logFile})`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      throw new Error(`\`sportello serve\` exited before it was healthy ` +
        `(${JSON.stringify(exited)}). Log:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${baseURL}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop().catch(() => {});
      throw new Error(`GET ${baseURL}/healthz did not answer 200 within 30 s. Log:\n${tail(logFile)}`);
    }
    await sleep(100);
  }

  return {
    baseURL,
    databaseUrl,
    logFile,
    operator: demo
      ? { email: DEMO_OPERATOR_EMAIL, password: DEMO_PASSWORD }
      : { email: OPERATOR_EMAIL, password: OPERATOR_PASSWORD },
    stop,
    log: () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } },
    logTail: (n) => tail(logFile, n),
  };
}

/**
 * Launches Debian's Chromium with a fresh profile. Every request whose host is not 127.0.0.1
 * is aborted and recorded; assertNoExternalRequests() (also called by visit()) fails on them.
 * Sub-resources (stylesheets, images…) answering 4xx/5xx are recorded too.
 */
export async function openBrowser({ baseURL, viewport = { width: 1280, height: 800 }, locale = 'en-US', timezoneId = 'UTC' }) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'sportello-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL,
    viewport,
    locale,
    timezoneId,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);

  const blocked = [];
  const brokenResources = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    let host = null;
    try { host = new URL(url).hostname; } catch { /* unparsable */ }
    if (host === '127.0.0.1') return route.continue();
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return route.continue();
    blocked.push(url);
    console.error(`[e2e] BLOCKED request to a non-local address: ${url}`);
    return route.abort('blockedbyclient');
  });
  context.on('response', (res) => {
    const req = res.request();
    if (res.status() >= 400 && req.resourceType() !== 'document') {
      brokenResources.push(`${res.status()} ${req.resourceType()} ${req.url()}`);
    }
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => console.error(`[e2e] page error: ${err.message}`));

  const assertNoExternalRequests = () => {
    if (blocked.length) {
      throw new Error(`The page tried to reach non-local addresses (blocked):\n  ${blocked.join('\n  ')}`);
    }
    if (brokenResources.length) {
      throw new Error(`Sub-resources failed to load:\n  ${brokenResources.join('\n  ')}`);
    }
  };

  watchPage(page, assertNoExternalRequests);

  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };

  return { context, page, close, assertNoExternalRequests, blocked, brokenResources };
}

let shotCounter = 0;
const checkers = new WeakMap();

/** Associates a page with its browser's assertNoExternalRequests (done by the tests' setup). */
export function watchPage(page, assertNoExternalRequests) {
  checkers.set(page, assertNoExternalRequests);
}

function formatViolations(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.slice(0, 5).map((n) => {
      const summary = (n.failureSummary || '').split('\n').map((l) => `        ${l}`).join('\n');
      return `    - ${n.target.join(' ')}\n      ${n.html.slice(0, 200)}\n${summary}`;
    }).join('\n');
    const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '';
    return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
  }).join('\n');
}

/** The phone width every page is checked at. */
export const PHONE_WIDTH = 390;

/**
 * Every page at phone width: nothing may scroll sideways (a table may scroll inside its own
 * box). Saves <NN>-<name>-phone.png beside the desktop screenshot and fails, naming the widest
 * elements, when the document is wider than the screen. The viewport is restored after.
 */
async function checkPhoneWidth(page, name, desktopFile) {
  const before = page.viewportSize();
  const phone = !before || before.width <= PHONE_WIDTH;
  if (!phone) await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
  try {
    const found = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const overflow = document.documentElement.scrollWidth - width;
      if (overflow <= 1) return { overflow, culprits: [] };
      // The outermost elements that stick out (not inside a box that scrolls by itself).
      const scrolls = (el) => {
        for (let p = el.parentElement; p; p = p.parentElement) {
          const style = getComputedStyle(p);
          if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) && p !== document.documentElement
            && p !== document.body) return true;
        }
        return false;
      };
      const culprits = [];
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        // An absolutely placed element escapes a scrolling box that is not its containing block.
        const placed = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
        if (r.right <= width + 1 || (scrolls(el) && !placed)) continue;
        if (el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1
          && !scrolls(el.parentElement) && culprits.some((c) => c.el === el.parentElement)) continue;
        culprits.push({ el, text: `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}> ` +
          `right edge at ${Math.round(r.right)}px: "${(el.textContent || '').trim().slice(0, 60)}"` });
        if (culprits.length >= 6) break;
      }
      return { overflow, culprits: culprits.map((c) => c.text) };
    });
    const file = desktopFile.replace(/\.png$/, '-phone.png');
    await page.screenshot({ path: file, fullPage: true });
    if (found.overflow > 1) {
      throw new Error(`"${name}" (${page.url()}) scrolls sideways at ${PHONE_WIDTH} px: the page is ` +
        `${found.overflow}px wider than the screen; screenshot ${file}. Sticking out:\n  ` +
        found.culprits.join('\n  '));
    }
  } finally {
    if (!phone) await page.setViewportSize(before);
  }
}

/**
 * At desktop width no e-mail address and no date in a table cell breaks across lines: they wrap
 * only at their spaces (a table too wide for them scrolls in its own box instead). Fails naming
 * the broken values.
 */
export async function assertNoBrokenValues(page, name) {
  const broken = await page.evaluate(() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement?.closest('table.data td')) continue;
      for (const m of node.data.matchAll(/[^\s@]+@[^\s@]+\.[^\s@]+|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) found.push(m[0]);
      }
    }
    return found;
  });
  if (broken.length) {
    throw new Error(`"${name}" (${page.url()}) breaks values across lines at ${page.viewportSize()?.width} px: ` +
      JSON.stringify(broken.slice(0, 8)));
  }
}

/**
 * Call after each navigation: waits for the page to settle, saves a full-page screenshot as
 * e2e/screenshots/<NN>-<name>.png, checks the page at phone width (see checkPhoneWidth), and
 * runs axe-core. Serious or critical violations throw;
 * minor and moderate ones are printed.
 */
export async function visit(page, name) {
  await page.waitForLoadState('load');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  shotCounter += 1;
  const file = join(SCREENSHOT_DIR, `${String(shotCounter).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });

  const check = checkers.get(page);
  if (check) check();

  if ((page.viewportSize()?.width ?? 0) > 1000) await assertNoBrokenValues(page, name);
  await checkPhoneWidth(page, name, file);

  // An unstyled page (stylesheet missing, empty, or blocked by the CSP) is a failure too.
  const sheets = await page.evaluate(() => [...document.styleSheets].map((sheet) => {
    let rules = -1;
    try { rules = sheet.cssRules.length; } catch { /* cross-origin: unreadable */ }
    return { href: sheet.href, rules };
  }));
  const linked = await page.locator('link[rel~="stylesheet"]').count();
  const empty = sheets.filter((sh) => sh.rules === 0);
  if (linked > 0 && (sheets.length < linked || empty.length > 0)) {
    throw new Error(`"${name}" (${page.url()}) is unstyled: ${linked} stylesheet link(s), ` +
      `${sheets.length} loaded, empty: ${empty.map((sh) => sh.href).join(', ') || 'none'}; ` +
      `screenshot ${file}`);
  }

  // Not page.addScriptTag: the server's Content-Security-Policy (script-src 'self') rightly
  // refuses inline scripts, and the tests keep that policy on. DevTools evaluation is exempt.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  const results = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  });
  const blocking = results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const other = results.filter((v) => !blocking.includes(v));
  if (other.length) {
    console.error(`[e2e] axe (${name}, ${page.url()}): minor/moderate findings:\n${formatViolations(other)}`);
  }
  if (blocking.length) {
    throw new Error(`axe-core found ${blocking.length} serious/critical accessibility ` +
      `violation(s) on "${name}" (${page.url()}); screenshot ${file}:\n${formatViolations(blocking)}`);
  }
  return file;
}
