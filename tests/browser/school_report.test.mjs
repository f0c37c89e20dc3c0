// The school report for a link officer's visit (issue 17 point 2): its page's figures against
// the JSON API (timeline, the latest letter's actions, outcomes by group, risk over time), the
// school's own visits and latest graded judgement against SQL on the server's database,
// casework left out for a visitor and shown to the LA's officer, the Markdown download, and the
// A4 PDF saved. Risk trains the model on the bundled history the first time, so the report
// gets minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE_URL, OUTPUT, assertNoPageErrors, columnTexts, newPage, number, shot, sql, useBrowser } from './helpers.mjs';

const browser = useBrowser();
const SLOW = { timeout: 600000 };
// URN 139305 (Walsall): its 2016 inspection report, among the bundled ones, names it Rough Hay Primary
// School; the register now names it Woods Bank Academy.
const URN = 139305;
const USER = process.env.BROWSER_USER;
const PASSWORD = process.env.BROWSER_PASSWORD;

/** A route's JSON, signed out, or as `page`'s signed-in user (its cookies). */
async function json(route, page = null) {
  if (page) {
    const response = await page.request.get(`${BASE_URL}${route}`, SLOW);
    assert.equal(response.status(), 200, `${route}: ${await response.text()}`);
    return response.json();
  }
  const response = await fetch(`${BASE_URL}${route}`, { signal: AbortSignal.timeout(SLOW.timeout) });
  assert.equal(response.status, 200, `${route} answers 200`);
  return response.json();
}

