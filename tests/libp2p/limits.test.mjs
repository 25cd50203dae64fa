// @ts-check
/**
 * The inbound connection limits of a VNS libp2p node, in one process: a burst of dials from
 * one address beyond `--libp2p-inbound-rate` is refused by js-libp2p's connection manager
 * (on loopback every node is that one address), the same burst is taken whole when the
 * address is on `--libp2p-allow` or the rate is raised, `status.libp2p.options` says what the
 * node runs with, and the flags are read and checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../js/libp2p/polyfill.js';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { open } from 'vns';
import { startLibp2p } from '../../js/libp2p/node.js';
import { libp2pOptionsFromFlags, LIBP2P_DEFAULTS, LIBP2P_USAGE } from '../../js/libp2p/options.js';

/** Peers dialling at once: more than the default rate of 5 a second from one address. */
const BURST = 12;

/**
 * A VNS libp2p node with `options`, dialled by `BURST` fresh peers at once; how many of the
 * dials got a connection, and the node's status.
 * @param {Partial<import('../../js/libp2p/node.js').Libp2pOptions>} options
 */
async function burstAgainst(options) {
  const vns = await open({ storage: 'memory', network: 'testing' });
  const node = await startLibp2p(vns, { data: null, listen: ['/ip4/127.0.0.1/tcp/0'], ...options });
  const peers = await Promise.all(
    Array.from({ length: BURST }, () => createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })),
  );
  try {
    const target = multiaddr(node.addresses()[0]);
    const dials = await Promise.allSettled(peers.map((p) => p.dial(target, { signal: AbortSignal.timeout(30_000) })));
    return { accepted: dials.filter((d) => d.status === 'fulfilled').length, status: node.status() };
  } finally {
    await Promise.all(peers.map((p) => p.stop()));
    await vns.close();
  }
}

test('by default a burst of dials from one address is cut at the per-address rate', async () => {
  const { accepted, status } = await burstAgainst({});
  assert.equal(status.options.inboundPerSecond, LIBP2P_DEFAULTS.inboundPerSecond);
  assert.deepEqual(status.options.allow, []);
  assert.ok(accepted >= 1 && accepted < BURST, `${accepted} of ${BURST} dials accepted`);
});

test('an address on the allow list has its whole burst accepted', async () => {
  const { accepted, status } = await burstAgainst({ allow: ['/ip4/127.0.0.0/ipcidr/8'] });
  assert.deepEqual(status.options.allow, ['/ip4/127.0.0.0/ipcidr/8']);
  assert.equal(accepted, BURST);
});

test('a higher per-address rate accepts the burst too', async () => {
  const { accepted, status } = await burstAgainst({ inboundPerSecond: 50 });
  assert.equal(status.options.inboundPerSecond, 50);
  assert.equal(accepted, BURST);
});

test('the limit flags are read, checked and listed', () => {
  const values = {
    libp2p: true,
    'libp2p-allow': ['/ip4/127.0.0.1', '/ip6/::1/ipcidr/128', '/ip4/10.0.0.0/ipcidr/8'],
    'libp2p-inbound-rate': '20',
    'libp2p-pending-upgrades': '64',
  };
  assert.deepEqual(libp2pOptionsFromFlags(values), {
    allow: ['/ip4/127.0.0.1', '/ip6/::1/ipcidr/128', '/ip4/10.0.0.0/ipcidr/8'],
    inboundPerSecond: 20,
    pendingUpgrades: 64,
  });
  for (const bad of ['127.0.0.1', '/ip4/127.0.0.256', '/ip4/10.0.0.0/ipcidr/33', '/ip6/::1/ipcidr/129', '/ip4/1.2.3.4/tcp/1', '/dns4/example.com', '/ip6/1.2.3.4', '/ip4/10.0.0.0/ipcidr/', '']) {
    assert.throws(() => libp2pOptionsFromFlags({ libp2p: true, 'libp2p-allow': [bad] }), /--libp2p-allow: expected \/ip4\/ADDR/, JSON.stringify(bad));
  }
  for (const bad of ['0', '-1', '1.5', 'x', ' 3', '']) {
    assert.throws(() => libp2pOptionsFromFlags({ libp2p: true, 'libp2p-inbound-rate': bad }), /--libp2p-inbound-rate: expected a positive integer/, JSON.stringify(bad));
  }
  assert.throws(() => libp2pOptionsFromFlags({ 'libp2p-allow': ['/ip4/127.0.0.1'] }), /--libp2p-allow needs --libp2p/);
  for (const flag of ['--libp2p-allow RANGE', '--libp2p-inbound-rate N', '--libp2p-pending-upgrades N']) assert.ok(LIBP2P_USAGE.includes(flag), flag);
});
