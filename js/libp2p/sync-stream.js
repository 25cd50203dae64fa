// @ts-check
/**
 * Catch-up over libp2p: the stream protocol `/vns/sync/1` carries the same sync frames as a
 * WebSocket link, each prefixed by its length (an unsigned varint), into the same core sync
 * node, so the merkle diff, its limits and the hostile-peer rules are one implementation.
 * The link is a catch-up link (`Vns.attach(…, { catchUp: true })`): live deltas travel on the
 * topic. The side that opened the connection opens the stream, so a pair of nodes has one.
 *
 * ```js
 * const links = syncStreams(libp2p, vns, { onLink: (peer, closed) => … });
 * await links.open(connection);   // for a connection this node dialled
 * ```
 * @module
 */
import { LengthPrefixedDecoder } from '@libp2p/utils';
import * as lp from 'it-length-prefixed';

/** The stream protocol of VNS catch-up links. */
export const SYNC_PROTOCOL = '/vns/sync/1';

/**
 * What `syncStreams` reports about each link: the remote peer ID, and a promise that
 * settles when the link closes.
 * @typedef {(peer: string, closed: Promise<void>) => void} OnLink
 */

/**
 * Carries one stream as one catch-up link of `vns` until either side closes it. A frame
 * larger than the core's frame limit closes the stream (its length alone is refused, the
 * frame is never buffered).
 * @param {import('../core.js').Vns} vns
 * @param {import('@libp2p/interface').Stream} stream
 * @param {number} maxFrameBytes
 * @returns {Promise<void>} settles when the link closed
 */
export function carry(vns, stream, maxFrameBytes) {
  const decoder = new LengthPrefixedDecoder({ maxDataLength: maxFrameBytes, maxBufferSize: maxFrameBytes + 16 });
  const handle = vns.attach(
    {
      send: (bytes) => {
        if (stream.status !== 'open') throw new Error('stream not open');
        stream.send(lp.encode.single(bytes));
      },
      close: (code, reason) => {
        stream.abort(Object.assign(new Error(`${code}: ${reason}`), { code }));
      },
    },
    { catchUp: true },
  );
  stream.addEventListener('message', (event) => {
    try {
      for (const frame of decoder.decode(event.data)) handle.receive(frame.subarray());
    } catch {
      // An oversized or malformed length: hand the node an empty frame, which it refuses
      // with a Bye naming the error, then close.
      handle.receive(new Uint8Array(0));
      stream.abort(new Error('sync.malformed: bad frame length'));
    }
  });
  return new Promise((resolve) => {
    stream.addEventListener('close', () => {
      handle.closed();
      resolve();
    });
  });
}

/**
 * Serves `/vns/sync/1` on `libp2p` and opens it on the connections this node dialled.
 * @param {import('libp2p').Libp2p} libp2p
 * @param {import('../core.js').Vns} vns
 * @param {{ onLink?: OnLink }} [options]
 */
export async function syncStreams(libp2p, vns, { onLink } = {}) {
  const maxFrameBytes = vns.network.limits.maxFrameBytes;
  await libp2p.handle(
    SYNC_PROTOCOL,
    (stream, connection) => {
      if (vns.closed) return stream.abort(new Error('vns.closing'));
      onLink?.(connection.remotePeer.toString(), carry(vns, stream, maxFrameBytes));
    },
    { runOnLimitedConnection: false },
  );
  return {
    /**
     * Opens the catch-up link on `connection`; a peer that does not speak it (not a VNS
     * node, or another version) is left alone.
     * @param {import('@libp2p/interface').Connection} connection
     */
    async open(connection) {
      if (vns.closed || connection.status !== 'open') return;
      try {
        const stream = await connection.newStream(SYNC_PROTOCOL);
        onLink?.(connection.remotePeer.toString(), carry(vns, stream, maxFrameBytes));
      } catch {
        // Unsupported protocol or a connection that went away: no link.
      }
    },
  };
}
