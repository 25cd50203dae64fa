// Benchmarks of the npm package in Node, each beside its baseline measured in the same run:
//  - the first (uncached) resolve of each name at 100k names through the package, beside a
//    plain JS Map of the same answers and the native core's `resolve/vns_100000` criterion
//    median, with where the time goes: a bare call into wasm, the name's parsing (and one
//    string back), the wasm `VnsNode.resolve` alone, and the shim's wrapping and caching;
//  - cached resolves through the package, beside the same Map;
//  - registrations applied per second (`submit` of signed entry blocks), beside the native
//    core's `apply/register` criterion median.
// Native medians are read from target/criterion, written by `cargo bench --bench core` just
// before (`bash scripts/bench.sh package`). Per-call times are the process's CPU time
// (`process.cpuUsage`), which a loaded machine inflates far less than wall time.
// Prints medians and ratios. Run: node benches/package.mjs [names]
import { readFileSync, readdirSync } from 'node:fs';
import { open, generateKeys, VnsNode, powSearch, canonicalName } from 'vns';
import { openWith } from '../js/core.js';
import { AnswerCache, deepFreeze, freezeAnswer } from '../js/answer-cache.js';

// The glue's answer builder (wasm-bindgen copies it into the package's snippets), timed alone.
const snippets = new URL('../pkg/web/snippets/', import.meta.url);
const [snippet] = readdirSync(snippets);
const { answerFromLines } = await import(new URL(`${snippet}/inline0.js`, snippets).href);

const NAMES = Number(process.argv[2] ?? 100_000);
const ROUNDS = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hour = 3_600_000;
const quiet = { tickIntervalMs: hour, sweepIntervalMs: hour, saveDelayMs: hour };
const nodeOptions = { storage: 'memory', network: 'testing', registrationsPerHour: 1e9 };

/** CPU time of this process in ns. */
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

