// @ts-check
/**
 * What js-libp2p 3 expects of the runtime and Node 20 lacks, installed by the package itself
 * before any libp2p module runs (`js/libp2p/node.js` imports this first); where the runtime
 * has it (Node 22), nothing changes. `Promise.withResolvers`: js-libp2p calls it. A global
 * `WebSocket`: `@libp2p/websockets` dials with it (its listener uses npm `ws`), so without it
 * every dial of a `/ws` address fails with "WebSocket is not defined"; npm `ws`'s client,
 * which has the same interface, takes its place.
 * @module
 */
import { WebSocket as WsWebSocket } from 'ws';

/** `Promise` as Node 22 has it (TypeScript's es2022 library does not declare the method). */
const PromiseNow = /** @type {PromiseConstructor & { withResolvers?: unknown }} */ (Promise);

if (typeof PromiseNow.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      /** @type {(value: unknown) => void} */ let resolve = () => {};
      /** @type {(reason?: unknown) => void} */ let reject = () => {};
      const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

if (typeof globalThis.WebSocket !== 'function') {
  Object.defineProperty(globalThis, 'WebSocket', { configurable: true, writable: true, value: WsWebSocket });
}
