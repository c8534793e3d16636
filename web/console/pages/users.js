// Users and tokens (admin): invite (create the user and a sign-in link), change role, disable,
// list and revoke tokens (console sessions included).

import { api, describe } from '../api.js';
import { h, field, table, notice, when, fill, add } from '../dom.js';

export async function usersPage(main) {
  const name = h('input', { name: 'name', required: true });
  const email = h('input', { name: 'email', type: 'email' });
  const role = h('select', { name: 'role' }, h('option', { value: 'operator' }, 'operator'), h('option', { value: 'admin' }, 'admin'));
  const linkBox = h('div', { 'aria-live': 'polite' });
  const list = h('div', {});
  const tokens = h('div', {});

  async function showLink(user) {
    const link = await api('POST', `/users/${user.id}/login-link`);
    fill(linkBox,
      h('p', { class: 'ok' }, `Sign-in link for ${user.name}, valid once until ${when(link.expiresAt)}:`),
      h('p', { class: 'link-box', id: 'login-link' }, link.url),
    );
  }

  async function showTokens(user) {
    const items = await api('GET', `/users/${user.id}/tokens`);
    fill(tokens,
      h('h2', {}, `Tokens of ${user.name}`),
      table(`Tokens and console sessions of ${user.name}`, ['Name', 'Prefix', 'Created', 'Last used', 'Expires', 'State', ''], items.map((t) => h('tr', {},
        h('td', {}, t.name), h('td', {}, t.prefix), h('td', {}, when(t.createdAt)), h('td', {}, when(t.lastUsedAt)), h('td', {}, when(t.expiresAt)),
        h('td', {}, t.revokedAt ? `revoked ${when(t.revokedAt)}` : 'valid'),
        h('td', {}, t.revokedAt ? '' : h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!window.confirm(`Revoke “${t.name}” (${t.prefix}…)? Whatever uses it stops working at once.`)) return;
          try { await api('DELETE', `/users/${user.id}/tokens/${t.id}`); notice('Token revoked.', 'ok'); await showTokens(user); } catch (err) { notice(describe(err)); }
        } }, 'Revoke'))))),
    );
  }

  const guard = (fn) => async (...a) => { try { await fn(...a); } catch (err) { notice(describe(err)); } };

  async function load() {
    const users = await api('GET', '/users');
    fill(list, table('Users', ['Name', 'Email', 'Role', 'State', 'Actions'], users.map((u) => {
      const roleSel = h('select', { 'aria-label': `Role of ${u.name}` }, ['operator', 'admin'].map((r) => h('option', { value: r, selected: r === u.role }, r)));
      roleSel.addEventListener('change', guard(async () => { await api('PATCH', `/users/${u.id}`, { json: { role: roleSel.value } }); notice(`${u.name} is now ${roleSel.value}.`, 'ok'); await load(); }));
      return h('tr', {},
        h('td', {}, u.name), h('td', {}, u.email || ''), h('td', {}, roleSel),
        h('td', {}, u.disabled ? 'disabled' : u.allowlisted ? 'active' : 'not allowlisted'),
        h('td', {}, h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: guard(() => showLink(u)) }, 'Sign-in link'),
          h('button', { type: 'button', class: 'secondary', onclick: guard(() => showTokens(u)) }, 'Tokens'),
          u.disabled
            ? h('button', { type: 'button', class: 'secondary', onclick: guard(async () => { await api('PATCH', `/users/${u.id}`, { json: { disabled: false } }); await load(); }) }, 'Enable')
            : h('button', { type: 'button', class: 'danger', onclick: guard(async () => {
              if (!window.confirm(`Disable ${u.name}? Their tokens and sessions stop working at once.`)) return;
              await api('POST', `/users/${u.id}/disable`); await load();
            }) }, 'Disable'))));
    })));
  }

  add(main,
    h('h1', {}, 'Users and tokens'),
    h('h2', {}, 'Invite someone'),
    h('form', { class: 'toolbar', onsubmit: guard(async (e) => {
      e.preventDefault();
      const json = { name: name.value.trim(), role: role.value };
      if (email.value.trim()) json.email = email.value.trim();
      const user = await api('POST', '/users', { json });
      await showLink(user);
      name.value = '';
      email.value = '';
      await load();
    }) }, field('Name', name), field('Email (optional)', email), field('Role', role), h('button', { type: 'submit' }, 'Invite')),
    linkBox,
    h('h2', {}, 'Users'),
    list,
    tokens,
  );
  await load();
}
