// Benchmarks of the npm package in Node, each beside its baseline measured in the same run:
//  - resolve at 100k names through the package, beside a plain JS Map of the same records;
//  - registrations applied per second (`submit` of signed entry blocks), beside the native
//    core's `apply/register` criterion median (read from target/criterion, written by
//    `cargo bench --bench core` just before: `bash scripts/bench.sh package`).
// Prints medians and ratios. Run: node benches/package.mjs [names]
import { readFileSync } from 'node:fs';
import { open, generateKeys } from 'vns';

const NAMES = Number(process.argv[2] ?? 100_000);
const ROUNDS = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hour = 3_600_000;
const quiet = { tickIntervalMs: hour, sweepIntervalMs: hour, saveDelayMs: hour };

/** Signed registrations of `count` names by a few owners, as entry blocks. */
async function signedBlocks(count, prefix) {
  const client = await open({ storage: 'memory', network: 'testing', registrationsPerHour: 1e9, ...quiet });
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

/** Nanoseconds per call of `fn(i)` over `n` calls, median of ROUNDS rounds. */
async function perCall(n, fn) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn(i);
    rounds.push(Number(process.hrtime.bigint() - t) / n);
  }
  return median(rounds);
}

console.log(`==> building ${NAMES.toLocaleString('en')} signed registrations`);
let t = performance.now();
const blocks = await signedBlocks(NAMES, 'bench');
console.log(`    ${((performance.now() - t) / 1000).toFixed(1)} s (proof-of-work at difficulty 4 and signing, in wasm)`);

// Registrations applied per second: submit the blocks into fresh nodes, 10k at a time.
const APPLY = Math.min(10_000, NAMES);
const applyRounds = [];
for (let r = 0; r < 5; r++) {
  const node = await open({ storage: 'memory', network: 'testing', registrationsPerHour: 1e9, ...quiet });
  const start = process.hrtime.bigint();
  for (let i = 0; i < APPLY; i++) node.submit(blocks[(r * APPLY + i) % NAMES]);
  applyRounds.push(Number(process.hrtime.bigint() - start) / APPLY);
  await node.close();
}
const applyNs = median(applyRounds);
let nativeNs;
try {
  const est = JSON.parse(readFileSync('target/criterion/apply/register/new/estimates.json', 'utf8'));
  nativeNs = est.median.point_estimate;
} catch {
  nativeNs = undefined;
}

// Resolve at NAMES names.
const node = await open({ storage: 'memory', network: 'testing', registrationsPerHour: 1e9, ...quiet });
for (const b of blocks) node.submit(b);
const names = Array.from({ length: NAMES }, (_, i) => `bench${i}.vfs`);
const map = new Map();
for (const name of names) map.set(name, await node.resolve(name));
// The same random order for both, so cache effects match.
const order = Array.from({ length: NAMES }, () => names[Math.floor(Math.random() * NAMES)]);
const viaPackage = await perCall(NAMES, (i) => node.resolve(order[i]));
const viaMap = await perCall(NAMES, (i) => map.get(order[i]));
const viaPackageSync = (() => {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < NAMES; i++) node.resolveSync(order[i]);
    rounds.push(Number(process.hrtime.bigint() - t0) / NAMES);
  }
  return median(rounds);
})();
const viaMapSync = (() => {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    let hits = 0;
    for (let i = 0; i < NAMES; i++) if (map.get(order[i])) hits++;
    rounds.push(Number(process.hrtime.bigint() - t0) / NAMES);
    if (hits !== NAMES) throw new Error('map lookups missed');
  }
  return median(rounds);
})();
await node.close();

const f = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
console.log(`==> package benchmarks (Node ${process.version}, medians of ${ROUNDS} rounds)`);
console.log(`resolve @${NAMES / 1000}k: await vns.resolve ${f(viaPackage)} vs await Map.get ${f(viaMap)} -> ${(viaPackage / viaMap).toFixed(2)}x (target <= 5x)`);
console.log(`resolve @${NAMES / 1000}k: vns.resolveSync ${f(viaPackageSync)} vs Map.get ${f(viaMapSync)} -> ${(viaPackageSync / viaMapSync).toFixed(2)}x (target <= 5x)`);
const perSec = (ns) => Math.round(1e9 / ns).toLocaleString('en');
console.log(`apply registration: package submit ${f(applyNs)} (${perSec(applyNs)}/s)` +
  (nativeNs ? `; native apply/register ${f(nativeNs)} (${perSec(nativeNs)}/s) -> ${(applyNs / nativeNs).toFixed(2)}x` : '; native figure missing (run cargo bench --bench core first)'));
