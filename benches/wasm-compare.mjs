// Same-run comparison of two builds of the package's wasm (each a `pkg/web`-style folder:
// `vns.js` and `vns_bg.wasm`): registrations applied (`VnsNode.submit` of signed entry blocks
// into a fresh memory node) and uncached resolves (`VnsNode.resolve`), in interleaved rounds
// so both builds see the same machine load. Times are the process's CPU time
// (`process.cpuUsage`), which a loaded machine inflates far less than wall time. Prints
// medians and the candidate/baseline ratio.
//
//   cp -r pkg/web /tmp/base-web            # the build to compare against
//   ... change profiles, bash scripts/build-pkg.sh ...
//   node benches/wasm-compare.mjs /tmp/base-web pkg/web [names]
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

const [baseDir, candidateDir = 'pkg/web', namesArg = '3000'] = process.argv.slice(2);
if (!baseDir) {
  console.error('usage: node benches/wasm-compare.mjs BASELINE_DIR [CANDIDATE_DIR] [names]');
  process.exit(2);
}
const NAMES = Number(namesArg);
const ROUNDS = Number(process.env.ROUNDS ?? 11);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const options = { storage: 'memory', network: 'testing', registrationsPerHour: 1e9 };

/** Loads one build's glue and wasm: an independent module instance per folder. */
async function load(dir) {
  const glue = await import(pathToFileURL(resolvePath(dir, 'vns.js')).href);
  glue.initSync({ module: readFileSync(resolvePath(dir, 'vns_bg.wasm')) });
  return glue;
}

/** Signed registrations of `count` names by 16 owners, as entry blocks. */
async function signedBlocks(wasm, count) {
  const node = await wasm.VnsNode.open(options);
  const owners = Array.from({ length: 16 }, () => wasm.Keys.generate());
  const ts = Date.now();
  const blocks = [];
  for (let i = 0; i < count; i++) {
    const keys = owners[i % owners.length];
    const name = `cmp${i}`;
    let nonce;
    for (let start = 0; nonce === undefined; start += 4096) {
      nonce = wasm.powSearch(name, keys.peerId, ts, node.difficulty, start, 4096);
    }
    const records = [{ type: 'A', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }];
    node.register(keys, name, records, ts, nonce);
    blocks.push(node.entryBlock(name));
  }
  await node.close();
  return blocks;
}

/** CPU time of this process in ns. */
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

/** ns per `submit` of every block into a fresh node; returns the node (filled). */
async function applyRound(wasm, blocks) {
  const node = await wasm.VnsNode.open(options);
  const now = Date.now();
  const start = cpuNs();
  for (const block of blocks) node.submit(block, now);
  return { ns: (cpuNs() - start) / blocks.length, node };
}

/** Resolves of every name per round (the wasm side caches nothing). */
const RESOLVE_PASSES = 5;

/** ns per uncached `resolve` of every name, in a shuffled order. */
function resolveRound(node, names) {
  const now = Date.now();
  const start = cpuNs();
  for (let pass = 0; pass < RESOLVE_PASSES; pass++) {
    for (const name of names) node.resolve(name, now);
  }
  return (cpuNs() - start) / (names.length * RESOLVE_PASSES);
}

const base = await load(baseDir);
const candidate = await load(candidateDir);
console.log(`==> ${NAMES.toLocaleString('en')} signed registrations (built with the candidate)`);
const blocks = await signedBlocks(candidate, NAMES);
const names = Array.from({ length: NAMES }, (_, i) => `cmp${i}.vfs`).sort(() => Math.random() - 0.5);

const figures = { base: { apply: [], resolve: [] }, candidate: { apply: [], resolve: [] } };
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which build goes first, so neither always runs on a warmer machine.
  const order = r % 2 ? ['candidate', 'base'] : ['base', 'candidate'];
  for (const which of order) {
    const wasm = which === 'base' ? base : candidate;
    const { ns, node } = await applyRound(wasm, blocks);
    figures[which].apply.push(ns);
    figures[which].resolve.push(resolveRound(node, names));
    await node.close();
  }
}

const f = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const size = (dir) => readFileSync(resolvePath(dir, 'vns_bg.wasm')).length.toLocaleString('en');
console.log(`==> CPU-time medians of ${ROUNDS} interleaved rounds (Node ${process.version})`);
console.log(`baseline  ${baseDir}: ${size(baseDir)} bytes`);
console.log(`candidate ${candidateDir}: ${size(candidateDir)} bytes`);
for (const what of ['apply', 'resolve']) {
  const b = median(figures.base[what]);
  const c = median(figures.candidate[what]);
  console.log(`${what}: candidate ${f(c)} vs baseline ${f(b)} -> ${(c / b).toFixed(3)}x`);
}
