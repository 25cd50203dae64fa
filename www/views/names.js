// @ts-check
/**
 * My names: the names this browser's key owns, each with its records, its expiry and the
 * days left (flagged once renewing is worthwhile, and in the grace period); update, renew,
 * transfer, and the name's history.
 * @module
 */
import { h, byId, setField, recordsTable, formatTime, formatLeft, daysLeft, errorMessage } from '../ui.js';
import { recordsPanel, renewPanel, transferPanel } from './name-panels.js';
import { historyPanel } from './history.js';

/** @typedef {import('../session.js').Session} Session */
/** @typedef {import('../../js/core.js').Resolved} Resolved */
/** @typedef {import('./name-panels.js').PanelContext} PanelContext */

/**
 * @param {Session} session
 * @returns {{ render(): Promise<void> }}
 */
export function mountNames(session) {
  const list = byId('names-list');
  /** The name being edited or transferred keeps its form open across re-renders. */
  let editing = '';
  /** The outcome of the last action; kept across re-renders. */
  const flash = h('div', { role: 'status', id: 'names-flash' });

  async function render() {
    const keys = session.keys;
    setField('owner', keys ? keys.peerId : 'no key yet');
    if (editing) return; // don't pull a form away from under the user
    if (!keys) {
      list.replaceChildren(flash, h('p', {}, 'No key yet: ', h('a', { href: '#register' }, 'register a name'), ' or ', h('a', { href: '#key' }, 'import a key'), '.'));
      return;
    }
    const names = await session.namesByOwner(keys.peerId);
    if (names.length === 0) {
      list.replaceChildren(flash, h('p', {}, 'This key owns no names yet. ', h('a', { href: '#register' }, 'Register one'), '.'));
      return;
    }
    /** @type {HTMLElement[]} */
    const items = [];
    for (const name of names) items.push(await card(name));
    list.replaceChildren(flash, h('ul', { class: 'cards' }, ...items));
  }

  /**
   * Runs an owner's change of `name` and reports it in the flash line.
   * @param {string} name @param {() => Promise<Resolved>} action @param {string} done
   */
  const run = async (name, action, done) => {
    flash.replaceChildren(h('p', { class: 'hint' }, `${name}: working…`));
    try {
      await session.local(name, action);
      editing = '';
      flash.replaceChildren(h('p', { class: 'verified' }, `${name}: ${done}${session.online || session.light ? '' : ' Queued: the node is offline.'}`));
    } catch (error) {
      flash.replaceChildren(errorMessage(error, { prefix: `${name}: ` }));
    }
    await render();
  };

  /**
   * The card of one name: resolved now, or (past its expiry) in the grace period in which
   * only its owner may renew it.
   * @param {string} name
   */
  async function card(name) {
    const keys = /** @type {import('vns').Keys} */ (session.keys);
    const panel = h('div', { class: 'panel' });
    const close = () => {
      editing = '';
      panel.replaceChildren();
      void render();
    };
    /** @type {PanelContext} */
    const context = { session, keys, name, close, run: (action, done) => run(name, action, done) };
    /** @param {HTMLElement | Promise<HTMLElement>} content */
    const open = async (content) => {
      editing = name;
      flash.replaceChildren(); // the last outcome is not about the form opening now
      panel.replaceChildren(await content);
    };
    const renewButton = h('button', { type: 'button', onclick: () => open(renewPanel(context)) }, 'Renew…');
    const historyButton = h('button', { type: 'button', onclick: () => open(historyPanel(session, name, close)) }, 'History');

    let resolved;
    try {
      resolved = await session.resolve(name);
    } catch (error) {
      const availability = await session.availability(name);
      const inGrace = availability.state === 'grace';
      return h(
        'li',
        { class: 'card', 'data-name': name, 'data-flag': inGrace ? 'grace' : 'error' },
        h('h3', {}, name),
        inGrace
          ? h('p', { class: 'error', 'data-field': 'expiry' },
            h('strong', {}, 'In grace: '),
            `expired ${formatTime(availability.expires ?? 0)}. Renew it before ${formatTime(availability.graceEnds ?? 0)} (${formatLeft(availability.graceEnds ?? 0)}), or anyone may register it.`)
          : errorMessage(error, { class: 'notice' }),
        h('p', { class: 'actions' }, inGrace && renewButton, historyButton),
        panel,
      );
    }

    const outlook = await session.renewal(name);
    const renewNow = Date.now() >= outlook.worthwhileFrom;
    const days = daysLeft(resolved.expires);
    return h(
      'li',
      { class: 'card', 'data-name': name, 'data-flag': renewNow ? 'expiring' : 'ok' },
      h('h3', {}, name),
      recordsTable(resolved.records),
      h('p', { class: renewNow ? 'warn' : '', 'data-field': 'expiry' },
        renewNow && h('strong', {}, 'Expires soon: '),
        `Expires ${formatTime(resolved.expires)}, `,
        h('strong', { 'data-field': 'days-left' }, days > 0 ? `${days} day${days === 1 ? '' : 's'} left` : `${formatLeft(resolved.expires)}`),
        renewNow ? '. Renew it now.' : `; version ${resolved.seq}.`),
      h(
        'p',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => open(recordsPanel(context, resolved.records)) }, 'Edit records'),
        renewButton,
        h('button', { type: 'button', onclick: () => open(transferPanel(context)) }, 'Transfer'),
        historyButton,
      ),
      panel,
    );
  }

  return { render };
}
