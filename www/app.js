// @ts-check
/**
 * The VNS demo page: starts the page's own client in the chosen mode (see session.js and
 * mode.js), mounts the views and switches between them with the URL's hash.
 * @module
 */
import { startSession } from './session.js';
import { chosenMode } from './mode.js';
import { mountModeBar } from './views/mode-bar.js';
import { byId, setField } from './ui.js';
import { mountResolve } from './views/resolve.js';
import { mountRegister } from './views/register.js';
import { mountNames } from './views/names.js';
import { mountNetwork } from './views/network.js';
import { mountKey } from './views/key.js';

const VIEWS = ['resolve', 'register', 'names', 'network', 'key'];
/** Before the first connection has had a chance, "offline" would only flicker. */
const OFFLINE_GRACE_MS = 1500;

void registerServiceWorker();

// Before the client starts, so that only the chosen mode's words show.
document.documentElement.dataset.mode = chosenMode();

try {
  const session = await startSession();
  const started = Date.now();
  setField('node-url', location.host);
  mountModeBar(session);
  const resolve = mountResolve(session);
  mountRegister(session);
  const names = mountNames(session);
  const network = mountNetwork(session);
  const key = mountKey(session);

  const active = () => {
    const view = location.hash.slice(1).split('/')[0];
    return VIEWS.includes(view) ? view : 'resolve';
  };
  const renderActive = () => {
    const view = active();
    if (view === 'names') void names.render();
    if (view === 'network') {
      network.render();
      void session.refreshNodeStatus();
    }
    if (view === 'key') key.render();
  };
  /** @param {boolean} [moveFocus] after a click on the navigation, not on the first load */
  const route = (moveFocus = false) => {
    const view = active();
    for (const section of document.querySelectorAll('main > section')) {
      /** @type {HTMLElement} */ (section).hidden = /** @type {HTMLElement} */ (section).dataset.view !== view;
    }
    // Screen readers follow focus: land on the view's heading.
    const heading = document.querySelector(`#view-${view} h2`);
    if (moveFocus && heading instanceof HTMLElement) {
      heading.tabIndex = -1;
      heading.focus();
    }
    for (const link of document.querySelectorAll('nav a')) {
      if (link.getAttribute('href') === `#${view}`) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    // `#resolve/alice.vfs` resolves at once (links between views, bookmarks).
    const [, name] = location.hash.slice(1).split('/');
    if (view === 'resolve' && name) resolve.show(decodeURIComponent(name));
    renderActive();
  };

  const banners = () => {
    const online = session.online;
    byId('offline').hidden = online || Date.now() - started < OFFLINE_GRACE_MS;
    setField('queue', String(session.queue?.size ?? 0));
    document.documentElement.dataset.online = String(online);
    document.documentElement.dataset.role = session.role;
  };
  session.addEventListener('state', () => {
    banners();
    if (active() === 'network') network.render();
  });
  session.addEventListener('change', () => {
    banners();
    if (active() === 'network') network.render();
    if (active() === 'names') void names.render();
  });
  session.addEventListener('keys', () => {
    if (active() === 'key') key.render();
    if (active() === 'names') void names.render();
  });
  setTimeout(banners, OFFLINE_GRACE_MS + 50);

  byId('boot').hidden = true;
  addEventListener('hashchange', () => route(true));
  route();
  banners();
  document.documentElement.dataset.ready = 'true';
} catch (error) {
  console.error(error);
  byId('boot').hidden = true;
  const fatal = byId('fatal');
  fatal.textContent = `The page's ${chosenMode()} client could not start: ${error instanceof Error ? error.message : String(error)}`;
  fatal.hidden = false;
  document.documentElement.dataset.ready = 'failed';
}

/**
 * Installs the service worker that keeps the page's files, so that the page opens, and
 * resolves from this browser's copy, while the node is down. Once it runs, the page tells it
 * which files it loaded; `data-offline-ready` says when they are kept and the page is
 * controlled.
 */
async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('/sw.js');
    const { active } = await navigator.serviceWorker.ready;
    if (!active) return;
    const urls = [location.origin + location.pathname, ...performance.getEntriesByType('resource').map((e) => e.name)]
      .map((u) => new URL(u))
      .filter((u) => u.origin === location.origin && !u.pathname.startsWith('/api/'))
      .map((u) => u.pathname);
    const channel = new MessageChannel();
    const reply = new Promise((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)));
    active.postMessage({ type: 'keep', urls: [...new Set(urls)] }, [channel.port2]);
    const answer = /** @type {{ kept?: number, error?: string }} */ (await reply);
    if (answer.error) throw new Error(answer.error);
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    document.documentElement.dataset.offlineReady = 'true';
  } catch (error) {
    console.warn('this page will not open while the node is down:', error);
  }
}
