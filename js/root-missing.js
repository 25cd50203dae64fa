// @ts-check
/** The error both Node storages give for stored blocks without a root pointer. */

/**
 * `storage.root_missing`: `what` (where the blocks are and which pointer is gone) plus what an
 * operator can do. Starting anyway would show an empty namespace, and a later garbage
 * collection would delete those blocks.
 * @param {string} what
 */
export function rootMissing(what) {
  const message =
    `${what}: starting would show an empty namespace and a later garbage collection would ` +
    'delete those blocks. Restore the root pointer from a backup, or start with --force-empty ' +
    '(open option forceEmpty) to start empty and keep the blocks on disk.';
  return Object.assign(new Error(message), { code: 'storage.root_missing' });
}
