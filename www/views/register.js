// @ts-check
/**
 * Register: the proof-of-work runs in Web Workers (the page stays usable), with a progress
 * bar and a cancel button. The key is generated on first use and kept in IndexedDB.
 * @module
 */
import { workerSolver, canonicalName } from 'vns';
import { h, byId, recordsEditor, recordsTable, nameFacts, describeError } from '../ui.js';

/** @typedef {import('../session.js').Session} Session */

/** Leave a core to the page; four workers are plenty for the network's difficulty. */
const THREADS = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));

/** @param {Session} session */
export function mountRegister(session) {
  const form = /** @type {HTMLFormElement} */ (byId('register-form'));
  const nameInput = /** @type {HTMLInputElement} */ (byId('register-name'));
  const submit = /** @type {HTMLButtonElement} */ (byId('register-submit'));
  const cancel = /** @type {HTMLButtonElement} */ (byId('register-cancel'));
  const progressBox = byId('register-progress');
  const bar = /** @type {HTMLProgressElement} */ (byId('pow-bar'));
  const progressText = byId('pow-text');
  const out = byId('register-result');
  const editor = recordsEditor(byId('register-records'));
  /** @type {AbortController | undefined} */
  let running;

  cancel.addEventListener('click', () => running?.abort());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (running) return;
    const typed = nameInput.value.trim();
    const records = editor.records();
    const controller = (running = new AbortController());
    submit.disabled = true;
    cancel.hidden = false;
    progressBox.hidden = false;
    bar.value = 0;
    bar.removeAttribute('data-done');
    progressText.textContent = 'starting…';
    out.replaceChildren(h('p', { class: 'hint' }, `Registering ${typed}…`));
    try {
      // The core's spelling (`münchen` is `xn--mnchen-3ya.vfs`): change events carry it.
      const name = canonicalName(typed);
      const keys = await session.ensureKeys();
      // `register` refuses a taken name, bad records or the rate limit before the search.
      const resolved = await session.local(name, () => session.vns.register(keys, name, records, {
        solve: workerSolver({ threads: THREADS }),
        signal: controller.signal,
        onProgress: ({ attempts, expected }) => {
          // Attempts can pass the expected count (it is an average): the bar waits at 99%.
          bar.value = Math.min(attempts / expected, 0.99);
          progressText.textContent = `${attempts.toLocaleString()} of ~${expected.toLocaleString()} hashes`;
        },
      }));
      bar.value = 1;
      bar.dataset.done = 'true';
      progressText.textContent = 'done';
      const queued = !session.online;
      out.replaceChildren(
        h('p', { class: 'verified', 'data-outcome': queued ? 'queued' : 'sent' },
          h('strong', {}, `Registered ${resolved.name}. `),
          queued ? 'The node is offline: the registration waits in the queue and goes out on reconnect.' : 'Sent to the node.'),
        recordsTable(resolved.records),
        nameFacts(resolved),
      );
      form.reset();
      editor.reset();
    } catch (error) {
      const aborted = controller.signal.aborted;
      progressText.textContent = aborted ? 'cancelled' : 'failed';
      out.replaceChildren(
        h('p', { class: aborted ? 'notice' : 'error', 'data-outcome': aborted ? 'cancelled' : 'failed' },
          aborted ? 'Registration cancelled: nothing was registered.' : `Not registered: ${describeError(error)}`),
      );
    } finally {
      running = undefined;
      submit.disabled = false;
      cancel.hidden = true;
    }
  });
}