/** Signed registrations of `count` names by a few owners, as entry blocks. */
async function signedBlocks(count, prefix) {
  const client = await open({ ...nodeOptions, ...quiet });
  const owners = Array.from({ length: 16 }, () => generateKeys());
  const blocks = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}${i}`;
    await client.register(owners[i % owners.length], name, [{ type: 'A', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }]);
    blocks.push(client.entryBlock(name));
  }
  await client.close();
  return blocks;
}

/** ns per call of `fn(item)` over `items`, median of ROUNDS rounds. */
function perCall(items, fn) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = cpuNs();
    for (let i = 0; i < items.length; i++) fn(items[i]);
    rounds.push((cpuNs() - t0) / items.length);
  }
  return median(rounds);
}

/** `perCall` for an async `fn`, each call awaited. */
async function perAwaitedCall(items, fn) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = cpuNs();
    for (let i = 0; i < items.length; i++) await fn(items[i]);
    rounds.push((cpuNs() - t0) / items.length);
  }
  return median(rounds);
}

/** A criterion median (ns) from target/criterion, or undefined if that bench has not run. */
function nativeMedian(path) {
  try {
    return JSON.parse(readFileSync(`target/criterion/${path}/new/estimates.json`, 'utf8')).median.point_estimate;
  } catch {
    return undefined;
  }
}

/** A shuffled copy (Fisher–Yates). @template T @param {T[]} xs */
function shuffled(xs) {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

console.log(`==> building ${NAMES.toLocaleString('en')} signed registrations`);
let t = performance.now();
const blocks = await signedBlocks(NAMES, 'bench');
console.log(`    ${((performance.now() - t) / 1000).toFixed(1)} s (proof-of-work at difficulty 4 and signing, in wasm)`);

// Registrations applied per second: submit the blocks into fresh nodes, 10k at a time.
const APPLY = Math.min(10_000, NAMES);
const applyRounds = [];
for (let r = 0; r < 5; r++) {
  const node = await open({ ...nodeOptions, ...quiet });
  const start = cpuNs();
  for (let i = 0; i < APPLY; i++) node.submit(blocks[(r * APPLY + i) % NAMES]);
  applyRounds.push((cpuNs() - start) / APPLY);
  await node.close();
}
const applyNs = median(applyRounds);
const nativeApplyNs = nativeMedian('apply/register');
const nativeResolveNs = nativeMedian(`resolve/vns_${NAMES}`);

// Resolve at NAMES names: one wasm node, also driven through the package's `Vns` (the same
// store), so the shim's share is measured on the same data.
const raw = await VnsNode.open(nodeOptions);
const vns = await openWith({ VnsNode: { open: async () => raw }, powSearch }, quiet);
for (const b of blocks) vns.submit(b);
const names = Array.from({ length: NAMES }, (_, i) => `bench${i}.vfs`);
const order = shuffled(names);
const now = Date.now();

// The wasm code of the resolve path is tiered up first (V8 compiles hot wasm functions again,
// optimised, in the background): resolving every name on the wasm node directly leaves the
// shim's cache empty, so the first resolves below still miss it, on the code a running node
// has. Without this, small runs measured part of the tier-up in the shim's share.
for (let pass = 0; pass < 3; pass++) for (const name of order) raw.resolve(name, now);

// First resolves: each round asks names no round asked before (disjoint slices of one random
// order), so every call misses the shim's cache.
const slice = Math.floor(NAMES / ROUNDS);
const firstRounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const part = order.slice(r * slice, (r + 1) * slice);
  const t0 = cpuNs();
  for (const name of part) vns.resolveSync(name);
  firstRounds.push((cpuNs() - t0) / part.length);
}
const first = median(firstRounds);

// Where a first resolve's time goes (the wasm node caches nothing, so these repeat freely).
const bareCall = perCall(order, () => raw.size);
const parse = perCall(order, (name) => canonicalName(name));
const wasmResolve = perCall(order, (name) => raw.resolve(name, now));

// The shim's steps, one at a time, on answers of this run: the answer's text decoded from
// UTF-8 (as the glue decodes it), the object written from that text, the freeze (the walk
// every answer got before, and the freeze that knows the answer's shape), the cache insert.
const texts = order.map((name) => {
  const a = raw.resolve(name, now);
  return [a.name, a.owner, a.entry ?? '', ...a.records.flatMap((r) => [r.type, r.value, String(r.ttl)])].join('\n');
});
const utf8 = texts.map((text) => new TextEncoder().encode(text));
const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
const decode = perCall(utf8, (bytes) => decoder.decode(bytes));
const build = perCall(texts, (text) => answerFromLines(text, now + hour, 0));
/** Fresh answers for each round of a step that changes them (freezing, caching). */
const freshRounds = (step) => {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const answers = texts.map((text) => answerFromLines(text, now + hour, 0));
    const t0 = cpuNs();
    for (let i = 0; i < answers.length; i++) step(answers[i], i);
    rounds.push((cpuNs() - t0) / answers.length);
  }
  return median(rounds);
};
const walkFreeze = freshRounds((answer) => deepFreeze(answer));
const shapedFreeze = freshRounds((answer) => freezeAnswer(answer));
let cache = new AnswerCache();
const cacheInsert = freshRounds((answer, i) => {
  if (i === 0) cache = new AnswerCache();
  cache.set(order[i], answer);
});

const map = new Map();
for (const name of names) map.set(name, vns.resolveSync(name));
let hits = 0;
const mapGet = perCall(order, (name) => {
  if (map.get(name)) hits++;
});
if (hits !== NAMES * ROUNDS) throw new Error('map lookups missed');
const cached = perCall(order, (name) => vns.resolveSync(name));
const cachedAwait = await perAwaitedCall(order, (name) => vns.resolve(name));
const mapAwait = await perAwaitedCall(order, async (name) => map.get(name));
await vns.close();

const f = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const k = `@${NAMES / 1000}k`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
console.log(`==> package benchmarks (Node ${process.version}, CPU-time medians of ${ROUNDS} rounds)`);
console.log(`first resolve ${k}: vns.resolveSync ${f(first)} vs Map.get ${f(mapGet)} -> ${ratio(first, mapGet)}` +
  (nativeResolveNs ? `; native resolve ${f(nativeResolveNs)} -> ${ratio(first, nativeResolveNs)}` : '; native figure missing (run cargo bench --bench core -- resolve first)') +
  ' (target <= 2 µs)');
console.log(`  of which: bare wasm call ${f(bareCall)}, canonicalName ${f(parse)}, VnsNode.resolve ${f(wasmResolve)}, shim (wrapping, caching) ${f(first - wasmResolve)}`);
console.log(`  steps: UTF-8 decode ${f(decode)}, answer object from its text ${f(build)}, freeze: walk ${f(walkFreeze)} shaped ${f(shapedFreeze)}, cache insert ${f(cacheInsert)}`);
console.log(`cached resolve ${k}: await vns.resolve ${f(cachedAwait)} vs await Map.get ${f(mapAwait)} -> ${ratio(cachedAwait, mapAwait)} (target <= 5x)`);
console.log(`cached resolve ${k}: vns.resolveSync ${f(cached)} vs Map.get ${f(mapGet)} -> ${ratio(cached, mapGet)} (target <= 5x)`);
const perSec = (ns) => Math.round(1e9 / ns).toLocaleString('en');
console.log(`apply registration: package submit ${f(applyNs)} (${perSec(applyNs)}/s)` +
  (nativeApplyNs ? `; native apply/register ${f(nativeApplyNs)} (${perSec(nativeApplyNs)}/s) -> ${ratio(applyNs, nativeApplyNs)}` : '; native figure missing (run cargo bench --bench core first)'));
