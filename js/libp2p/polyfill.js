// @ts-check
/**
 * `Promise.withResolvers` for Node 20. js-libp2p 3 calls it, and Node only has it from 22;
 * VNS supports Node 20, so the package installs it itself, before any libp2p module runs
 * (`js/libp2p/node.js` imports this first). Where the runtime has it, nothing changes.
 * @module
 */

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
