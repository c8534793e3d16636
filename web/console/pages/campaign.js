// Campaign detail: live counters and progress, timeline, metrics, Pause / Resume / Stop with a
// confirmation that says what will happen, the contacts with their latest call, Export CSV.

import { api, query, describe } from '../api.js';
import { h, field, table, money, when, pager, notice, fill, add } from '../dom.js';
import { live, successRate } from './live.js';

const CONTACT_STATUSES = ['PENDING', 'DIALING', 'DONE', 'NOT_ATTEMPTED'];

export async function campaignPage(main, { args }) {
  const id = args[0];
  let campaign = await api('GET', `/campaigns/${id}`);
  const statusEl = h('span', { class: 'status', id: 'campaign-status' }, campaign.status);
  const why = h('p', { id: 'campaign-why', role: 'status' });
  const about = h('p', { class: 'muted', id: 'campaign-about' });
  const counterEls = {};
  const counterList = h('dl', { class: 'counters' }, [
    ['totalContacts', 'Contacts'], ['pending', 'Pending'], ['active', 'Live'], ['completed', 'Done'],
    ['successful', 'Successful'], ['notAttempted', 'Not attempted'], ['rate', 'Success rate'], ['totalCost', 'Cost'],
  ].map(([k, label]) => {
    counterEls[k] = h('dd', { 'data-counter': k });
    return h('div', {}, h('dt', {}, label), counterEls[k]);
  }));
  const progress = h('progress', { id: 'campaign-progress', max: 1, value: 0, 'aria-label': 'Contacts done' });
  const progressText = h('span', {});
  const timeline = h('div', {});
  const metrics = h('div', {});
  const actions = h('div', { class: 'actions' });
  const editor = h('div', {});
  let editorFor = null;
  const contacts = h('div', { 'aria-live': 'off' });

  function showCounters(c) {
    for (const k of ['totalContacts', 'pending', 'active', 'completed', 'successful', 'notAttempted']) counterEls[k].textContent = c[k];
    counterEls.rate.textContent = successRate(c);
    counterEls.totalCost.textContent = money(c.totalCost);
    progress.max = Math.max(c.totalContacts, 1);
    progress.value = c.completed + c.notAttempted;
    progressText.textContent = `${c.completed + c.notAttempted} of ${c.totalContacts} contacts finished`;
  }

  // Why a campaign is waiting or paused, in words.
  function showWhy() {
    const c = campaign;
    const reasons = {
      operator: 'paused by an operator',
      'safety-brake': 'paused by the safety brake: its calls kept failing',
      'budget-reached': 'paused: its budget is reached (raise it to resume)',
    };
    let text = '';
    if (c.status === 'PAUSED' && c.pauseReason) {
      text = `This campaign is ${reasons[c.pauseReason] || `paused (${c.pauseReason})`}${c.pauseDetail ? ` — ${c.pauseDetail}` : ''}.`;
    } else if (c.startAt && ['CREATED', 'QUEUED', 'PAUSED'].includes(c.status) && new Date(c.startAt) > new Date()) {
      text = `Scheduled start: no call before ${when(c.startAt)}.`;
    } else if (c.status === 'FAILED' && c.failureReason) {
      text = `Failed: ${c.failureReason}`;
    }
    why.textContent = text;
    why.hidden = !text;
    why.className = c.status === 'PAUSED' && c.pauseReason && c.pauseReason !== 'operator' ? 'warning' : 'muted';
  }

  // Edit while CREATED or PAUSED: drawn when the campaign becomes editable (not at every
  // refresh, so typing is never interrupted), removed when it no longer is.
  function drawEditor() {
    const editable = ['CREATED', 'PAUSED'].includes(campaign.status);
    const key = editable ? campaign.status : null;
    if (key === editorFor) return;
    editorFor = key;
    if (!editable) { fill(editor); return; }
    const c = campaign;
    const localInput = (t) => {
      if (!t) return '';
      const d = new Date(t);
      return new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
    };
    const initial = {
      name: c.name,
      cap: String(c.cap),
      budgetUsd: c.budgetUsd ? String(c.budgetUsd) : '',
      startAt: localInput(c.startAt),
      callingHours: c.callingHours ? c.callingHours.window : '',
      callingDays: c.callingHours ? c.callingHours.days.join(',') : '',
      timezone: c.callingHours ? c.callingHours.timezone : '',
    };
    const inputs = {
      name: h('input', { name: 'editName', maxlength: 200, value: initial.name }),
      cap: h('input', { type: 'number', name: 'editCap', min: 1, max: 50, value: initial.cap }),
      budgetUsd: h('input', { type: 'number', name: 'editBudget', min: 0.01, step: 0.01, value: initial.budgetUsd }),
      startAt: h('input', { type: 'datetime-local', name: 'editStartAt', value: initial.startAt }),
      callingHours: h('input', { name: 'editHours', placeholder: '09:00-17:00', value: initial.callingHours }),
      callingDays: h('input', { name: 'editDays', placeholder: 'mon-fri', value: initial.callingDays }),
      timezone: h('input', { name: 'editTimezone', placeholder: 'America/New_York', value: initial.timezone }),
    };
    const form = h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        const json = {};
        for (const [k, input] of Object.entries(inputs)) {
          const v = input.value.trim();
          if (v === initial[k]) continue;
          if (k === 'startAt') json.startAt = v ? new Date(v).toISOString() : null;
          else if (k === 'cap' || k === 'budgetUsd') { if (v) json[k] = Number(v); }
          else if (v) json[k] = v;
        }
        if (!Object.keys(json).length) { notice('Nothing changed.', 'ok'); return; }
        try {
          await api('PATCH', `/campaigns/${id}`, { json });
          campaign = await api('GET', `/campaigns/${id}`);
          editorFor = null;
          showCampaign();
          notice('Saved: the changes apply when the campaign starts or resumes.', 'ok');
        } catch (err) {
          notice(describe(err));
        }
      },
    },
    h('div', { class: 'grid' },
      field('Name', inputs.name),
      field('Cap (calls at once)', inputs.cap, '1–50'),
      field('Budget (USD)', inputs.budgetUsd, 'raise it to resume a campaign paused by its budget'),
      field('Scheduled start', inputs.startAt, 'your local time; empty: at once'),
      field('Calling hours', inputs.callingHours, 'HH:MM-HH:MM in each contact’s time zone'),
      field('Calling days', inputs.callingDays, 'all, mon-fri, or mon,wed,fri'),
      field('Time zone', inputs.timezone, 'IANA name, for contacts without one'),
    ),
    h('button', { type: 'submit' }, 'Save changes'));
    fill(editor, h('details', { id: 'campaign-editor' }, h('summary', {}, 'Edit settings'), form));
  }

  function showCampaign() {
    statusEl.textContent = campaign.status;
    const c = campaign;
    about.textContent = `Assistant ${c.assistantName || c.assistantId} · cap ${c.cap} · ${c.mode}${c.lineQuietGating ? ' · line-quiet gating' : ''}${c.budgetUsd ? ` · budget ${money(c.budgetUsd)}` : ''}`;
    showWhy();
    drawEditor();
    showCounters(campaign.counters);
    const t = campaign.timeline || {};
    fill(timeline, table('Timeline', ['Created', 'Started', 'First dial', 'Estimated completion', 'Completed'], [
      h('tr', {}, h('td', {}, when(t.createdAt)), h('td', {}, when(t.startedAt)), h('td', {}, when(t.firstDialAt)), h('td', {}, when(t.estimatedCompletionAt)), h('td', {}, when(t.completedAt))),
    ]));
    const m = campaign.metrics || {};
    const byStatus = Object.entries(m.callsByStatus || {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'none yet';
    fill(metrics, h('p', {}, `Calls by status: ${byStatus}. Average cost ${money(m.averageCost)}, average duration ${m.averageDurationSeconds ? `${Math.round(m.averageDurationSeconds)} s` : '–'}.`));
    drawActions();
  }

  const command = (verb, body, question) => async () => {
    if (question && !window.confirm(question)) return;
    try {
      await api('POST', `/campaigns/${id}/${verb}`, body ? { json: body } : undefined);
      campaign = await api('GET', `/campaigns/${id}`);
      showCampaign();
      notice(`Campaign ${verb} requested.`, 'ok');
    } catch (err) {
      notice(describe(err));
    }
  };

  function drawActions() {
    const s = campaign.status;
    const running = ['QUEUED', 'DIALING', 'RUNNING'].includes(s);
    const live = running || s === 'PAUSED';
    fill(actions,
      s === 'CREATED' ? h('button', { type: 'button', onclick: command('start') }, 'Start') : null,
      running ? h('button', { type: 'button', class: 'secondary', onclick: command('pause', null, 'Pause this campaign? No new calls will be dialed; calls in progress finish normally.') }, 'Pause') : null,
      s === 'PAUSED' ? h('button', { type: 'button', onclick: command('resume') }, 'Resume') : null,
      live ? h('button', { type: 'button', class: 'secondary', onclick: command('stop', { mode: 'finish' }, 'Stop this campaign and let live calls finish? No new calls will be dialed and the remaining contacts will not be called. This cannot be undone.') }, 'Stop (let calls finish)') : null,
      live ? h('button', { type: 'button', class: 'danger', onclick: command('stop', { mode: 'hangup' }, 'Stop this campaign and hang up every live call now? The remaining contacts will not be called. This cannot be undone.') }, 'Stop and hang up') : null,
      h('a', { class: 'button secondary', href: `/api/campaigns/${id}/export.csv`, download: `campaign-${id}.csv` }, 'Export CSV'),
    );
  }

  // Contacts: filter, search, paginate.
  const cStatus = h('select', { name: 'contactStatus' }, h('option', { value: '' }, 'Any status'), CONTACT_STATUSES.map((s) => h('option', { value: s }, s)));
  const cSearch = h('input', { type: 'search', name: 'contactSearch', placeholder: 'Name, business or phone' });
  let page = 1;
  async function loadContacts() {
    const data = await api('GET', `/campaigns/${id}/contacts${query({ status: cStatus.value, search: cSearch.value.trim(), page, limit: 25 })}`);
    const rows = data.items.map((c) => {
      const call = c.latestCall || {};
      return h('tr', {},
        h('td', {}, c.name), h('td', {}, c.businessName), h('td', {}, c.phone), h('td', {}, c.status),
        h('td', { class: 'num' }, c.attempts), h('td', {}, call.status || ''), h('td', {}, call.outcome || ''),
        h('td', { class: 'num' }, call.durationSeconds ? `${Math.round(call.durationSeconds)} s` : ''),
        h('td', { class: 'num' }, money(call.cost)),
        h('td', {}, call.recordingUrl ? h('a', { href: call.recordingUrl, rel: 'noopener noreferrer', target: '_blank' }, 'recording') : ''),
        h('td', {}, call.summary || ''), h('td', {}, when(c.nextAttemptAt)));
    });
    fill(contacts,
      table('Contacts and their latest call', ['Name', 'Business', 'Phone', 'Status', { label: 'Attempts', num: 1 }, 'Call', 'Outcome', { label: 'Duration', num: 1 }, { label: 'Cost', num: 1 }, 'Recording', 'Summary', 'Next redial'], rows),
      pager(data.pagination, (p) => { page = p; loadContacts().catch((err) => notice(describe(err))); }),
    );
  }
  const filter = h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => { e.preventDefault(); page = 1; loadContacts().catch((err) => notice(describe(err))); } },
    field('Contact status', cStatus), field('Search contacts', cSearch), h('button', { type: 'submit' }, 'Filter'));
  cStatus.addEventListener('change', () => { page = 1; loadContacts().catch((err) => notice(describe(err))); });

  add(main,
    h('h1', {}, campaign.name, ' ', statusEl),
    about,
    why,
    counterList,
    h('div', {}, progress, progressText),
    actions,
    editor,
    h('h2', {}, 'Timeline'), timeline,
    h('h2', {}, 'Metrics'), metrics,
    h('h2', {}, 'Contacts'), filter, contacts,
  );
  showCampaign();
  await loadContacts();

  // Counters move with the stream; the rest refreshes at most every two seconds.
  let refresh = null;
  const later = () => {
    if (refresh) return;
    refresh = setTimeout(async () => {
      refresh = null;
      try {
        campaign = await api('GET', `/campaigns/${id}`);
        showCampaign();
        await loadContacts();
      } catch (err) {
        notice(describe(err));
      }
    }, 2000);
  };
  const close = live(`/api/campaigns/${id}/events`, {
    snapshot: (e) => { statusEl.textContent = e.status; showCounters(e.counters); },
    counters: (e) => { showCounters(e); later(); },
    campaign: (e) => { statusEl.textContent = e.status; later(); },
    call: later,
    end: (e) => { statusEl.textContent = e.status; later(); close(); },
  });
  return () => { close(); if (refresh) clearTimeout(refresh); };
}
