// Health: the database, the runtime, the provider, and a phone line's live calls.

import { api, describe } from '../api.js';
import { h, table, fill, add } from '../dom.js';

export async function healthPage(main) {
  let report;
  try {
    report = await api('GET', '/health');
  } catch (err) {
    // 503 still carries the report when something is unhealthy.
    report = err.body && err.body.checks ? err.body : null;
    if (!report) throw err;
  }
  const checks = report.checks || {};
  const line = h('div', { 'aria-live': 'polite' });
  add(main,
    h('h1', {}, 'Health'),
    h('p', { class: report.status === 'healthy' ? 'ok' : 'error' }, `Overall: ${report.status} · version ${report.version} · up ${report.uptimeSeconds} s`),
    table('Checks', ['Part', 'Status', 'Latency', 'Problem'], Object.entries(checks).map(([k, c]) => h('tr', {},
      h('td', {}, k), h('td', {}, c.status), h('td', { class: 'num' }, `${Math.round(c.latencyMs)} ms`), h('td', {}, c.error || '')))),
    h('h2', {}, 'Phone line'),
    line,
  );
  try {
    const l = await api('GET', '/health/phone-line');
    add(line, h('p', {}, `Line ${l.phoneNumberId}: ${l.status}, ${l.liveCalls} live calls (checked ${new Date(l.checkedAt).toLocaleTimeString()}${l.cached ? ', cached' : ''}).${l.error ? ` ${l.error}` : ''}`));
  } catch (err) {
    add(line, h('p', { class: 'muted' }, describe(err)));
  }
}
