// Campaigns: status, live counters over /api/events, filter by status, search by name.

import { api, query } from '../api.js';
import { h, field, table, money, when, pager, fill, add } from '../dom.js';
import { live, successRate } from './live.js';

const STATUSES = ['CREATED', 'QUEUED', 'DIALING', 'RUNNING', 'PAUSED', 'COMPLETED', 'STOPPED', 'FAILED'];

export async function campaignsPage(main) {
  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'Any status'), STATUSES.map((s) => h('option', { value: s }, s)));
  const search = h('input', { type: 'search', name: 'search', placeholder: 'Name contains…' });
  const results = h('div', { 'aria-live': 'polite' });
  const rows = new Map();
  let page = 1;

  const counterCells = (c) => ({
    pending: h('td', { class: 'num', 'data-k': 'pending' }, c.pending),
    active: h('td', { class: 'num', 'data-k': 'active' }, c.active),
    completed: h('td', { class: 'num', 'data-k': 'completed' }, c.completed),
    rate: h('td', { class: 'num', 'data-k': 'rate' }, successRate(c)),
    cost: h('td', { class: 'num', 'data-k': 'cost' }, money(c.totalCost)),
  });

  async function load() {
    const data = await api('GET', `/campaigns${query({ status: status.value, search: search.value.trim(), page, limit: 20 })}`);
    rows.clear();
    const body = data.items.map((c) => {
      const cells = counterCells(c.counters);
      const statusCell = h('td', { class: 'status', 'data-k': 'status' }, c.status);
      rows.set(c.id, { cells, statusCell });
      return h(
        'tr',
        { 'data-campaign': c.id },
        h('td', {}, h('a', { href: `#/campaigns/${c.id}` }, c.name)),
        statusCell,
        h('td', { 'data-k': 'note' }, note(c)),
        cells.pending,
        cells.active,
        cells.completed,
        cells.rate,
        cells.cost,
      );
    });
    fill(results,
      data.items.length
        ? table('Campaigns', ['Name', 'Status', 'Starts / paused by', { label: 'Pending', num: 1 }, { label: 'Live', num: 1 }, { label: 'Done', num: 1 }, { label: 'Success', num: 1 }, { label: 'Cost', num: 1 }], body)
        : h('p', {}, 'No campaigns match. ', h('a', { href: '#/campaigns/new' }, 'Create one.')),
      pager(data.pagination, (p) => {
        page = p;
        load();
      }),
    );
  }

  const form = h(
    'form',
    { class: 'toolbar', role: 'search', onsubmit: (e) => { e.preventDefault(); page = 1; load(); } },
    field('Status', status),
    field('Search', search),
    h('button', { type: 'submit' }, 'Filter'),
  );
  status.addEventListener('change', () => { page = 1; load(); });
  add(main, h('h1', {}, 'Campaigns'), form, results);
  await load();

  const update = (e) => {
    const row = rows.get(e.campaignId);
    if (!row) return;
    const c = e.counters || e;
    row.cells.pending.textContent = c.pending;
    row.cells.active.textContent = c.active;
    row.cells.completed.textContent = c.completed;
    row.cells.rate.textContent = successRate(c);
    row.cells.cost.textContent = money(c.totalCost);
    if (e.status) row.statusCell.textContent = e.status;
  };
  return live('/api/events', {
    snapshot: update,
    counters: update,
    campaign: (e) => { const row = rows.get(e.campaignId); if (row) row.statusCell.textContent = e.status; },
    end: (e) => { const row = rows.get(e.campaignId); if (row) row.statusCell.textContent = e.status; },
  });
}

/** When a scheduled campaign starts, or what paused it. */
function note(c) {
  if (c.status === 'PAUSED' && c.pauseReason) return c.pauseReason;
  if (c.startAt && ['CREATED', 'QUEUED', 'PAUSED'].includes(c.status) && new Date(c.startAt) > new Date()) return `starts ${when(c.startAt)}`;
  return '';
}
