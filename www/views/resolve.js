// @ts-check
/**
 * Resolve: a name's records, owner and expiry from the page's own client, with what verified
 * it: in full mode the merkle proof that the answer is in the tree under the local root,
 * checked here; in light mode the light client's check of the entry and its proof against the
 * node's root, and whether the answer is current or possibly stale. Then the node's answer,
 * its proof checked against the node's root.
 * @module
 */
import { canonicalName } from 'vns';
import { h, byId, recordsTable, nameFacts, errorMessage, errorCode, formatTime } from '../ui.js';
import { historyPanel } from './history.js';
import { toBase64, fromBase64 } from '../keystore.js';

/** @typedef {import('../session.js').Session} Session */
/** @typedef {import('../../js/core.js').NameProof} NameProof */

/**
 * @param {Session} session
 * @returns {{ show(name: string): void }}
 */
export function mountResolve(session) {
  const form = byId('resolve-form');
  const input = /** @type {HTMLInputElement} */ (byId('resolve-name'));
  const out = byId('resolve-result');
  /** @type {string | undefined} */
  let current;
  let generation = 0;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    show(input.value);
  });
  // A name on screen that changes (a peer's update arriving) is shown again.
  session.addEventListener('change', (event) => {
    const { name } = /** @type {CustomEvent<{ name: string }>} */ (event).detail;
    if (name === current) void render(name);
  });

  /** @param {string} typed */
  function show(typed) {
    if (!typed.trim()) return;
    let name;
    try {
      // The core's spelling, which change events carry (`münchen` is `xn--mnchen-3ya.vfs`).
      name = canonicalName(typed.trim());
    } catch (error) {
      current = undefined;
      generation += 1;
      out.replaceChildren(h('h3', {}, typed), h('div', { 'data-state': errorCode(error) ?? 'error' }, errorMessage(error, { class: 'notice' })));
      return;
    }
    current = name;
    input.value = current;
    void render(current);
  }

  /** @param {string} name */
  async function render(name) {
    const mine = (generation += 1);
    const { full, light } = session;
    /** @type {HTMLElement[]} */
    const parts = [h('h3', {}, name)];
    /** @type {string | undefined} */
    let localEntry;
    try {
      const resolved = light ? await light.resolve(name) : await /** @type {import('vns').Vns} */ (full).resolve(name);
      localEntry = resolved.entry;
      const verified = full ? localProofBox(session, full.proof(name), name) : lightVerdict(/** @type {import('../../pkg/web/vns.js').LightResolved} */ (resolved));
      parts.push(recordsTable(resolved.records), nameFacts(resolved), verified, await historyPanel(session, name));
    } catch (error) {
      const code = errorCode(error);
      const notFound = light ? 'Not found: the node proved this name absent from its tree, and this page checked the proof.' : "Not found in this browser's copy of the namespace.";
      parts.push(
        code === 'resolve.not_found'
          ? h('p', { class: 'notice', 'data-state': code }, notFound)
          : h('div', { 'data-state': code ?? 'error' }, errorMessage(error, { class: 'notice' })),
      );
      // A name in its grace period still has its history: who may renew it, since when.
      if (code === 'resolve.in_grace') parts.push(await historyPanel(session, name));
    }
    const nodeBox = h('div', { class: 'node-check' }, h('p', { class: 'hint' }, 'Asking the node…'));
    parts.push(nodeBox);
    // A later render (the name changed meanwhile, e.g. by the lookup this one waited for)
    // owns the view: an older one must not draw over it.
    if (mine !== generation) return;
    out.replaceChildren(...parts);
    const check = await nodeCheck(session, name, localEntry);
    if (mine === generation) nodeBox.replaceChildren(...check);
  }

  return { show };
}

/**
 * What the light client checked for an answer: the entry by every rule and its merkle proof
 * against the node's root, when, and whether a node has vouched for it since (the name is
 * watched) or it is possibly stale (read from this browser's cache with no node to ask).
 * @param {import('../../pkg/web/vns.js').LightResolved} resolved
 * @returns {HTMLElement}
 */
