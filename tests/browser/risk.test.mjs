// The early warning in the browser: an LA's risk list (figures against the JSON API, sorting, CSV),
// a school's risk history chart with its reasons, and the model page's back-test and calibration.
// The first request for a day trains the model on the whole bundled history, so these pages are
// given minutes, not seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  BASE_URL, OUTPUT, assertNoPageErrors, columnTexts, newPage, parseCsv, shot, useBrowser,
} from './helpers.mjs';

const browser = useBrowser();
const LA = 'Derby';
const AT = '2019-09-01';
const SLOW = { timeout: 280000 };
// The back-test trains every window's models: about four minutes on two cores.
const BACKTEST = { timeout: 600000 };

async function json(route, wait = SLOW) {
  const response = await fetch(`${BASE_URL}${route}`, { signal: AbortSignal.timeout(wait.timeout) });
  assert.equal(response.status, 200, `${route} answers 200`);
  return response.json();
}

test(`${LA}'s risk list as at ${AT} shows the API's schools and probabilities, sorts, and downloads as CSV`, async () => {
  const api = await json(`/api/las/${LA}/risk?at=${AT}`);
  assert.ok(api.schools.length > 20, `${LA} has scored schools on ${AT}`);
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/la/${LA}/risk?at=${AT}`, SLOW);
  const table = page.locator('table#risk');
  await page.locator('table#risk[data-enhanced]').waitFor(SLOW);

  const urns = await columnTexts(table, 1);
  assert.deepEqual(urns, api.schools.map((s) => String(s.urn)), 'the table lists the API\'s schools, riskiest first');
  const shown = await columnTexts(table, 3);
  api.schools.forEach((s, i) => {
    assert.equal(shown[i], `${(100 * s.probability).toFixed(1)}%`, `probability of ${s.urn}`);
  });
  const probabilities = api.schools.map((s) => s.probability);
  for (let i = 1; i < probabilities.length; i++) assert.ok(probabilities[i - 1] >= probabilities[i], 'riskiest first');
  assert.ok(api.schools.every((s) => s.reasons.length > 0), 'every scored school has reasons');
  assert.match(await page.locator('#coverage').innerText(), /open/);
  // Signed out: no one may open a case from here.
  assert.equal(await page.locator('form.open-case').count(), 0);
  await shot(page, '40-la-risk');

  await table.locator('thead').getByRole('button', { name: 'School', exact: true }).click();
  await table.locator('thead th[aria-sort="ascending"]').filter({ hasText: 'School' }).waitFor();
  const names = await columnTexts(table, 2);
  assert.deepEqual([...names].sort((a, b) => a.localeCompare(b, 'en-GB', { sensitivity: 'base', numeric: true })), names);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('section').filter({ has: table }).getByRole('button', { name: /^Download CSV/ }).click(),
  ]);
  const file = path.join(OUTPUT, `${LA.toLowerCase()}-risk.csv`);
  await download.saveAs(file);
  const rows = parseCsv(fs.readFileSync(file, 'utf8').slice(1));
  assert.equal(rows.length, 1 + api.schools.length, 'one CSV row per school');
  assert.deepEqual(rows.slice(1).map((r) => r[2]), names, 'the CSV is in the order on screen');
  assertNoPageErrors(page);
});

test('a school\'s risk page draws its risk over the years beside its judgements, with reasons', async () => {
  const list = await json(`/api/las/${LA}/risk?at=${AT}`);
  const urn = list.schools[0].urn;
  const api = await json(`/api/schools/${urn}/risk`);
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/school/${urn}`);
  await page.getByRole('link', { name: /^Early warning/ }).click(SLOW);
  await page.waitForURL(`${BASE_URL}/school/${urn}/risk`, SLOW);
  await page.locator('#risk-history svg').waitFor(SLOW);
  const points = await page.locator('table#risk-points tbody tr').count();
  assert.equal(points, api.risk.length, 'one table row per risk point');
  assert.ok(await page.locator('#reasons li').count() > 0, 'the reasons are written out');
  await shot(page, '41-school-risk');
  assertNoPageErrors(page);
});

test('the model page shows the back-test by window and a calibration chart', async () => {
  const api = await json('/api/model/backtest', BACKTEST);
  assert.ok(api.windows.length >= 6, 'at least six yearly windows');
  for (const w of api.windows) {
    for (const key of ['gbdt', 'logistic', 'baseline_previous', 'baseline_previous_and_time']) {
      assert.ok(key in w.models, `${w.cutoff}: ${key}`);
    }
  }
  // Issue 12, point 9, on the real bundled history: the trees beat both baselines in every window.
  const behind = api.windows.filter((w) => {
    const m = w.models;
    return !(m.gbdt.auc > Math.max(m.baseline_previous.auc, m.baseline_previous_and_time.auc));
  });
  assert.deepEqual(behind.map((w) => w.cutoff), [], 'the trees beat both baselines in every window');
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/model`, SLOW);
  await page.locator('table#backtest-table').waitFor(SLOW);
  const text = await page.locator('table#backtest-table').innerText();
  for (const w of api.windows) assert.ok(text.includes(w.cutoff), `the table has the window cut on ${w.cutoff}`);
  const rows = await page.locator('table#backtest-table tbody tr').count();
  assert.equal(rows, 4 * api.windows.length, 'four models a window');
  assert.equal(await page.locator('#calibration svg').count(), 1, 'a calibration chart');
  await shot(page, '42-model');
  assertNoPageErrors(page);
});
