// @ts-check
/**
 * The VNS demo page: starts the page's own node (see session.js), mounts the views and
 * switches between them with the URL's hash.
 * @module
 */
import { startSession } from './session.js';
import { byId, setField } from './ui.js';
import { mountResolve } from './views/resolve.js';
import { mountRegister } from './views/register.js';
import { mountNames } from './views/names.js';
import { mountNetwork } from './views/network.js';
import { mountKey } from './views/key.js';

const VIEWS = ['resolve', 'register', 'names', 'network', 'key'];
/** Before the first connection has had a chance, "offline" would only flicker. */
const OFFLINE_GRACE_MS = 1500;

registerServiceWorker();

try {
  const session = await startSession();
  const started = Date.now();
  setField('node-url', location.host);
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
  const route = () => {
    const view = active();
    for (const section of document.querySelectorAll('main > section')) {
      /** @type {HTMLElement} */ (section).hidden = /** @type {HTMLElement} */ (section).dataset.view !== view;
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
    setField('queue', String(session.vns.queueStatus().size));
    document.documentElement.dataset.online = String(online);
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

  byId('memory-only').hidden = session.storage !== 'memory';
  byId('boot').hidden = true;
  addEventListener('hashchange', route);
  route();
  banners();
  document.documentElement.dataset.ready = 'true';
} catch (error) {
  console.error(error);
  byId('boot').hidden = true;
  const fatal = byId('fatal');
  fatal.textContent = `The local node could not start: ${error instanceof Error ? error.message : String(error)}`;
  fatal.hidden = false;
  document.documentElement.dataset.ready = 'failed';
}

/**
 * Installs the service worker that keeps the page's files, so that the page opens, and
 * resolves from this browser's copy, while the node is down.
 */
function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const mark = () => {
    if (navigator.serviceWorker.controller) document.documentElement.dataset.offlineReady = 'true';
  };
  navigator.serviceWorker.addEventListener('controllerchange', mark);
  navigator.serviceWorker.register('/sw.js').then(mark, (error) => console.warn('service worker not installed:', error));
}
