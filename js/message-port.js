// @ts-check
/**
 * A peer over a `MessagePort` (browser tabs, workers and iframes through `MessageChannel` or
 * `BroadcastChannel`-less setups; Node's `worker_threads` ports too). Frames are posted as
 * bytes; a `{ bye }` message tells the other side the link is closing, because a port has no
 * portable close event.
 *
 * ```js
 * const { port1, port2 } = new MessageChannel();
 * attachMessagePort(tabA, port1);
 * attachMessagePort(tabB, port2); // in practice, port2 was posted to the other context
 * ```
 * @module
 */

/** @typedef {import('./core.js').Vns} Vns */

/**
 * The part of the MessagePort API used here (browser, Deno and Node ports all have it).
 * @typedef {{
 *   postMessage(message: unknown): void,
 *   close(): void,
 *   start?(): void,
 *   addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void,
 * }} PortLike
 */

/**
 * Connects `port` to `vns` as one peer. Returns `close()`, which also tells the other side.
 * @param {Vns} vns
 * @param {PortLike} port
 * @returns {{ close(): void, closed: Promise<void> }}
 */
export function attachMessagePort(vns, port) {
  /** @type {() => void} */
  let done = () => {};
  /** @type {Promise<void>} */
  const closed = new Promise((resolve) => (done = resolve));
  let open = true;
  const shut = () => {
    if (!open) return;
    open = false;
    unregister();
    handle.closed();
    port.close();
    done();
  };
  const handle = vns.attach({
    send: (bytes) => {
      if (!open) throw new Error('port closed');
      port.postMessage(bytes);
    },
    close: (code, reason) => {
      if (open) port.postMessage({ bye: `${code}: ${reason}` });
      shut();
    },
  });
  const unregister = vns.onClose(() => {
    if (open) port.postMessage({ bye: 'vns.closing: node closing' });
    shut();
  });
  port.addEventListener('message', ({ data }) => {
    if (!open) return;
    if (data instanceof Uint8Array) handle.receive(data);
    else if (data && typeof data === 'object' && 'bye' in data) shut();
    // Anything else is not a VNS frame: hand the node an empty one so it closes the peer.
    else handle.receive(new Uint8Array(0));
  });
  port.start?.();
  return {
    close() {
      if (open) port.postMessage({ bye: 'vns.closing: link closed' });
      shut();
    },
    closed,
  };
}
