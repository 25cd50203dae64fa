// @ts-check
// Signalling through a real signalling hub without a WebSocket: each SignalLink is one hub
// session, so the tests exercise the node's checks and relaying with the transport left out.
import { signalHub } from '../../js/server-signal.js';
import { decodeSignal, encodeSignal } from '../../js/webrtc-signal.js';

/** @typedef {import('../../js/websocket.js').SignalLink} SignalLink */
/** @typedef {import('../../js/websocket.js').SignalListener} SignalListener */

/**
 * A hub and a way to join it.
 * @param {import('../../js/server-signal.js').HubOptions} [options]
 */
export function localHub(options) {
  const hub = signalHub(options);
  return {
    hub,
    /**
     * A client link on the hub; `closed` settles if the hub closes it (a fault).
     * @returns {SignalLink & { closed: Promise<string>, end(): void, sendText(text: string): void }}
     */
    join() {
      /** @type {Set<SignalListener>} */
      const listeners = new Set();
      let open = true;
      /** @type {(code: string) => void} */
      let settle = () => {};
      /** @type {Promise<string>} */
      const closed = new Promise((resolve) => (settle = resolve));
      const side = hub.session((code) => {
        open = false;
        settle(code);
        for (const l of listeners) l.close?.();
      });
      side.open((text) => {
        // Asynchronous like a socket, so that no listener runs inside the sender's call.
        queueMicrotask(() => {
          if (!open) return;
          const frame = decodeSignal(text, 'down');
          for (const l of listeners) l.frame?.(frame);
        });
      });
      return {
        get open() {
          return open;
        },
        send(frame) {
          if (!open) return false;
          side.message(encodeSignal(frame));
          return true;
        },
        /** Sends raw text, as a hostile client would. @param {string} text */
        sendText(text) {
          side.message(text);
        },
        listen(listener) {
          listeners.add(listener);
          if (open) queueMicrotask(() => listener.open?.());
          return () => listeners.delete(listener);
        },
        closed,
        end() {
          open = false;
          side.close();
        },
      };
    },
  };
}
