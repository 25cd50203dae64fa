// @ts-check
/**
 * Static files for the node server: the demo page (`www/`) at `/`, and the package's browser
 * modules at `/js/` and `/pkg/web/` so that the page imports `/js/index.js` without a bundler.
 * @module
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder (the parent of `js/`). */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

const TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
});

/**
 * Maps URL paths to files: `/js/…` and `/pkg/web/…` from the package, the rest from `www`.
 * Returns `undefined` for paths that would leave their folder.
 * @param {string} www
 * @param {string} pathname
 * @returns {string | undefined}
 */
export function fileFor(www, pathname) {
  let relative;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  const mounts = /** @type {Array<[string, string]>} */ ([
    ['/js/', join(PACKAGE_ROOT, 'js')],
    ['/pkg/web/', join(PACKAGE_ROOT, 'pkg', 'web')],
    ['/', www],
  ]);
  for (const [prefix, dir] of mounts) {
    if (!relative.startsWith(prefix)) continue;
    let rest = relative.slice(prefix.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const file = normalize(join(dir, rest));
    return file.startsWith(dir + sep) ? file : undefined;
  }
  return undefined;
}

/**
 * The folder a served file belongs to (its mount), for the symlink check.
 * @param {string} www @param {string} file
 */
function mountOf(www, file) {
  const dirs = [join(PACKAGE_ROOT, 'js'), join(PACKAGE_ROOT, 'pkg', 'web'), www];
  return dirs.find((dir) => file.startsWith(normalize(dir) + sep)) ?? www;
}

/**
 * `file` if it really lies inside its mount once every symlink is followed (a link inside
 * `www/` pointing out of it is not served); `undefined` otherwise or if it does not exist.
 * @param {string} www @param {string} file
 */
async function insideMount(www, file) {
  const [real, root] = await Promise.all([realpath(file).catch(() => undefined), realpath(mountOf(www, file)).catch(() => undefined)]);
  return real && root && real.startsWith(root + sep) ? real : undefined;
}

/**
 * Serves the file for `pathname`, or answers 404 (also for a symlink that leads out of its
 * folder). `HEAD` gets the headers only.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} www
 * @param {string} pathname
 */
export async function serveStatic(req, res, www, pathname) {
  const named = fileFor(www, pathname);
  const file = named && (await insideMount(www, named));
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
