// @ts-check
/**
 * Keeps the page's files so that it opens while its node is down: the page then resolves
 * from this browser's IndexedDB copy and queues changes until the node is back.
 *
 * Network first (a running node always serves the current files), the kept copy when the
 * network fails. The API is never cached: the page handles an unreachable node itself.
 */

const CACHE = 'vns-www-v1';
/** Everything the page needs to start, kept at install time. */
const FILES = [
  '/',
  '/style.css',
  '/app.js',
  '/session.js',
  '/keystore.js',
  '/ui.js',
  '/views/resolve.js',
  '/views/register.js',
  '/views/names.js',
  '/views/network.js',
  '/views/key.js',
  '/js/index.js',
  '/js/core.js',
  '/js/websocket.js',
  '/js/worker-solver.js',
  '/js/pow-worker.js',
  '/pkg/web/vns.js',
  '/pkg/web/vns_bg.wasm',
];

/** The small part of the service worker scope used here (the DOM lib has no worker types). */
const worker = /** @type {{
 *   addEventListener(type: 'install' | 'activate', listener: (event: Event & { waitUntil(p: Promise<unknown>): void }) => void): void,
 *   addEventListener(type: 'fetch', listener: (event: Event & { request: Request, respondWith(r: Promise<Response>): void }) => void): void,
 *   skipWaiting(): Promise<void>,
 *   clients: { claim(): Promise<void> },
 * }} */ (/** @type {unknown} */ (self));

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.respondWith(
    fetch(request).then(
      (response) => {
        if (response.ok) {
          const copy = response.clone();
          void caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      },
      async (error) => {
        const kept = await caches.match(request, { ignoreSearch: true });
        if (kept) return kept;
        throw error;
      },
    ),
  );
});
