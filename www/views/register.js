// @ts-check
/**
 * Register: the name's availability and every record's error shown as the user types; the
 * proof-of-work runs in Web Workers (the page stays usable), with a progress bar, the time
 * elapsed, an estimate of the time left and a cancel button. The key is generated on first
 * use and kept in IndexedDB.
 * @module
 */
import { workerSolver } from 'vns';
import { h, byId, recordsTable, nameFacts, errorMessage, formatDuration } from '../ui.js';
import { recordsEditor } from '../records-editor.js';
import { availabilityLine } from './availability.js';

/** @typedef {import('../session.js').Session} Session */
/** @typedef {import('./availability.js').Availability} Availability */

/** A light client looks the typed name up at the node: once typing pauses this long. */
const LIGHT_TYPING_PAUSE_MS = 300;

/** Leave a core to the page; four workers are plenty for the network's difficulty. */
const THREADS = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));

/**
 * The search's progress in words: hashes tried, time elapsed, and the time left estimated
 * from the difficulty (2^difficulty hashes expected) over the rate measured so far.
 * @param {number} attempts @param {number} difficulty @param {number} elapsedMs
 * @returns {string}
 */
export function searchProgress(attempts, difficulty, elapsedMs) {
  const expected = 2 ** difficulty;
  const rate = elapsedMs > 0 ? attempts / (elapsedMs / 1000) : 0;
  const parts = [`${attempts.toLocaleString()} of ~${expected.toLocaleString()} hashes`, `${elapsedMs < 60_000 ? `${(elapsedMs / 1000).toFixed(1)} s` : formatDuration(elapsedMs)} elapsed`];
  if (rate > 0) {
    const left = Math.max(0, expected - attempts) / rate;
    // Past the expected count the search is unlucky, not nearly done: say so.
    parts.push(attempts < expected ? `about ${formatDuration(left * 1000)} left` : 'taking longer than average');
    parts.push(`${Math.round(rate).toLocaleString()} hashes/s`);
  }
  return parts.join(' · ');
}

/** Said after a key's first registration: its phrase is the only way back to its names. */
function backupReminder() {
  return h('p', { class: 'warn', 'data-reminder': 'backup' },
    h('strong', {}, 'Back up your key now. '),
    "This is its first name. If this browser loses its data, only the key's recovery phrase gives you your names back: ",
    h('a', { href: '#key' }, 'write it down in Key'), '.');
}

/** @param {Session} session */
export function mountRegister(session) {
  const form = /** @type {HTMLFormElement} */ (byId('register-form'));
  const nameInput = /** @type {HTMLInputElement} */ (byId('register-name'));
  const availability = byId('register-availability');
  const submit = /** @type {HTMLButtonElement} */ (byId('register-submit'));
  const cancel = /** @type {HTMLButtonElement} */ (byId('register-cancel'));
  const progressBox = byId('register-progress');
  const bar = /** @type {HTMLProgressElement} */ (byId('pow-bar'));
  const progressText = byId('pow-text');
  const out = byId('register-result');
  const editor = recordsEditor(byId('register-records'));
  /** @type {AbortController | undefined} */
  let running;
  /** @type {Availability | undefined} the answer for the name typed now */
  let current;

  /** Asks the core about the name typed now and shows its answer under the field. */
  const checkName = async () => {
    const typed = nameInput.value.trim();
    if (!typed) {
      current = undefined;
      availability.replaceChildren();
      nameInput.removeAttribute('aria-invalid');
      return;
    }
    if (session.light) {
      // Each answer is a lookup at the node (and a name watched): ask once typing pauses.
      await new Promise((resolve) => setTimeout(resolve, LIGHT_TYPING_PAUSE_MS));
      if (nameInput.value.trim() !== typed) return;
    }
    /** @type {Availability} */
    let answer;
    try {
      answer = await session.availability(typed);
    } catch (error) {
      if (nameInput.value.trim() !== typed) return;
      current = undefined;
      availability.replaceChildren(errorMessage(error, { class: 'notice' }));
      return;
    }
    if (nameInput.value.trim() !== typed) return; // typed on meanwhile: a newer answer comes
    current = answer;
    nameInput.setAttribute('aria-invalid', String(answer.state === 'invalid'));
    availability.replaceChildren(availabilityLine(answer, session.keys?.peerId));
  };
  nameInput.addEventListener('input', () => void checkName());
  // A peer's registration (or an expiry) of the name on screen changes its answer.
  session.addEventListener('change', (event) => {
    const { name } = /** @type {CustomEvent<{ name: string }>} */ (event).detail;
    if (current && current.name === name) void checkName();
  });

  cancel.addEventListener('click', () => running?.abort());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (running) return;
    await checkName();
    const recordsValid = editor.check();
    if (!current || current.state === 'invalid' || !recordsValid) {
      progressBox.hidden = true;
      out.replaceChildren(h('p', { class: 'error', 'data-outcome': 'invalid' }, 'Not registered: correct the fields marked above first.'));
      /** @type {HTMLElement | null} */ (form.querySelector('[aria-invalid=true]'))?.focus();
      return;
    }
    const { name } = current;
    const records = editor.records();
    const controller = (running = new AbortController());
    submit.disabled = true;
    cancel.hidden = false;
    progressBox.hidden = true;
    bar.value = 0;
    bar.removeAttribute('data-done');
    out.replaceChildren(h('p', { class: 'hint' }, `Registering ${name}…`));
    /** When the search started, once it has (the core refuses a taken name before it). */
    let searchStarted = 0;
    try {
      const keys = await session.ensureKeys();
      const first = (await session.namesByOwner(keys.peerId)).length === 0;
      const difficulty = session.vns.network.difficulty;
      const workers = workerSolver({ threads: THREADS });
      const resolved = await session.local(name, () => session.vns.register(keys, name, records, {
        signal: controller.signal,
        solve: (task, options) => {
          searchStarted = performance.now();
          progressBox.hidden = false;
          progressText.textContent = 'starting…';
          return workers(task, options);
        },
        onProgress: ({ attempts, expected }) => {
          // Attempts can pass the expected count (it is an average): the bar waits at 99%.
          bar.value = Math.min(attempts / expected, 0.99);
          progressText.textContent = searchProgress(attempts, difficulty, performance.now() - searchStarted);
        },
      }));
      bar.value = 1;
      bar.dataset.done = 'true';
      progressText.textContent = `done in ${formatDuration(performance.now() - searchStarted)}`;
      // A light client sends at once or fails (`light.no_peers`); only a full node queues.
      const queued = !session.online && !session.light;
      out.replaceChildren(
        h('p', { class: 'verified', 'data-outcome': queued ? 'queued' : 'sent' },
          h('strong', {}, `Registered ${resolved.name}. `),
          queued ? 'The node is offline: the registration waits in the queue and goes out on reconnect.' : 'Sent to the node.'),
        ...(first ? [backupReminder()] : []),
        recordsTable(resolved.records),
        nameFacts(resolved),
      );
      form.reset();
      editor.reset();
      void checkName();
    } catch (error) {
      const aborted = controller.signal.aborted;
      // "failed" only for a search that ran; a change the core refused up front ran none.
      if (searchStarted) progressText.textContent = aborted ? 'cancelled' : 'failed';
      out.replaceChildren(
        aborted
          ? h('p', { class: 'notice', 'data-outcome': 'cancelled' }, 'Registration cancelled: nothing was registered.')
          : h('div', { 'data-outcome': 'failed' }, errorMessage(error, { prefix: 'Not registered: ' })),
      );
    } finally {
      running = undefined;
      submit.disabled = false;
      cancel.hidden = true;
    }
  });
}
