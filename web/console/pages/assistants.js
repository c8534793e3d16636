// Assistants: the directory, clone a template, import by Vapi id, rename, activate/deactivate,
// delete (refused while a campaign that is not finished uses it — the page says so).

import { api, query, describe } from '../api.js';
import { h, field, table, pager, notice, fill, add } from '../dom.js';

export async function assistantsPage(main, { me }) {
  const admin = me.user.role === 'admin';
  const list = h('div', {});
  const search = h('input', { type: 'search', name: 'q', placeholder: 'Name contains…' });
  let page = 1;

  const act = (fn, ok) => async () => {
    try {
      await fn();
      notice(ok, 'ok');
      await load();
    } catch (err) {
      notice(describe(err));
    }
  };

  async function load() {
    const data = await api('GET', `/assistants${query({ q: search.value.trim(), page, limit: 20 })}`);
    const rows = data.items.map((a) => h('tr', { 'data-assistant': a.id },
      h('td', {}, a.name), h('td', {}, a.source), h('td', {}, a.active ? 'active' : 'inactive'),
      h('td', {}, a.providerAssistantId || ''),
      h('td', {}, admin ? h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: act(async () => {
          const name = window.prompt('New name', a.name);
          if (!name) throw new Error('rename cancelled');
          await api('PATCH', `/assistants/${a.id}`, { json: { name } });
        }, 'Assistant renamed.') }, 'Rename'),
        h('button', { type: 'button', class: 'secondary', onclick: act(() => api('PATCH', `/assistants/${a.id}`, { json: { active: !a.active } }), a.active ? 'Assistant deactivated.' : 'Assistant activated.') }, a.active ? 'Deactivate' : 'Activate'),
        h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!window.confirm(`Delete assistant “${a.name}”? It is deleted at Vapi too.`)) return;
          try {
            await api('DELETE', `/assistants/${a.id}`);
            notice('Assistant deleted.', 'ok');
            await load();
          } catch (err) {
            notice(err.status === 409
              ? `${describe(err)} — an assistant cannot be deleted while a campaign that has not finished uses it. Stop or finish that campaign first, or deactivate the assistant instead.`
              : describe(err));
          }
        } }, 'Delete'),
      ) : '')));
    fill(list,
      data.items.length ? table('Assistant directory', ['Name', 'Source', 'State', 'Vapi id', 'Actions'], rows) : h('p', {}, 'No assistants yet.'),
      pager(data.pagination, (p) => { page = p; load(); }),
    );
  }

  add(main,
    h('h1', {}, 'Assistants'),
    h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => { e.preventDefault(); page = 1; load(); } }, field('Search assistants', search), h('button', { type: 'submit' }, 'Search')),
    list,
  );
  if (admin) {
    const templates = await api('GET', '/assistants/templates');
    const template = h('select', { name: 'template' }, templates.map((t) => h('option', { value: t.key }, `${t.name} — ${t.description}`)));
    const cloneName = h('input', { name: 'cloneName', required: true });
    const vapiId = h('input', { name: 'providerAssistantId', required: true });
    const importName = h('input', { name: 'importName' });
    add(main,
      h('h2', {}, 'Clone a template'),
      h('form', { class: 'toolbar', onsubmit: async (e) => {
        e.preventDefault();
        await act(() => api('POST', `/assistants/templates/${encodeURIComponent(template.value)}/clone`, { json: { name: cloneName.value.trim() } }), 'Template cloned.')();
      } }, field('Template', template), field('Name of the new assistant', cloneName), h('button', { type: 'submit' }, 'Clone')),
      h('h2', {}, 'Import from Vapi'),
      h('form', { class: 'toolbar', onsubmit: async (e) => {
        e.preventDefault();
        const json = { providerAssistantId: vapiId.value.trim() };
        if (importName.value.trim()) json.name = importName.value.trim();
        await act(() => api('POST', '/assistants/import', { json }), 'Assistant imported.')();
      } }, field('Vapi assistant id', vapiId), field('Name (optional)', importName), h('button', { type: 'submit' }, 'Import')),
    );
  } else {
    add(main, h('p', { class: 'muted' }, 'Only admins manage assistants; you can use any active one in your campaigns.'));
  }
  await load();
}
