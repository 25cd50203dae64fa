// @ts-check
/**
 * A mixed network with a browser in it: two libp2p-only nodes, one node with both transports,
 * one WebSocket-only node, and a headless Chromium page on the WebSocket-only node. A name
 * registered in the page travels page -> WebSocket node -> bridge -> gossipsub and resolves on
 * the libp2p-only nodes; a name POSTed to a libp2p-only node comes back the other way and
 * resolves, verified, in the page.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, openPage, waitOnline, registerInPage, resolveVerifiedInPage } from '../e2e/helpers.mjs';
import { Registrar } from '../multinode/harness.mjs';
import { Libp2pServe, Libp2pCluster, eventually } from './harness.mjs';

test('a name registered in a page on a WebSocket-only node resolves on libp2p-only nodes, and back', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'vns-libp2p-page-'));
  const bridge = new Libp2pServe(1, join(root, 'bridge'));
  /** @type {Libp2pServe[]} */
  const started = [bridge];
  t.after(async () => {
    await Promise.all(started.map((n) => n.stop()));
    await rm(root, { recursive: true, force: true });
  });
  const [browser] = await Promise.all([launchBrowser(t), bridge.start()]);
  const libp2pOnly = [2, 3].map((id) => new Libp2pServe(id, join(root, `p2p${id}`), { bootstrap: [bridge.tcpAddress] }));
  const wsOnly = new Libp2pServe(4, join(root, 'ws'), { libp2p: false, extraArgs: ['--peer', bridge.wsUrl] });
  started.push(...libp2pOnly, wsOnly);
  await Promise.all([...libp2pOnly, wsOnly].map((n) => n.start()));
  const p2p = new Libp2pCluster([bridge, ...libp2pOnly], root);
  await p2p.waitMeshed({ timeoutMs: 120_000 });
  // Neither libp2p-only node has a WebSocket peer: what reaches them comes over libp2p. A
  // link counts from its stream's opening, its session once the handshake is done, so the
  // two are compared once they agree (a link still in its handshake is no WebSocket peer).
  for (const node of libp2pOnly) {
    const status = await eventually(async () => {
      const s = await node.status();
      return s.peers === s.libp2p.links && s;
    }, { timeoutMs: 30_000, what: `node ${node.id}: every sync session a libp2p link` });
    assert.equal(status.peers, status.libp2p.links, `node ${node.id}: every sync session is a libp2p link`);
  }

  const { page } = await openPage(await browser.newContext(), wsOnly.url, { t });
  await waitOnline(page);
  await registerInPage(page, 'from-page', '192.0.2.81');
  await page.locator('#register-result [data-outcome=sent]').waitFor({ timeout: 30_000 });
  const owner = await page.locator('#register-result dl.facts code').innerText();
  await p2p.waitResolved([{ name: 'from-page.vfs', owner }], { nodes: libp2pOnly, timeoutMs: 15_000 });
  const there = await libp2pOnly[1].resolve('from-page.vfs');
  assert.deepEqual(there.body.records.map((/** @type {{ value: string }} */ r) => r.value), ['192.0.2.81']);

  const registrar = await Registrar.create(libp2pOnly[0]);
  t.after(() => registrar.close());
  const back = await registrar.build('from-libp2p', [{ type: 'A', value: '192.0.2.82' }]);
  assert.equal((await libp2pOnly[0].post(back.bytes)).status, 200);
  const result = await resolveVerifiedInPage(page, 'from-libp2p.vfs');
  const records = await result.locator('table.records tbody tr').allInnerTexts();
  assert.deepEqual(records.map((r) => r.split('\t').slice(0, 2)), [['A', '192.0.2.82']]);
  assert.match(await result.innerText(), new RegExp(back.owner));
});