function lightVerdict(resolved) {
  const at = formatTime(resolved.verifiedAt);
  return h(
    'div',
    { class: 'proof', 'data-stale': String(resolved.stale) },
    resolved.stale
      ? h('p', { class: 'notice', 'data-verified': 'true', 'data-stale': 'true' },
        h('strong', {}, 'Verified, possibly stale: '),
        `this page checked entry `, h('code', {}, short(resolved.entry)), ` and its merkle proof on ${at}; no node has vouched for it since, so a newer version may exist.`)
      : h('p', { class: 'verified', 'data-verified': 'true', 'data-stale': 'false' },
        h('strong', {}, 'Verified'), ' in this page: entry ', h('code', {}, short(resolved.entry)),
        ` and its merkle proof against the node's root were checked by the light client (${at}); the node pushes the name's changes while this page watches it.`),
  );
}

/**
 * Checks the local proof in this page, as a light client would: its blocks must lead from
 * the root to the entry the proof names (the answer's own entry), and describes it.
 * @param {Session} session @param {NameProof} proof @param {string} name
 * @returns {HTMLElement}
 */
function localProofBox(session, proof, name) {
  /** @type {HTMLElement} */
  let verdict;
  try {
    const found = session.verifyProof(proof, name);
    verdict = !found
      ? h('p', { class: 'notice', 'data-verified': 'false' }, 'The proof shows the name absent under the local root.')
      : found !== proof.entry
        ? h('p', { class: 'error', 'data-verified': 'false' }, `The proof leads to entry ${found}, not to the answer's entry ${proof.entry}.`)
        : h('p', { class: 'verified', 'data-verified': 'true' },
            h('strong', {}, 'Verified'), ` against the local merkle root: ${blocks(proof.blocks.length)} checked in this page lead from the root to entry `, h('code', {}, found), '.');
  } catch (error) {
    verdict = h('div', { 'data-verified': 'false' }, errorMessage(error, { prefix: 'The proof does not check: ' }));
  }
  const box = h(
    'div',
    { class: 'proof' },
    verdict,
    h(
      'details',
      {},
      h('summary', {}, `Proof: root ${short(proof.root)}, ${blocks(proof.blocks.length)}`),
      h('dl', { class: 'facts' }, h('dt', {}, 'Merkle root'), h('dd', {}, h('code', { class: 'id', 'data-field': 'proof-root' }, proof.root))),
      h('ol', { class: 'blocks' }, ...proof.blocks.map((block) => h('li', {}, `${block.length} bytes: `, h('code', {}, `${toBase64(block.subarray(0, 24))}…`)))),
    ),
  );
  return box;
}

/**
 * The node's answer for `name`, its proof checked here against the node's root, compared
 * with the local entry.
 * @param {Session} session @param {string} name @param {string | undefined} localEntry
 * @returns {Promise<(HTMLElement | string)[]>}
 */
async function nodeCheck(session, name, localEntry) {
  let answer;
  try {
    answer = await session.nodeAnswer(name);
  } catch (error) {
    if (errorCode(error) !== 'resolve.not_found') return [errorMessage(error, { prefix: 'The node refused: ' })];
    return [h('p', { class: 'hint', 'data-node': 'absent' }, localEntry ? 'The node does not hold this name yet (it is on its way).' : 'The node does not hold this name either.')];
  }
  if (!answer) {
    const where = session.light ? "this browser's light cache" : "this browser's copy";
    return [h('p', { class: 'hint', 'data-node': 'offline' }, `The node is unreachable: this answer comes from ${where}.`)];
  }
  let nodeEntry;
  try {
    nodeEntry = session.verifyProof({ root: answer.proof.root, blocks: answer.proof.blocks.map(fromBase64) }, name);
  } catch (error) {
    return [h('div', { 'data-node': 'bad-proof' }, errorMessage(error, { prefix: "The node's proof does not check against its root: " }))];
  }
  const checked = `The node's answer checks against its root ${short(answer.proof.root)} (${blocks(answer.proof.blocks.length)})`;
  if (nodeEntry !== answer.entry) return [h('p', { class: 'error', 'data-node': 'mismatch' }, `${checked}, but its entry is not the one it claims.`)];
  if (nodeEntry === localEntry) return [h('p', { class: 'verified', 'data-node': 'same' }, `${checked}: same entry as here.`)];
  return [h('p', { class: 'notice', 'data-node': 'different' }, `${checked}, with another version (seq ${answer.seq}); the two are syncing.`)];
}

/** @param {number} n @returns {string} */
function blocks(n) {
  return n === 1 ? '1 proof block' : `${n} proof blocks`;
}

/** @param {string} cid @returns {string} */
function short(cid) {
  return cid.length > 20 ? `${cid.slice(0, 12)}…${cid.slice(-6)}` : cid;
}
