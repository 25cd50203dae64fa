// @ts-check
/**
 * Discovery's pace, against a stand-in libp2p whose DHT counts its queries, under mocked
 * timers: an idle node in a network smaller than the peers it wants, or one that has them,
 * searches the DHT a few times in half an hour, not every 30 s; a manifest that is not in
 * the DHT is not asked for on every search; pauses are jittered.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { startDiscovery, nextSearch, jittered, SEARCH_MS } from '../../js/libp2p/discovery.js';
import { signManifest } from '../../js/libp2p/manifest.js';

/**
 * A libp2p stand-in: `providers` are in the DHT, dialling one connects it, and a manifest
 * read finds what `manifestOf` returns (nothing: missing).
 * @param {import('@libp2p/interface').PeerId} self
 * @param {import('@libp2p/interface').PeerId[]} providers
 * @param {(peer: string) => Promise<Uint8Array | undefined>} manifestOf
 */
function fakeLibp2p(self, providers, manifestOf) {
  const counts = { findProviders: 0, get: 0, dial: 0 };
  /** @type {Set<string>} */
  const connected = new Set();
  const libp2p = {
    peerId: self,
    getMultiaddrs: () => [],
    /** @param {import('@libp2p/interface').PeerId} [peer] */
    getConnections: (peer) => (peer ? (connected.has(peer.toString()) ? [{ remotePeer: peer }] : []) : [...connected].map((id) => ({ remotePeer: { toString: () => id } }))),
    /** @param {import('@libp2p/interface').PeerId} peer */
    dial: async (peer) => {
      counts.dial += 1;
      connected.add(peer.toString());
    },
    addEventListener: () => {},
    removeEventListener: () => {},
    services: {
      dht: {
        async *findProviders() {
          counts.findProviders += 1;
          yield { name: 'PROVIDER', providers: providers.map((id) => ({ id })) };
        },
        /** @param {Uint8Array} key */
        async *get(key) {
          counts.get += 1;
          const value = await manifestOf(new TextDecoder().decode(key).split('/').at(-1) ?? '');
          if (value) yield { name: 'VALUE', value };
        },
        async *provide() {},
        async *put() {},
      },
    },
  };
  return { libp2p, counts };
}

/** Lets the discovery's awaited work run between timer ticks. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * Runs discovery for `minutes` of mocked time, ticking 500 ms at a time.
 * @param {{ providers: number, wantedPeers: number, minutes: number, missingManifests?: number }} setup
 */
async function idleRun({ providers: count, wantedPeers, minutes, missingManifests = 0 }) {
  const privateKey = await generateKeyPair('Ed25519');
  const self = peerIdFromPrivateKey(privateKey);
  const keys = await Promise.all(Array.from({ length: count }, () => generateKeyPair('Ed25519')));
  const providers = keys.map((k) => peerIdFromPrivateKey(k));
  let clock = 1_000_000;
  /** @param {string} peer */
  const manifestOf = async (peer) => {
    const i = providers.findIndex((p) => p.toString() === peer);
    if (i < missingManifests) return undefined;
    return (await signManifest(keys[i], { network: 'ab', addrs: [], root: 'root', entries: 0, time: clock })).value;
  };
  const { libp2p, counts } = fakeLibp2p(self, providers, manifestOf);
  mock.timers.enable({ apis: ['setTimeout'] });
  const vns = /** @type {never} */ ({ networkId: 'ab', merkleRoot: () => 'root', size: 0 });
  const discovery = startDiscovery(/** @type {never} */ (libp2p), vns, { privateKey, bootstrap: [], wantedPeers, now: () => clock });
  try {
    for (let t = 0; t < minutes * 60_000; t += 500) {
      clock += 500;
      mock.timers.tick(500);
      await settle();
    }
    return { counts, status: discovery.status() };
  } finally {
    discovery.stop();
    mock.timers.reset();
  }
}

test('a node in a network smaller than the peers it wants searches the DHT a few times in 30 min, not every 30 s', async () => {
  const { counts, status } = await idleRun({ providers: 4, wantedPeers: 8, minutes: 30 });
  assert.equal(status.providers, 4);
  assert.ok(counts.dial >= 4, `it dialled the providers (${counts.dial} dials)`);
  // Back-off 4, 8, … 256 s, then every 5 min ± 20 %: about 13 searches (every 30 s: ~60).
  assert.ok(counts.findProviders <= 16, `${counts.findProviders} DHT provider queries in 30 idle minutes`);
  assert.equal(counts.findProviders, status.searches);
});

test('a node with the peers it wants searches about every 5 min', async () => {
  const { counts } = await idleRun({ providers: 4, wantedPeers: 2, minutes: 30 });
  assert.ok(counts.findProviders >= 4 && counts.findProviders <= 9, `${counts.findProviders} DHT provider queries in 30 minutes`);
});

test('a manifest missing from the DHT is not asked for again on every search', async () => {
  const { counts, status } = await idleRun({ providers: 4, wantedPeers: 8, minutes: 10, missingManifests: 2 });
  assert.equal(status.manifests, 2);
  // Two missing manifests, each asked for at most once a minute (and only during a search).
  assert.ok(counts.get <= 2 + 2 * Math.min(status.searches, 10), `${counts.get} manifest reads in ${status.searches} searches`);
  assert.ok(counts.get < 2 + 2 * status.searches, `${counts.get} manifest reads: not two for every one of ${status.searches} searches`);
});

test('the pause after a search backs off while nobody new is found, and is jittered', () => {
  let idleMs = 0;
  const pauses = [];
  for (let i = 0; i < 10; i++) {
    const next = nextSearch({ dials: 0, waiting: false, enough: false, idleMs });
    idleMs = next.idleMs;
    pauses.push(next.ms);
  }
  assert.deepEqual(pauses.slice(0, 3), [4_000, 8_000, 16_000]);
  assert.equal(pauses.at(-1), SEARCH_MS.long);
  assert.equal(nextSearch({ dials: 1, waiting: false, enough: false, idleMs }).ms, SEARCH_MS.short);
  assert.equal(nextSearch({ dials: 0, waiting: false, enough: true, idleMs: 0 }).ms, SEARCH_MS.long);
  assert.equal(jittered(10_000, () => 0), 8_000);
  assert.equal(jittered(10_000, () => 1), 12_000);
});
