// Browser tests of the console: Playwright driving Debian's Chromium against `autolynx serve`
// and the Vapi simulator (started by run.sh). Each step prints its name; the first failure ends
// the run with a non-zero exit. Screenshots of every page go to $ARTIFACTS.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const BASE = process.env.CONSOLE_URL;
const SIM = process.env.SIM_URL;
const BIN = process.env.AUTOLYNX_BIN;
const ARTIFACTS = process.env.ARTIFACTS || mkdtempSync(join(tmpdir(), 'console-artifacts-'));
assert.ok(BASE && SIM && BIN, 'CONSOLE_URL, SIM_URL and AUTOLYNX_BIN are set by run.sh');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

let failures = 0;
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failures += 1;
    console.log(`FAIL ${name}\n${err && err.stack ? err.stack : err}`);
    throw err;
  }
}

/** A one-time sign-in link from the command line (`autolynx login-link`). */
function cliLink(name, role) {
  const out = execFileSync(BIN, ['login-link', '--name', name, '--role', role, '--url', BASE], { encoding: 'utf8' });
  return out.trim().split('\n').pop().trim();
}

/** Runs SQL on the server's SQLite file (only to age a link past its expiry). */
function sql(statement) {
  const path = process.env.DATABASE_URL.replace(/^sqlite:\/\//, '').replace(/\?.*$/, '');
  execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()', path, statement]);
}

async function simStats() {
  const res = await fetch(`${SIM}/_sim/stats`);
  return res.json();
}

async function until(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const cspErrors = [];
async function newUser() {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Confirmations are accepted; a prompt gets page.promptAnswer when a step set one.
  page.on('dialog', (d) => d.accept(d.type() === 'prompt' && page.promptAnswer ? page.promptAnswer : undefined));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  page.on('pageerror', (e) => cspErrors.push(`page error: ${e.message}`));
  return { context, page };
}

async function signIn(page, link, expectName) {
  await page.goto(link);
  await page.getByText(expectName).waitFor();
  assert.ok(!page.url().includes('signin='), 'the secret leaves the address bar');
}

/** axe-core on the current page: no serious or critical violation. Also a screenshot. */
async function audit(page, name) {
  const text = await page.locator('body').innerText();
  assert.ok(!/null|undefined|NaN|\[object /.test(text), `${name} shows a programming slip: ${text}`);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), [], `accessibility of ${name}`);
}

const counter = (page, key) => page.locator(`dd[data-counter="${key}"]`).innerText().then(Number);

function csv(rows) {
  return Buffer.from(['name,business_name,phone', ...rows].join('\n') + '\n');
}
const goodRows = (n, first) => Array.from({ length: n }, (_, i) => `Contact ${first + i},Shop ${first + i},+1415555${String(first + i).padStart(4, '0')}`);
const DNC = '+14155559999';

let admin;
let olga;
let oscar;
let olgaLink;
let oscarLink;
let completedId;

try {
  await step('sign in through a one-time link; a used or expired link is refused', async () => {
    const link = cliLink('Ada Admin', 'admin');
    admin = await newUser();
    await signIn(admin.page, link, 'Ada Admin (admin)');
    const again = await newUser();
    await again.page.goto(link);
    await again.page.getByText('already been used').waitFor();
    await audit(again.page, 'sign-in');
    const expired = cliLink('Ada Admin', 'admin');
    sql("UPDATE api_tokens SET expires_at = '2000' || substr(expires_at, 5) WHERE kind = 'login_link' AND revoked_at IS NULL");
    await again.page.goto(expired);
    await again.page.getByText('has expired').waitFor();
    await again.context.close();
  });

  await step('admin: clone a template, list a number as do-not-call, invite two operators', async () => {
    const { page } = admin;
    await page.goto(`${BASE}/#/assistants`);
    await page.getByLabel('Name of the new assistant').fill('Console assistant');
    await page.getByRole('button', { name: 'Clone' }).click();
    await page.getByRole('cell', { name: 'Console assistant', exact: true }).waitFor();
    await audit(page, 'assistants');

    await page.goto(`${BASE}/#/dnc`);
    await page.getByLabel('Phone number').fill(DNC);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('cell', { name: DNC, exact: true }).waitFor();
    await audit(page, 'do-not-call');

    await page.goto(`${BASE}/#/users`);
    for (const name of ['Olga Operator', 'Oscar Operator']) {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Invite' }).click();
      await page.getByText(`Sign-in link for ${name}`).waitFor();
      const url = await page.locator('#login-link').innerText();
      if (name.startsWith('Olga')) olgaLink = url; else oscarLink = url;
    }
    await page.getByRole('cell', { name: 'Oscar Operator', exact: true }).waitFor();
    await audit(page, 'users');
    await page.goto(`${BASE}/#/health`);
    await page.getByText('Overall: healthy').waitFor();
    await audit(page, 'health');
  });

  await step('admin: import by Vapi id, rename, deactivate, activate; delete refused while in use, and why', async () => {
    const { page } = admin;
    const res = await fetch(`${SIM}/assistant`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sim-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Made at Vapi' }),
    });
    const vapiId = (await res.json()).id;
    await page.goto(`${BASE}/#/assistants`);
    await page.getByLabel('Vapi assistant id').fill(vapiId);
    await page.getByLabel('Name (optional)').fill('Imported one');
    await page.getByRole('button', { name: 'Import' }).click();
    const row = (name) => page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
    await row('Imported one').waitFor();
    page.promptAnswer = 'Imported renamed';
    await row('Imported one').getByRole('button', { name: 'Rename' }).click();
    await row('Imported renamed').waitFor();
    page.promptAnswer = null;
    await row('Imported renamed').getByRole('button', { name: 'Deactivate' }).click();
    await row('Imported renamed').getByRole('cell', { name: 'inactive', exact: true }).waitFor();
    await row('Imported renamed').getByRole('button', { name: 'Activate' }).click();
    await row('Imported renamed').getByRole('cell', { name: 'active', exact: true }).waitFor();

    await page.goto(`${BASE}/#/campaigns/new`);
    await page.getByLabel('Name', { exact: true }).fill('Admin later');
    await page.getByLabel('Assistant').selectOption({ label: 'Imported renamed' });
    await page.getByLabel('Contacts (CSV)').setInputFiles({ name: 'c.csv', mimeType: 'text/csv', buffer: csv(goodRows(2, 500)) });
    await page.getByRole('button', { name: 'Upload and create' }).click();
    await page.getByRole('link', { name: /Start later/ }).click();
    await page.locator('#campaign-status').getByText('CREATED').waitFor();

    await page.goto(`${BASE}/#/assistants`);
    await row('Imported renamed').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('cannot be deleted while a campaign that has not finished uses it').waitFor();
    await row('Imported renamed').waitFor();
  });

  await step('operator: a CSV with bad rows shows every skipped row and its reason', async () => {
    olga = await newUser();
    await signIn(olga.page, olgaLink, 'Olga Operator (operator)');
    const { page } = olga;
    await page.goto(`${BASE}/#/campaigns/new`);
    await page.getByLabel('Name', { exact: true }).fill('Olga first');
    await page.getByLabel('Assistant').selectOption({ label: 'Console assistant' });
    await page.getByLabel('Contacts (CSV)').setInputFiles({
      name: 'contacts.csv',
      mimeType: 'text/csv',
      buffer: csv([...goodRows(12, 1), 'Bad Phone,Shop,12', 'No Phone,Shop,', 'Twin,Shop,+14155550001', `Listed,Shop,${DNC}`]),
    });
    await page.getByLabel('Attempts per contact').fill('1');
    // Three waves of calls, so the counters have steps to show.
    await page.getByLabel('Cap (calls at once)').fill('4');
    await audit(page, 'new-campaign');
    await page.getByRole('button', { name: 'Upload and create' }).click();
    await page.getByText('12 of 16 rows accepted, 4 skipped').waitFor();
    const reasons = await page.locator('#import-result tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual([...reasons].sort(), ['do-not-call', 'duplicate', 'empty-phone', 'invalid-phone']);
    await page.screenshot({ path: join(ARTIFACTS, 'import-report.png'), fullPage: true });
  });

  await step('start; counters move without a reload, reach COMPLETED and equal the simulator', async () => {
    const { page } = olga;
    const before = await simStats();
    await page.getByRole('button', { name: 'Start now' }).click();
    await page.locator('#campaign-status').waitFor();
    completedId = page.url().split('/').pop();
    await page.evaluate(() => { window.stillTheSamePage = true; });
    const seen = new Set();
    await until('COMPLETED', async () => {
      seen.add(await counter(page, 'completed'));
      return (await page.locator('#campaign-status').innerText()) === 'COMPLETED';
    }, 90000);
    assert.ok(await page.evaluate(() => window.stillTheSamePage === true), 'no reload happened');
    assert.ok(seen.size >= 3, `the done counter moved through several values: ${[...seen]}`);
    const after = await simStats();
    const created = after.callsCreated - before.callsCreated;
    const ended = after.callsEnded - before.callsEnded;
    assert.equal(await counter(page, 'totalContacts'), 12);
    assert.equal(await counter(page, 'completed'), 12);
    assert.equal(created, 12, 'the simulator created one call per contact');
    assert.equal(ended, 12);
    assert.equal(await counter(page, 'active'), 0);
    assert.equal(after.activeCalls, 0);
    await until('the metrics to count every ended call', async () =>
      (await page.getByText('Calls by status:').innerText()).includes(`ENDED ${ended}`), 10000);
    await until('the contacts table to show the calls', async () =>
      (await page.locator('tbody tr').filter({ hasText: 'ENDED' }).count()) === 12);
    await audit(page, 'campaign-detail');
  });

  await step('download the export and check its rows', async () => {
    const { page } = olga;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const path = join(ARTIFACTS, 'export.csv');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
    assert.equal(lines.length, 13, 'a header and one row per contact');
    for (const row of goodRows(12, 1)) assert.ok(lines.some((l) => l.includes(row.split(',')[2])), `${row} exported`);
    assert.ok(!lines.some((l) => l.includes(DNC)), 'the do-not-call number is not in the campaign');
  });

  await step("an operator does not see another operator's campaign", async () => {
    await olga.page.goto(`${BASE}/#/campaigns`);
    await olga.page.getByRole('link', { name: 'Olga first' }).waitFor();
    await audit(olga.page, 'campaigns');
    oscar = await newUser();
    await signIn(oscar.page, oscarLink, 'Oscar Operator (operator)');
    await oscar.page.goto(`${BASE}/#/campaigns`);
    await oscar.page.getByText('No campaigns match').waitFor();
    await oscar.page.goto(`${BASE}/#/campaigns/${completedId}`);
    await oscar.page.locator('.error').first().waitFor();
    assert.match(await oscar.page.locator('.error').first().innerText(), /not found/);
  });

  await step('pause (no new dials reach the simulator), edit while paused, resume, stop with hang-up', async () => {
    const { page } = olga;
    await page.goto(`${BASE}/#/campaigns/new`);
    await page.getByLabel('Name', { exact: true }).fill('Olga second');
    await page.getByLabel('Assistant').selectOption({ label: 'Console assistant' });
    await page.getByLabel('Contacts (CSV)').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: csv(goodRows(40, 100)) });
    await page.getByLabel('Cap (calls at once)').fill('2');
    await page.getByRole('button', { name: 'Upload and create' }).click();
    await page.getByText('40 of 40 rows accepted').waitFor();
    await page.getByRole('button', { name: 'Start now' }).click();
    await until('a few calls done', async () => (await counter(page, 'completed').catch(() => 0)) >= 2);
    await page.getByRole('button', { name: 'Pause' }).click();
    await until('PAUSED', async () => (await page.locator('#campaign-status').innerText()) === 'PAUSED');
    await until('the pause explained', async () => (await page.locator('#campaign-why').innerText()).includes('paused by an operator'));
    await until('live calls to finish', async () => (await simStats()).activeCalls === 0, 30000);
    const paused = (await simStats()).createRequests;
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await simStats()).createRequests, paused, 'no dial while paused');
    // Edited while paused: the change is saved and shown.
    await page.locator('#campaign-editor summary').click();
    await page.getByLabel('Cap (calls at once)').fill('3');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(/· cap 3 ·/).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await until('dials again', async () => (await simStats()).createRequests > paused, 20000);
    await until('a live call', async () => (await simStats()).activeCalls > 0, 20000);
    const hungUpBefore = (await simStats()).callsEndedByControl;
    await page.getByRole('button', { name: 'Stop and hang up' }).click();
    await until('STOPPED', async () => (await page.locator('#campaign-status').innerText()) === 'STOPPED');
    await until('the live calls hung up', async () => {
      const s = await simStats();
      return s.activeCalls === 0 && s.callsEndedByControl > hungUpBefore;
    }, 20000);
    const stopped = (await simStats()).createRequests;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await simStats()).createRequests, stopped, 'no dial after stop');
  });

  await step('start later: a scheduled campaign waits, says until when, and dials nothing before', async () => {
    const { page } = olga;
    await page.goto(`${BASE}/#/campaigns/new`);
    await page.getByLabel('Name', { exact: true }).fill('Olga later');
    await page.getByLabel('Assistant').selectOption({ label: 'Console assistant' });
    await page.getByLabel('Contacts (CSV)').setInputFiles({ name: 'later.csv', mimeType: 'text/csv', buffer: csv(goodRows(3, 300)) });
    // The field takes the browser's local time: an hour from now.
    const local = await page.evaluate(() => {
      const d = new Date(Date.now() + 3600e3);
      d.setSeconds(0, 0);
      return new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
    });
    await page.getByLabel('Scheduled start').fill(local);
    await page.getByRole('button', { name: 'Upload and create' }).click();
    await page.getByText('3 of 3 rows accepted').waitFor();
    const before = (await simStats()).createRequests;
    await page.getByRole('button', { name: /^Start \(first call at / }).click();
    await until('QUEUED', async () => (await page.locator('#campaign-status').innerText()) === 'QUEUED');
    assert.match(await page.locator('#campaign-why').innerText(), /Scheduled start: no call before/);
    await page.goto(`${BASE}/#/campaigns`);
    await page.getByRole('row').filter({ hasText: 'Olga later' }).getByText(/^starts /).waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await simStats()).createRequests, before, 'no dial before the scheduled start');
  });

  await step('a phone-sized screen shows the campaigns without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.addCookies(await olga.context.cookies());
    const page = await phone.newPage();
    await page.goto(`${BASE}/#/campaigns`);
    await page.getByRole('link', { name: 'Olga first' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
    await page.screenshot({ path: join(ARTIFACTS, 'campaigns-phone.png') });
    await phone.close();
  });

  await step('a session revoked by an admin sends the console back to sign-in', async () => {
    const { page } = admin;
    await page.goto(`${BASE}/#/users`);
    const row = page.getByRole('row').filter({ hasText: 'Olga Operator' });
    await row.getByRole('button', { name: 'Tokens' }).click();
    const session = page.getByRole('row').filter({ hasText: 'console session' }).filter({ hasText: 'valid' });
    await session.first().getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Token revoked.').waitFor();
    // Without a reload: the next API answer (401) ends the open console.
    await olga.page.goto(`${BASE}/#/assistants`);
    await olga.page.getByText('Your session has ended').waitFor();
    await olga.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await olga.page.reload();
    await olga.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  await step('sign out ends the session', async () => {
    const { page } = oscar;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  await step('no page broke the Content-Security-Policy or threw', async () => {
    assert.deepEqual(cspErrors, []);
  });
} catch {
  // reported by step()
} finally {
  await browser.close();
}
writeFileSync(join(ARTIFACTS, 'result.txt'), failures ? 'failed\n' : 'passed\n');
process.exit(failures ? 1 : 0);
