// @ts-check
// The WebRTC adapter through the shared network adapter acceptance suite, on real
// node-datachannel connections over loopback, signalled through a real signalling hub.
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { connectWebRTC } from 'vns';
import { adapterSuite, eventually } from 'vns/testing';
import { localHub } from './hub-link.mjs';

/** @typedef {import('../../js/core.js').Vns} Vns */

/** Fast timers: everything is on loopback. */
const FAST = { minDelayMs: 50, maxDelayMs: 500, discoverIntervalMs: 200, connectTimeoutMs: 5_000 };

adapterSuite('WebRTC', () => {
  const { join } = localHub();
  /** @type {Array<ReturnType<typeof connectWebRTC>>} */
  let managers = [];
  /** @type {ReturnType<typeof connectWebRTC> | undefined} */
  let serverSide;
  /** @param {Vns} server @param {Vns} client */
  const start = (server, client) => {
    serverSide = connectWebRTC(server, { signalling: join(), ...FAST });
    managers = [serverSide, connectWebRTC(client, { signalling: join(), ...FAST })];
  };
  return {
    async link(server, client) {
      start(server, client);
      return {
        // Both ends' connections close, as when the network between them goes away.
        cut: async () => {
          for (const m of managers) m.stop();
        },
        heal: async () => start(server, client),
      };
    },
    async garbage() {
      const target = await eventually(() => serverSide?.id, { timeoutMs: 5_000, what: 'server session id' });
      const signalling = join();
      const pc = new RTCPeerConnection({ iceServers: [] });
      const channel = pc.createDataChannel('vns');
      pc.addEventListener('icecandidate', (e) => {
        const c = /** @type {RTCPeerConnectionIceEvent} */ (e).candidate;
        if (c?.candidate) signalling.send({ type: 'signal', to: target, data: { candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } } });
      });
      /** @type {Promise<void>} */
      const answered = new Promise((resolve) => {
        signalling.listen({
          open: () => signalling.send({ type: 'announce' }),
          frame: (f) => {
            if (f.type !== 'signal') return;
            // The server may call this client too: only the answer to its own offer counts.
            if ('sdp' in f.data) {
              if (f.data.sdp.type === 'answer') pc.setRemoteDescription(f.data.sdp).then(() => resolve());
            }
            else if ('candidate' in f.data) pc.addIceCandidate(f.data.candidate).catch(() => {});
          },
        });
      });
      await eventually(() => signalling.open, { what: 'hub' });
      await new Promise((resolve) => setTimeout(resolve, 20)); // the welcome
      await pc.setLocalDescription(await pc.createOffer());
      const local = /** @type {RTCSessionDescription} */ (pc.localDescription);
      signalling.send({ type: 'signal', to: target, data: { sdp: { type: 'offer', sdp: local.sdp }, peers: 0 } });
      await answered;
      await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
      /** @type {Promise<unknown>} */
      const closed = new Promise((resolve) => channel.addEventListener('close', resolve, { once: true }));
      channel.send('this is text, not a VNS frame');
      await closed;
      pc.close();
      signalling.end();
    },
  };
});
