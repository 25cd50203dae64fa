// Deno smoke test of the built package through its browser/Deno entry (the wasm is fetched
// from a file: URL). Deno's resource and timer sanitizers also check that close() clears
// every timer. Run: npx deno test --allow-read tests/deno/
import { open, generateKeys } from '../../js/index.js';

function assertEquals(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

Deno.test('register and resolve in Deno', async () => {
  const vns = await open({ storage: 'memory', network: 'testing', difficulty: 4 });
  try {
    const keys = generateKeys();
    await vns.register(keys, 'deno-user', [{ type: 'TXT', value: 'hello from deno' }]);
    const resolved = await vns.resolve('deno-user.vfs');
    assertEquals(resolved.records, [{ type: 'TXT', value: 'hello from deno', ttl: 3600 }], 'records');
    assertEquals(resolved.owner, keys.peerId, 'owner');
    let code;
    try {
      await vns.resolve('nobody');
    } catch (e) {
      code = e instanceof Error ? e.code : undefined;
    }
    assertEquals(code, 'resolve.not_found', 'error code');
  } finally {
    await vns.close();
  }
});
