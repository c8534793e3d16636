// New campaign: a CSV (dropped or picked), an assistant from the directory and the settings;
// then the import report (accepted rows, every skipped row with its reason), then start now or
// later.

import { api, describe } from '../api.js';
import { h, field, check, table, errorBox, fill, add } from '../dom.js';

export async function newCampaignPage(main) {
  const assistants = await api('GET', '/assistants?active=true&limit=100');
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const file = h('input', { type: 'file', name: 'contactsCsv', accept: '.csv,text/csv', required: true });
  const drop = h('div', { class: 'drop' }, field('Contacts (CSV)', file, 'Columns name, business_name, phone; other columns become variables. Drop the file here or pick it.'));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length) file.files = e.dataTransfer.files;
  });
  const assistant = h(
    'select',
    { name: 'assistantId', required: true },
    assistants.items.map((a) => h('option', { value: a.id }, a.name)),
  );
  const cap = h('input', { type: 'number', name: 'cap', min: 1, max: 50, placeholder: 'server default' });
  const mode = h('select', { name: 'mode' }, h('option', { value: 'continuous' }, 'continuous'), h('option', { value: 'batch' }, 'batch'));
  const quiet = h('input', { type: 'checkbox', name: 'lineQuietGating' });
  const hours = h('input', { name: 'callingHours', placeholder: '09:00-17:00' });
  const days = h('input', { name: 'callingDays', placeholder: 'mon-fri' });
  const tz = h('input', { name: 'timezone', placeholder: 'America/New_York' });
  const attempts = h('input', { type: 'number', name: 'maxAttempts', min: 1, max: 10 });
  const delay = h('input', { type: 'number', name: 'redialDelaySeconds', min: 0 });
  const redialOn = h('input', { name: 'redialOn', placeholder: 'no-answer,busy' });
  const budget = h('input', { type: 'number', name: 'budgetUsd', min: 0.01, step: 0.01, placeholder: 'server default' });
  const startAt = h('input', { type: 'datetime-local', name: 'startAt' });
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Upload and create');

  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        const data = new FormData();
        data.set('name', name.value.trim());
        data.set('assistantId', assistant.value);
        if (file.files[0]) data.set('contactsCsv', file.files[0], file.files[0].name);
        data.set('mode', mode.value);
        data.set('lineQuietGating', quiet.checked ? 'true' : 'false');
        for (const [key, input] of [['cap', cap], ['callingHours', hours], ['callingDays', days], ['timezone', tz], ['maxAttempts', attempts], ['redialDelaySeconds', delay], ['redialOn', redialOn], ['budgetUsd', budget]]) {
          if (input.value.trim()) data.set(key, input.value.trim());
        }
        // The browser's local time, sent as an absolute moment.
        if (startAt.value) data.set('startAt', new Date(startAt.value).toISOString());
        submit.disabled = true;
        try {
          const created = await api('POST', '/campaigns', { form: data });
          showReport(result, created);
          form.hidden = true;
        } catch (err) {
          fill(result, errorBox(describe(err)));
        } finally {
          submit.disabled = false;
        }
      },
    },
    field('Name', name),
    drop,
    assistants.items.length
      ? field('Assistant', assistant)
      : errorBox('No active assistant: add one on the Assistants page first.'),
    h('div', { class: 'grid' },
      field('Cap (calls at once)', cap, '1–50'),
      field('Mode', mode),
      field('Calling hours', hours, 'HH:MM-HH:MM in each contact’s time zone; empty: any time'),
      field('Calling days', days, 'all, mon-fri, or mon,wed,fri'),
      field('Time zone', tz, 'IANA name, for rows without a timezone'),
      field('Attempts per contact', attempts, '1 = never redial'),
      field('Seconds between attempts', delay),
      field('Redial on', redialOn, 'no-answer, busy, voicemail, retryable-error'),
      field('Budget (USD)', budget, 'pauses before its spend can pass it; empty: server default'),
      field('Scheduled start', startAt, 'your local time; empty: the first call when you start it'),
    ),
    check('Wait until the phone line is quiet before each dial (line-quiet gating)', quiet),
    submit,
  );
  add(main, h('h1', {}, 'New campaign'), form, result);
}

function showReport(result, created) {
  const report = created.importReport;
  const id = created.campaignId;
  const start = h('button', {
    type: 'button',
    onclick: async () => {
      try {
        await api('POST', `/campaigns/${id}/start`);
        location.hash = `#/campaigns/${id}`;
      } catch (err) {
        add(result, errorBox(describe(err)));
      }
    },
  }, created.campaign.startAt ? `Start (first call at ${new Date(created.campaign.startAt).toLocaleString()})` : 'Start now');
  fill(result,
    h('h2', {}, 'Import report'),
    h('p', { class: 'ok', role: 'status' }, `Campaign “${created.campaign.name}” created: ${report.accepted} of ${report.totalRows} rows accepted, ${report.skipped.length} skipped.`),
    report.skipped.length
      ? table('Skipped rows', ['Row', 'Reason', 'Detail'], report.skipped.map((s) => h('tr', {}, h('td', {}, s.row), h('td', {}, s.reason), h('td', {}, s.detail))))
      : null,
    h('div', { class: 'actions' }, start, h('a', { class: 'button secondary', href: `#/campaigns/${id}` }, 'Start later (open the campaign)')),
  );
}