/** A4 at Chromium's print: the PDF's bytes, checked and saved as OUTPUT/<name>.pdf. */
async function savePdf(page, name, t) {
  const file = path.join(OUTPUT, `${name}.pdf`);
  const bytes = await page.pdf({ path: file, format: 'A4', printBackground: true });
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const pages = (bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
  assert.ok(pages >= 1, `${name}: ${pages} pages`);
  t.diagnostic(`${file}: ${pages} A4 pages`);
}

/** How the page writes a figure of `unit` (outcome_pages' `figure`). */
function shown(unit, n) {
  if (unit === 'percent' || unit === 'pupils') return Math.round(n);
  if (unit === 'progress_score') return Number(n.toFixed(2));
  return Number(n.toFixed(1));
}

test(`the report on school ${URN} shows the API's figures and prints to A4`, async (t) => {
  const api = await json(`/api/schools/${URN}/report?format=json`);
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/school/${URN}`);
  await page.locator('a#report-link').click();
  await page.waitForURL(new RegExp(`/school/${URN}/report$`), SLOW);
  await page.getByRole('heading', { level: 1, name: `${api.school.name}: school report as at ${api.at}` }).waitFor();

  // The timeline: one row per visit, newest first, dates and judgements as the API has them.
  const timeline = page.locator('table#timeline');
  assert.ok(api.timeline.length > 0, 'the school has inspections');
  assert.deepEqual(await columnTexts(timeline, 0), api.timeline.map((e) => e.start_date));
  const judgements = await columnTexts(timeline, 2);
  api.timeline.forEach((e, i) => {
    if (e.judgement_label) assert.ok(judgements[i].startsWith(e.judgement_label), `${e.start_date}: ${judgements[i]}`);
    if (e.predecessor) assert.match(judgements[i], new RegExp(`under predecessor URN ${e.predecessor}`));
  });

  // The school's own visits (not its predecessor's) by hand from the database: every one
  // started by the report's day is a row, newest first, and the latest graded one's judgement.
  const own = await timeline.locator('tbody tr:not(.predecessor)').evaluateAll((trs) =>
    trs.map((tr) => [tr.cells[0].textContent.trim(), tr.cells[2].textContent.replace(/\s+/g, ' ').trim()]));
  const visits = sql('SELECT start_date, grade FROM inspections WHERE urn = ? AND start_date <= ? ORDER BY start_date DESC', URN, api.at);
  assert.deepEqual(own.map(([date]) => date), visits.map((v) => v.start_date), 'the school\'s own visits, by SQL');
  const latest = visits.find((v) => v.grade !== null);
  assert.ok(latest, 'a graded visit');
  const label = ['outstanding', 'good', latest.start_date < '2012-09-01' ? 'satisfactory' : 'requires improvement', 'inadequate'][latest.grade - 1];
  const shownLatest = own.find(([date]) => date === latest.start_date)[1];
  assert.ok(shownLatest.toLowerCase().startsWith(label), `latest graded visit ${latest.start_date}: ${shownLatest}, grade ${latest.grade} by SQL`);

  // The latest letter and each action's status on the day.
  assert.ok(api.latest_letter, 'its inspection report is stored');
  const actions = api.latest_letter.actions;
  assert.ok(actions.length > 0, 'the report asks for improvements');
  assert.deepEqual(await columnTexts(page.locator('table#letter-actions'), 1), actions.map((a) => a.status_at));
  const open = actions.filter((a) => a.status_at === 'open').length;
  assert.match(await page.locator('#action-summary').innerText(), new RegExp(`^${open} of ${actions.length} actions? open on ${api.at}`));

  // Outcomes: every measure's section, the school's all-pupils row as the API's figures.
  const measures = api.outcomes?.measures ?? [];
  assert.ok(measures.length > 0, 'KS2 results are bundled for the school');
  for (const m of measures) {
    const section = page.locator(`section#${m.measure}`);
    const line = m.lines.find((l) => l.subject === `school:${URN}` && l.group === 'all');
    if (!line) continue;
    const rows = await section.locator('table.measure tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    const cells = rows.find((r) => r[0] === line.label).slice(1);
    line.values.forEach((v, i) => {
      if (v && v.number !== undefined) assert.equal(number(cells[i]), shown(m.unit, v.number), `${m.measure} ${m.years[i]}`);
    });
    assert.equal(await section.locator('p.lapse').count(), m.lapses.length + m.gap_lapses.length, `${m.measure}: lapses`);
  }

  // Risk over time: a row per point, the chance as the API's.
  const points = api.risk.risk;
  if (points.length > 0) {
    assert.deepEqual(await columnTexts(page.locator('table#risk-points'), 1), points.map((p) => `${(100 * p.probability).toFixed(1)}%`));
  } else {
    assert.match(await page.locator('#not-scored').innerText(), /^Not scored: /);
  }

  // A visitor sees no casework, and is told so.
  assert.equal(api.casework, null);
  assert.match(await page.locator('#casework-withheld').innerText(), /are not shown: sign in/);

  // The Markdown download carries the same report.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a#download-md').click()]);
  const file = path.join(OUTPUT, `school-${URN}-report.md`);
  await download.saveAs(file);
  const md = fs.readFileSync(file, 'utf8');
  assert.ok(md.startsWith(`# ${api.school.name}: school report as at ${api.at}`), md.slice(0, 200));
  for (const a of actions) assert.ok(md.includes(a.text.replace(/\|/g, '\\|')), `the Markdown lists "${a.text}"`);

  await shot(page, '60-school-report');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#downloads').evaluate((e) => getComputedStyle(e).display), 'none', 'the downloads and the date form do not print');
  await savePdf(page, `school-${URN}-report`, t);
  assertNoPageErrors(page);
  await page.context().close();
});

test('the LA officer sees a school’s casework in its report', async (t) => {
  assert.ok(USER && PASSWORD, 'scripts/browser-test creates the user');
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/login`);
  await page.locator('#login input[name=name]').fill(USER);
  await page.locator('#login input[name=password]').fill(PASSWORD);
  await page.locator('#login button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  // The first Derby school of the LA page (the casework journey opened a case on it).
  await page.goto(`${BASE_URL}/la/Derby`);
  const href = await page.locator('#schools tbody tr a').first().getAttribute('href');
  const urn = href.match(/\/school\/(\d+)/)[1];
  const casework = await json(`/api/schools/${urn}/casework`, page);
  const api = await json(`/api/schools/${urn}/report?format=json`, page);
  assert.equal(api.casework_withheld, false);
  assert.equal(api.casework.cases.length, casework.cases.filter((c) => c.opened_on <= api.at).length, 'the casework API\'s cases');

  await page.goto(`${BASE_URL}/school/${urn}/report`, SLOW);
  await page.locator('section#casework h3').first().waitFor();
  assert.equal(await page.locator('#casework-withheld').count(), 0);
  assert.equal(await page.locator('section#casework div.case').count(), api.casework.cases.length);
  for (const c of api.casework.cases) {
    assert.ok(await page.locator(`section#casework a[href="/cases/${c.id}"]`).isVisible(), `case ${c.id} is listed`);
  }
  await savePdf(page, `school-${urn}-report-officer`, t);
  assertNoPageErrors(page);
  await page.context().close();
});
