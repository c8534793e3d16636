// The console's entry: signs in (a one-time link in the URL's fragment, or a pasted API token),
// draws the navigation for the user's role, and routes `#/...` to the pages.

import { session, setCsrf, describe } from './api.js';
import { h, field, notice, errorBox, fill, add } from './dom.js';
import { campaignsPage } from './pages/campaigns.js';
import { newCampaignPage } from './pages/new-campaign.js';
import { campaignPage } from './pages/campaign.js';
import { assistantsPage } from './pages/assistants.js';
import { dncPage } from './pages/dnc.js';
import { usersPage } from './pages/users.js';
import { healthPage } from './pages/health.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let me = null;
let cleanup = null;

const routes = [
  { re: /^#\/campaigns\/new$/, page: newCampaignPage, nav: 'new', title: 'New campaign' },
  { re: /^#\/campaigns\/([0-9a-f-]{36})$/, page: campaignPage, nav: 'campaigns', title: 'Campaign' },
  { re: /^#\/campaigns$/, page: campaignsPage, nav: 'campaigns', title: 'Campaigns' },
  { re: /^#\/assistants$/, page: assistantsPage, nav: 'assistants', title: 'Assistants' },
  { re: /^#\/dnc$/, page: dncPage, nav: 'dnc', title: 'Do-not-call list', admin: true },
  { re: /^#\/users$/, page: usersPage, nav: 'users', title: 'Users and tokens', admin: true },
  { re: /^#\/health$/, page: healthPage, nav: 'health', title: 'Health' },
];

function drawNav(current) {
  const link = (key, href, text) =>
    h('a', { href, 'aria-current': key === current ? 'page' : null }, text);
  const admin = me.user.role === 'admin';
  fill(nav,
    link('campaigns', '#/campaigns', 'Campaigns'),
    link('new', '#/campaigns/new', 'New campaign'),
    link('assistants', '#/assistants', 'Assistants'),
    admin ? link('dnc', '#/dnc', 'Do-not-call') : null,
    admin ? link('users', '#/users', 'Users') : null,
    link('health', '#/health', 'Health'),
    h('span', { class: 'who' }, `${me.user.name} (${me.user.role})`),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'),
  );
}

async function signOut() {
  try {
    await session('DELETE');
  } catch (err) {
    notice(describe(err));
    return;
  }
  me = null;
  setCsrf(null);
  location.hash = '';
  showSignIn('You are signed out.');
}

async function route() {
  if (!me) return;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  notice('');
  const hash = location.hash || '#/campaigns';
  const found = routes.find((r) => r.re.test(hash));
  if (!found) {
    location.hash = '#/campaigns';
    return;
  }
  drawNav(found.nav);
  document.title = `${found.title} · autolynx`;
  fill(main);
  if (found.admin && me.user.role !== 'admin') {
    add(main, h('h1', {}, found.title), errorBox('This page is for admins.'));
    return;
  }
  const args = hash.match(found.re).slice(1);
  try {
    cleanup = (await found.page(main, { me, args })) || null;
  } catch (err) {
    add(main, errorBox(describe(err)));
  }
}

function showSignIn(message, isError = false) {
  fill(nav);
  document.title = 'Sign in · autolynx';
  const token = h('input', { type: 'password', autocomplete: 'off', name: 'token', required: true });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await start(await session('POST', { json: { token: token.value.trim() } }));
        } catch (err) {
          fill(status, errorBox(describe(err)));
        }
      },
    },
    field('API token', token, 'Paste a token from `autolynx token create`; the browser keeps only a session, never the token.'),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  fill(main,
    h('h1', {}, 'Sign in'),
    message ? h('p', { class: isError ? 'error' : 'ok', role: isError ? 'alert' : 'status' }, message) : null,
    h('p', {}, 'Open a sign-in link (`autolynx login-link --name NAME`, or ask an admin), or paste an API token.'),
    form,
    status,
  );
}

async function start(current) {
  me = current;
  setCsrf(current.csrfToken);
  if (!location.hash.startsWith('#/')) location.hash = '#/campaigns';
  await route();
}

/** Signs in with the link in the address bar, if there is one; true when there was. */
async function signInWithLink() {
  const link = location.hash.match(/^#signin=(.+)$/);
  if (!link) return false;
  // The link's secret must not stay in the address bar or the history.
  history.replaceState(null, '', '/');
  try {
    await start(await session('POST', { json: { link: decodeURIComponent(link[1]) } }));
  } catch (err) {
    me = null;
    showSignIn(`This sign-in link did not work: ${describe(err)}`, true);
  }
  return true;
}

async function boot() {
  window.addEventListener('session-ended', (e) => {
    if (!me) return;
    me = null;
    setCsrf(null);
    if (cleanup) {
      cleanup();
      cleanup = null;
    }
    showSignIn(`Your session has ended: ${e.detail.describe()} Sign in again.`, true);
  });
  window.addEventListener('hashchange', async () => {
    if (!(await signInWithLink())) await route();
  });
  if (await signInWithLink()) return;
  try {
    await start(await session('GET'));
  } catch (err) {
    if (err.status === 401) showSignIn('');
    else showSignIn(describe(err), true);
  }
}

boot();

