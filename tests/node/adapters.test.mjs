// Every network adapter through the shared acceptance suite, on real transports: WebSocket
// (npm ws server, ws client with reconnect, loopback TCP) and MessagePort (MessageChannel).
import { once } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import WebSocket from 'ws';
import { serveWebSocket, connectWebSocket, attachMessagePort } from 'vns';
import { adapterSuite } from 'vns/testing';

/** @typedef {import('../../js/core.js').Vns} Vns */
/** @typedef {import('../../js/message-port.js').PortLike} PortLike */

/**
 * Node's MessagePort as the shim's port type: @types/node declares its listeners as taking a
 * plain `Event`, while at run time they get a `MessageEvent` with the `data` the shim reads.
 * @param {import('node:worker_threads').MessagePort} port
 */
const asPort = (port) => /** @type {PortLike} */ (/** @type {unknown} */ (port));

adapterSuite('WebSocket', () => {
  /** @type {Awaited<ReturnType<typeof serveWebSocket>>} */
  let listening;
  return {
    async link(server, client) {
      listening = await serveWebSocket(server, { port: 0 });
      connectWebSocket(client, `ws://127.0.0.1:${listening.port}`, { minDelayMs: 20, maxDelayMs: 200 });
      return {
        // The server goes away (all its sockets close); the client keeps redialling.
        cut: () => listening.close(),
        heal: async () => {
          listening = await serveWebSocket(server, { port: listening.port });
        },
      };
    },
    async garbage() {
      const raw = new WebSocket(`ws://127.0.0.1:${listening.port}`);
      await once(raw, 'open');
      raw.send('this is text, not a VNS frame');
      await once(raw, 'close');
    },
  };
});

adapterSuite('MessagePort', () => {
  /** @param {Vns} server @param {Vns} client */
  const open = (server, client) => {
    const { port1, port2 } = new MessageChannel();
    return { server: attachMessagePort(server, asPort(port1)), client: attachMessagePort(client, asPort(port2)) };
  };
  return {
    async link(server, client) {
      let ends = open(server, client);
      return {
        cut: async () => {
          ends.server.close();
          await ends.client.closed;
        },
        heal: async () => {
          ends = open(server, client);
        },
      };
    },
    async garbage(server) {
      const { port1, port2 } = new MessageChannel();
      const end = attachMessagePort(server, asPort(port1));
      port2.postMessage('this is text, not a VNS frame');
      await end.closed;
      port2.close();
    },
  };
});
