// Progressive enhancement for the server-rendered pages. Every page works without this script;
// with it, two things get better:
//
// * Copy buttons. An element with `data-copy="Copy Contract ID"` gets a small button after it
//   that puts its text on the clipboard and says so in a polite status message
//   (`data-copied`, in the page's language).
// * Live regions. When <main> carries `data-refresh="N"`, the page is fetched again every N
//   seconds while it is visible, and the content of each element marked `data-live` (by its id)
//   is replaced by its fresh copy when that differs, unless the keyboard focus is inside it. The
//   element itself stays, so a `role="status"` on it announces the change. The server stops the
//   refreshing by leaving `data-refresh` out of the fresh page (the activation finished, the
//   request closed). No field one types into is inside a live element, so nothing typed is lost.
//
// Loaded as an external script: the Content-Security-Policy allows no inline code.
'use strict';

(() => {
  const copyText = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    // Plain-HTTP deployments have no Clipboard API: copy through a selected, hidden text area.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    if (!done) throw new Error('copy refused');
  };

  const addCopyButtons = (root) => {
    for (const source of root.querySelectorAll('[data-copy]')) {
      if (source.nextElementSibling && source.nextElementSibling.classList.contains('copy-button')) {
        continue;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button secondary small copy-button';
      button.textContent = source.dataset.copyLabel || 'Copy';
      button.setAttribute('aria-label', source.dataset.copy);
      const status = document.createElement('span');
      status.className = 'copy-status';
      status.setAttribute('role', 'status');
      button.addEventListener('click', async () => {
        try {
          await copyText(source.textContent.trim());
          status.textContent = source.dataset.copied || 'Copied';
        } catch {
          status.textContent = source.dataset.copyFailed || '';
        }
        clearTimeout(status.timer);
        status.timer = setTimeout(() => { status.textContent = ''; }, 4000);
      });
      source.after(button, status);
    }
  };

  const main = () => document.getElementById('main');

  const refresh = async () => {
    const response = await fetch(window.location.href, {
      headers: { 'Sportello-Refresh': '1', Accept: 'text/html' },
      credentials: 'same-origin',
      cache: 'no-store',
    });
    // Signed out, gone or refused: the page as it stands is the last word.
    if (!response.ok || response.redirected) return null;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    const freshMain = fresh.getElementById('main');
    if (!freshMain) return null;
    for (const live of main().querySelectorAll('[data-live][id]')) {
      const next = fresh.getElementById(live.id);
      if (!next) {
        live.replaceChildren();
        continue;
      }
      const adopted = document.importNode(next, true);
      addCopyButtons(adopted);
      if (adopted.innerHTML === live.innerHTML && adopted.className === live.className) continue;
      if (live.contains(document.activeElement)) continue;
      live.className = adopted.className;
      live.replaceChildren(...adopted.childNodes);
    }
    const seconds = Number(freshMain.dataset.refresh);
    return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
  };

  const startRefreshing = () => {
    let seconds = Number(main()?.dataset.refresh);
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    let failures = 0;
    const tick = async () => {
      if (document.hidden) {
        document.addEventListener('visibilitychange', tick, { once: true });
        return;
      }
      try {
        const next = await refresh();
        failures = 0;
        if (next === null) {
          delete main().dataset.refresh;
          return;
        }
        seconds = next;
      } catch {
        // The network or the service is away for a moment: try again, less often.
        failures = Math.min(failures + 1, 5);
      }
      setTimeout(tick, seconds * 1000 * 2 ** failures);
    };
    setTimeout(tick, seconds * 1000);
  };

  // The browser's time zone, for pages of accounts that did not choose one (the server reads
  // the cookie; until it has, times are in UTC and say so).
  const reportTimeZone = () => {
    let zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch { return; }
    if (!/^[A-Za-z0-9_+\/-]{1,64}$/.test(zone)) return;
    const current = document.cookie.split('; ').find((c) => c.startsWith('sportello_tz='));
    if (current === `sportello_tz=${zone}`) return;
    const secure = window.location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `sportello_tz=${zone}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
  };

  const start = () => {
    reportTimeZone();
    addCopyButtons(document);
    startRefreshing();
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
