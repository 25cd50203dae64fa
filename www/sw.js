// @ts-check
/**
 * Keeps the page's files so that it opens while its node is down: the page then resolves
 * from this browser's IndexedDB copy and queues changes until the node is back.
 *
 * Network first (a running node always serves the current files), the kept copy when the
 * network fails. The API is never cached: the page handles an unreachable node itself.
 */

const CACHE = 'vns-www-v1';
/**
 * Kept at install time. The rest (the package's modules, the wasm) is kept when the page
 * reports what it loaded (a `keep` message), so this list does not have to follow the
 * package's module graph; only the proof-of-work worker is not loaded before it is used.
 */
const SHELL = ['/', '/app.js', '/style.css', '/js/pow-worker.js'];

/** The small part of the service worker scope used here (the DOM lib has no worker types). */
const worker = /** @type {{
 *   addEventListener(type: 'install' | 'activate', listener: (event: Event & { waitUntil(p: Promise<unknown>): void }) => void): void,
 *   addEventListener(type: 'fetch', listener: (event: Event & { request: Request, respondWith(r: Promise<Response>): void }) => void): void,
 *   addEventListener(type: 'message', listener: (event: MessageEvent<{ type: string, urls: string[] }> & { waitUntil(p: Promise<unknown>): void }) => void): void,
 *   skipWaiting(): Promise<void>,
 *   clients: { claim(): Promise<void> },
 * }} */ (/** @type {unknown} */ (self));

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
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

// The page lists the same-origin files it loaded; they are kept, then the page is told.
worker.addEventListener('message', (event) => {
  const { type, urls } = event.data ?? {};
  const [port] = event.ports;
  if (type !== 'keep' || !port) return;
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(urls))
      .then(
        () => port.postMessage({ kept: urls.length }),
        (error) => port.postMessage({ error: String(error) }),
      ),
  );
});
