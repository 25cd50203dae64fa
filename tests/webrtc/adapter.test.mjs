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
      pc.addEventListener('icecandidate', (e) => {
        const c = /** @type {RTCPeerConnectionIceEvent} */ (e).candidate;
        if (c?.candidate) signalling.send({ type: 'signal', to: target, data: { candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } } });
      });
      /** This client's id, from the node's welcome. @type {(id: string) => void} */
      let welcomed = () => {};
      /** @type {Promise<string>} */
      const self = new Promise((resolve) => (welcomed = resolve));
      /** @type {(description: { type: 'offer' | 'answer', sdp: string }) => void} */
      let described = () => {};
      /** The server's description: its answer to this client's offer, or its own offer. @type {Promise<{ type: 'offer' | 'answer', sdp: string }>} */
      const description = new Promise((resolve) => (described = resolve));
      signalling.listen({
        open: () => signalling.send({ type: 'announce' }),
        frame: (f) => {
          if (f.type === 'welcome') welcomed(f.id);
          if (f.type !== 'signal' || f.from !== target) return;
          if ('sdp' in f.data) described(f.data.sdp);
          else if ('candidate' in f.data) pc.addIceCandidate(f.data.candidate).catch(() => {});
        },
      });
      // As the protocol has it: the smaller id calls, and the server calls a larger one.
      /** @type {RTCDataChannel} */
      let channel;
      if ((await self) < target) {
        channel = pc.createDataChannel('vns');
        await pc.setLocalDescription(await pc.createOffer());
        const local = /** @type {RTCSessionDescription} */ (pc.localDescription);
        signalling.send({ type: 'signal', to: target, data: { sdp: { type: 'offer', sdp: local.sdp }, peers: 0 } });
        // An offer of the server's own that crossed this one loses (rule 4): wait for the answer.
        let answer = await description;
        while (answer.type !== 'answer') answer = await new Promise((resolve) => (described = resolve));
        await pc.setRemoteDescription(answer);
      } else {
        const offered = new Promise((resolve) => pc.addEventListener('datachannel', (e) => resolve(/** @type {RTCDataChannelEvent} */ (e).channel), { once: true }));
        await pc.setRemoteDescription(await description);
        await pc.setLocalDescription(await pc.createAnswer());
        const local = /** @type {RTCSessionDescription} */ (pc.localDescription);
        signalling.send({ type: 'signal', to: target, data: { sdp: { type: 'answer', sdp: local.sdp }, peers: 0 } });
        channel = /** @type {RTCDataChannel} */ (await offered);
      }
      if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
      /** @type {Promise<unknown>} */
      const closed = new Promise((resolve) => channel.addEventListener('close', resolve, { once: true }));
      channel.send('this is text, not a VNS frame');
      await closed;
      pc.close();
      signalling.end();
    },
  };
});
