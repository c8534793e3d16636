// Smoke test of the generated TypeScript client against a live server (scripts/contract-check).
//
// Through the SDK only (openapi/clients/typescript, built to dist/ first): clone a template,
// create a campaign from a few contacts (JSON body), start it, follow it to COMPLETED over the
// campaign's Server-Sent Events stream (the SDK's SSE support), read the detail and the
// contacts, download the export, and check the outcomes against the simulator's own count
// (GET /_sim/stats, the oracle). The account-wide stream, GET /api/events, must deliver an
// event about the campaign too.
// Environment: AUTOLYNX_URL, AUTOLYNX_TOKEN, AUTOLYNX_SIM_URL. Node 20, ESM, global fetch.

import assert from 'node:assert/strict';

import { createClient } from '../typescript/dist/client/index.js';
import {
  cloneAssistantTemplate,
  createCampaign,
  exportCampaign,
  getCampaign,
  listCampaignContacts,
  startCampaign,
  streamCampaignEvents,
  streamEvents,
} from '../typescript/dist/index.js';

const CONTACTS = 8;
const DEADLINE_MS = 60_000;

const { AUTOLYNX_URL: base, AUTOLYNX_TOKEN: token, AUTOLYNX_SIM_URL: sim } = process.env;
assert.ok(base && token && sim, 'AUTOLYNX_URL, AUTOLYNX_TOKEN and AUTOLYNX_SIM_URL must be set');

const client = createClient({ baseUrl: `${base}/api`, auth: token });
// Every call below throws on a non-2xx answer instead of returning { error }.
const opts = { client, throwOnError: true };

const simStats = async () => {
  const resp = await fetch(`${sim}/_sim/stats`);
  assert.equal(resp.status, 200);
  return resp.json();
};

const within = (promise, ms, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms).unref(),
    ),
  ]);

const count = (values) => {
  const counts = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};

const before = await simStats();

const { data: assistant } = await cloneAssistantTemplate({
  ...opts,
  path: { key: 'short-pitch' },
  body: { name: 'TypeScript smoke' },
});
assert.ok(assistant.id, JSON.stringify(assistant));

const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
  name: `Person ${i}`,
  business_name: `Business ${i}`,
  phone: `+1 312 555 ${2200 + i}`,
  city: 'Chicago',
}));
const { data: created } = await createCampaign({
  ...opts,
  body: { name: 'TypeScript smoke', assistantId: assistant.id, cap: 3, maxAttempts: 1, contacts },
});
assert.equal(created.importReport.accepted, CONTACTS, JSON.stringify(created.importReport));
const id = created.campaignId;

// The account-wide stream, opened before the start: its first event about this campaign (a
// `snapshot` if it connects after the start, else the `campaign` status change).
const everything = new AbortController();
const { stream: allEvents } = await streamEvents({
  ...opts,
  signal: everything.signal,
  sseMaxRetryAttempts: 1,
});
const firstGlobal = (async () => {
  for await (const event of allEvents) {
    if (event.campaignId === id) return event;
  }
  throw new Error('GET /api/events closed without an event about the campaign');
})();

// The campaign's stream: the first event is the snapshot (subscribed before it is read, so
// nothing after it is missed); start the campaign only once it has arrived.
const { stream } = await streamCampaignEvents({ ...opts, path: { id }, sseMaxRetryAttempts: 1 });
const { value: snapshot } = await within(stream.next(), 10_000, 'snapshot');
assert.equal(snapshot.type, 'snapshot', JSON.stringify(snapshot));
assert.equal(snapshot.status, 'CREATED');
assert.equal(snapshot.counters.totalContacts, CONTACTS);

await startCampaign({ ...opts, path: { id } });

const seen = [];
const follow = (async () => {
  for await (const event of stream) {
    seen.push(event);
    if (event.type === 'end') return event;
  }
  throw new Error('the campaign stream closed without `end`');
})();
const end = await within(follow, DEADLINE_MS, 'end event');
assert.equal(end.status, 'COMPLETED', JSON.stringify(end));
const statuses = seen.filter((e) => e.type === 'campaign').map((e) => e.status);
assert.equal(statuses.at(-1), 'COMPLETED', `campaign events: ${statuses}`);
const counters = seen.filter((e) => e.type === 'counters').at(-1);
assert.ok(counters, 'no counters event');
assert.equal(counters.completed, CONTACTS, JSON.stringify(counters));
assert.equal(counters.active, 0, JSON.stringify(counters));
// A call can be announced more than once (status change, then its outcome): its last word.
const callEnds = new Map();
for (const e of seen) if (e.type === 'call' && e.endedReason) callEnds.set(e.callId, e.endedReason);

const global = await within(firstGlobal, 10_000, 'GET /api/events');
everything.abort();
assert.ok(['snapshot', 'campaign', 'call', 'counters', 'end'].includes(global.type), JSON.stringify(global));

const { data: detail } = await getCampaign({ ...opts, path: { id } });
assert.equal(detail.status, 'COMPLETED');
assert.equal(detail.counters.completed, CONTACTS, JSON.stringify(detail.counters));

const { data: page } = await listCampaignContacts({ ...opts, path: { id }, query: { limit: 100 } });
assert.equal(page.pagination.total, CONTACTS, JSON.stringify(page.pagination));
const reasons = count(page.items.map((c) => c.latestCall?.endedReason));
assert.equal(page.items.filter((c) => c.latestCall?.endedReason).length, CONTACTS, JSON.stringify(reasons));

const { data: csv } = await exportCampaign({ ...opts, path: { id } });
assert.equal(typeof csv, 'string');
const lines = csv.trimEnd().split(/\r?\n/);
assert.ok(lines[0].startsWith('name,business_name,phone,call_status,ended_reason'), lines[0]);
assert.equal(lines.length, CONTACTS + 1, csv);

const after = await simStats();
assert.equal(after.callsCreated - before.callsCreated, CONTACTS, JSON.stringify({ before, after }));
const simReasons = {};
for (const [reason, n] of Object.entries(after.endedReasons)) {
  const d = n - (before.endedReasons[reason] ?? 0);
  if (d > 0) simReasons[reason] = d;
}
assert.deepEqual(simReasons, reasons);
// Every call that ended was announced on the stream with the reason the simulator gave.
assert.deepEqual(count(callEnds.values()), reasons);

console.log(
  `typescript smoke: ${CONTACTS} contacts COMPLETED (followed over SSE: ${seen.length} events; ` +
    `GET /api/events sent ${global.type}), outcomes ${JSON.stringify(reasons)} match the simulator`,
);
