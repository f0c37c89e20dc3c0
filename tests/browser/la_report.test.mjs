// The LA report (issue 17 point 1) in the browser: a Derby officer signs in, opens Derby's report
// from the LA page, and every figure read off the page is checked against the JSON API (the
// report's own JSON, and the public LA profile and outcomes routes the LA's pages draw on), and
// the period's inspection outcomes against a count by hand in SQL on the server's database; the
// report prints to an A4 PDF, saved in test-output/browser/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE_URL, ISO_DATE, OUTPUT, assertNoPageErrors, columnTexts, newPage, rowTexts, shot, sql, useBrowser } from './helpers.mjs';

const browser = useBrowser();
const USER = process.env.BROWSER_USER;
const PASSWORD = process.env.BROWSER_PASSWORD;

/** A4 in PDF points (1/72 inch): 210 × 297 mm. */
const A4 = [595.28, 841.89];

/** The MediaBox of every page of a PDF written by Chromium (its page objects are not compressed). */
function mediaBoxes(bytes) {
  const text = bytes.toString('latin1');
  return [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

async function json(page, uri) {
  const response = await page.request.get(`${BASE_URL}${uri}`);
  assert.equal(response.status(), 200, `${uri}: ${await response.text()}`);
  return response.json();
}

/** "72.4%" as the pages write a share (one decimal). */
function percent(part, whole) {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/**
 * The page's inspection outcomes for `from`..`to` against a count by hand in the database: graded
 * inspections of Derby's schools that started in the period, by grade, each against the page's
 * row for that judgement (its class is the key). Returns the SQL's total.
 */
async function assertOutcomesBySql(page, from, to) {
  assert.match(from, ISO_DATE);
  assert.match(to, ISO_DATE);
  const byGrade = sql(`SELECT i.grade, COUNT(*) AS n FROM inspections i JOIN schools s ON s.urn = i.urn
    WHERE s.la_name = ? AND i.grade IS NOT NULL AND i.start_date BETWEEN ? AND ? GROUP BY i.grade`, 'Derby', from, to);
  const total = byGrade.reduce((n, r) => n + r.n, 0);
  const counts = (await columnTexts(page.locator('#outcomes'), 1)).map(Number);
  assert.equal(counts.reduce((a, b) => a + b, 0), total, `inspections ${from} to ${to}, by SQL`);
  const keys = ['outstanding', 'good', 'requires_improvement', 'inadequate'];
  for (const r of byGrade) {
    const shown = await page.locator(`#outcomes tbody tr.${keys[r.grade - 1]} td`).nth(1).textContent();
    assert.equal(Number(shown), r.n, `${keys[r.grade - 1]} ${from} to ${to}, by SQL`);
  }
  return total;
}

test('a Derby officer opens the LA report: its figures are the API’s, and it prints to A4', async (t) => {
  assert.ok(USER && PASSWORD, 'scripts/browser-test creates the user');
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/la/Derby`);
  const link = page.locator('#report-link');
  const href = await link.getAttribute('href');
  assert.match(href, /^\/la\/Derby\/report\?at=\d{4}-\d{2}-\d{2}$/, 'the LA page links to its report as at its own day');
  await link.click();
  // Casework is in the report: it needs a session, and sign-in returns to the report.
  await page.waitForURL(/\/login\?next=/);
  await page.locator('#login input[name=name]').fill(USER);
  await page.locator('#login input[name=password]').fill(PASSWORD);
  await page.locator('#login button[type=submit]').click();
  await page.waitForURL(/\/la\/Derby\/report\?at=/);
  const h1 = await page.locator('h1').textContent();
  assert.match(h1, /^Derby: LA report as at \d{4}-\d{2}-\d{2}$/);

  const at = await page.locator('form input[name=at]').inputValue();
  const from = await page.locator('form input[name=from]').inputValue();
  const to = await page.locator('form input[name=to]').inputValue();
  const query = `at=${at}&from=${from}&to=${to}`;
  const report = await json(page, `/api/las/Derby/report?${query}`);
  const profile = await json(page, `/api/las/Derby/profile?at=${at}`);
  const outcomes = await json(page, `/api/las/Derby/outcomes?from=${from}&to=${to}`);

  // The register and routes: the report's figures are the LA profile's.
  assert.equal(report.profile.schools, profile.schools);
  const all = await rowTexts(page.locator('#phases tfoot tr'));
  assert.equal(Number(all[1]), profile.schools, 'the register total on the page');
  const routes = ['maintained', 'academy_converter', 'academy_sponsor_led', 'free_school'].map((g) => profile.by_governance[g] ?? 0);
  assert.deepEqual(all.slice(2).map(Number), routes, 'schools by route');

  // % good or outstanding against England, with coverage and rank, phase by phase.
  const shares = await page.locator('#shares tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.equal(shares.length, profile.shares.length);
  profile.shares.forEach((s, i) => {
    const row = shares[i];
    assert.equal(row[0], s.label);
    if (s.la.inspected > 0) assert.equal(row[1], percent(s.la.good_or_outstanding, s.la.inspected), `${s.label}: the LA's share`);
    assert.equal(row[2], `${s.la.good_or_outstanding} of ${s.la.inspected} with a known judgement`);
    assert.ok(row[3].startsWith(`${s.la.inspected} of ${s.la.schools} `), `${s.label}: coverage stated (${row[3]})`);
    if (s.england.inspected > 0) assert.equal(row[4], percent(s.england.good_or_outstanding, s.england.inspected), `${s.label}: England`);
    if (s.rank) assert.ok(row[6].startsWith(`${s.rank} of ${s.out_of}`), `${s.label}: rank ${row[6]}`);
    else assert.match(row[6], /^not ranked: /);
  });

  // The trend: a row for each day of the series, the LA's rank that day as the report's JSON says.
  const trend = page.locator('#trend-table');
  assert.equal(await trend.locator('tbody tr').count(), report.series.length);
  const rankCells = await columnTexts(trend, 3);
  report.ranks.forEach((r, i) => {
    const why = r.not_ranked ?? 'no school has a known judgement';
    assert.equal(rankCells[i], r.rank ? `${r.rank} of ${r.out_of}` : `not ranked: ${why}`, `rank on ${r.at}`);
  });

  // Inspection outcomes for the period: the outcomes route's counts.
  const counts = (await columnTexts(page.locator('#outcomes'), 1)).map(Number);
  assert.equal(counts.reduce((a, b) => a + b, 0), outcomes.inspected, 'inspections in the period');
  assert.deepEqual(counts, outcomes.judgements.map((j) => j.count));
  await assertOutcomesBySql(page, from, to);

  // Schools at risk, or why there is no model that day.
  if (report.risk.state === 'scored') {
    const byCategory = Object.fromEntries((await page.locator('#risk-categories tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent.trim(), Number(tr.cells[1].textContent)]))));
    for (const key of ['universal', 'monitor', 'core_group', 'intensive']) {
      const n = report.risk.list.schools.filter((s) => s.category === key).length;
      assert.equal(byCategory[key.replace('_', ' ')], n, `${key} schools`);
    }
    const atRisk = report.risk.list.schools.filter((s) => s.category !== 'universal').length;
    assert.equal(await page.locator('#at-risk tbody tr').count(), atRisk, 'every school above universal listed with its reasons');
  } else {
    assert.match(await page.locator('#risk').textContent(), /No early warning on this day/);
  }

  // Casework: shown to Derby's officer, as the report's JSON has it.
  assert.equal(report.casework.state, 'shown');
  const openCases = report.casework.open_cases.length;
  assert.equal(openCases > 0 ? await page.locator('#open-cases tbody tr').count() : 0, openCases, 'open cases');
  const caseCategories = await page.locator('#case-categories tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.cells[1].textContent)));
  assert.deepEqual(caseCategories, report.casework.by_category.map((c) => c[1]));
  assert.equal(Number(await page.locator('#meetings-overdue').textContent()), report.casework.meetings_overdue);

  // A school year with graded inspections (the default period, to the register's day, may have
  // none under the renewed framework): its outcomes against SQL too.
  await page.goto(`${BASE_URL}/la/Derby/report?at=${at}&from=2021-09-01&to=2022-08-31`);
  assert.ok(await assertOutcomesBySql(page, '2021-09-01', '2022-08-31') > 0, 'the school year has graded inspections');
  await page.goto(`${BASE_URL}/la/Derby/report?${query}`);

  // Downloads: the Markdown link gives the same report.
  const md = await page.request.get(`${BASE_URL}/la/Derby/report.md?${query}`);
  assert.equal(md.status(), 200);
  const text = await md.text();
  assert.ok(text.startsWith(`# Derby: LA report as at ${at}\n`));
  assert.ok(text.includes(`| All | ${profile.schools} |`), 'the Markdown register total');
  await shot(page, '40-la-report-derby');

  // The A4 PDF.
  const file = path.join(OUTPUT, 'la-report-derby.pdf');
  const bytes = await page.pdf({ path: file, format: 'A4', printBackground: true });
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const boxes = mediaBoxes(bytes);
  assert.ok(boxes.length >= 2, `a report of several pages (${boxes.length})`);
  assert.ok(boxes.every(([w, h]) => Math.abs(w - A4[0]) < 1 && Math.abs(h - A4[1]) < 1), `every page A4: ${JSON.stringify(boxes)}`);
  assert.ok(fs.statSync(file).size > 10000);
  t.diagnostic(`${file}: ${boxes.length} A4 pages`);
  assertNoPageErrors(page);
  await page.context().close();
});
