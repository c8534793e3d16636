// The do-not-call list (admin): search, add, import a file, remove.

import { api, query, describe } from '../api.js';
import { h, field, table, pager, notice, when, fill, add } from '../dom.js';

export async function dncPage(main) {
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Number contains…' });
  const phone = h('input', { name: 'phone', type: 'tel', required: true });
  const reason = h('input', { name: 'reason' });
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv,text/plain', required: true });
  const list = h('div', {});
  const report = h('div', { 'aria-live': 'polite' });
  let page = 1;

  async function load() {
    const data = await api('GET', `/suppression${query({ q: q.value.trim(), page, limit: 25 })}`);
    fill(list,
      data.items.length
        ? table('Numbers that are never called', ['Number', 'Reason', 'Added by', 'Added', ''], data.items.map((n) => h('tr', {},
          h('td', {}, n.phone), h('td', {}, n.reason || ''), h('td', {}, n.addedBy || ''), h('td', {}, when(n.createdAt)),
          h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${n.phone}`, onclick: async () => {
            if (!window.confirm(`Remove ${n.phone} from the do-not-call list? It may be called again.`)) return;
            try { await api('DELETE', `/suppression/${n.id}`); notice('Number removed.', 'ok'); await load(); } catch (err) { notice(describe(err)); }
          } }, 'Remove')))))
        : h('p', {}, 'The list is empty.'),
      pager(data.pagination, (p) => { page = p; load(); }),
    );
  }

  add(main,
    h('h1', {}, 'Do-not-call list'),
    h('form', { class: 'toolbar', onsubmit: async (e) => {
      e.preventDefault();
      try {
        const json = { phone: phone.value.trim() };
        if (reason.value.trim()) json.reason = reason.value.trim();
        await api('POST', '/suppression', { json });
        notice('Number added: it will be refused at import and never dialed.', 'ok');
        phone.value = '';
        await load();
      } catch (err) { notice(describe(err)); }
    } }, field('Phone number', phone), field('Reason (optional)', reason), h('button', { type: 'submit' }, 'Add')),
    h('form', { class: 'toolbar', onsubmit: async (e) => {
      e.preventDefault();
      const data = new FormData();
      if (file.files[0]) data.set('file', file.files[0], file.files[0].name);
      try {
        const r = await api('POST', '/suppression/import', { form: data });
        fill(report, h('p', { class: 'ok' }, `${r.added} added, ${r.alreadyListed} already listed, ${r.invalid.length} invalid of ${r.totalRows} rows.`),
          r.invalid.length ? table('Invalid rows', ['Row', 'Value', 'Reason'], r.invalid.map((i) => h('tr', {}, h('td', {}, i.row), h('td', {}, i.value), h('td', {}, i.reason)))) : null);
        await load();
      } catch (err) { fill(report); notice(describe(err)); }
    } }, field('Import a file of numbers', file, 'A CSV with a phone column, or one number per line'), h('button', { type: 'submit' }, 'Import')),
    report,
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => { e.preventDefault(); page = 1; load(); } }, field('Search numbers', q), h('button', { type: 'submit' }, 'Search')),
    list,
  );
  await load();
}
