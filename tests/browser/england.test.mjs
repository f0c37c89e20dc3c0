// England → an LA → one of its schools; and a Hampshire school found by the header search →
// its pupil outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, ISO_DATE, assertNoPageErrors, columnTexts, newPage, number, rowTexts, shot, useBrowser,
} from './helpers.mjs';

const browser = useBrowser();

test('England → Derby → a Derby school and its inspection history', async (t) => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/`);
  await page.getByRole('heading', { level: 1, name: 'Local authorities in England' }).waitFor();
  const englandPercent = (await page.locator('p.lead strong').nth(1).textContent()).trim();
  assert.match(englandPercent, /^\d+\.\d%$/, 'England’s percentage good or outstanding');
  const ranking = page.locator('table.ranking');
  assert.ok(await ranking.locator('tbody tr').count() >= 100, 'every LA is ranked');
  const derbyRow = ranking.locator('tbody tr').filter({ has: page.getByRole('link', { name: 'Derby', exact: true }) });
  const [rank, , schools, inspected, coverage, percent] = await rowTexts(derbyRow);
  assert.equal(coverage, `${(100 * number(inspected) / number(schools)).toFixed(1)}%`, 'coverage is the known judgements over the schools');
  assert.ok(number(rank) >= 1, `Derby has a rank (${rank})`);
  assert.ok(number(schools) > 0 && number(inspected) > 0, `Derby has schools (${schools}, ${inspected} inspected)`);
  assert.match(percent, /^\d+\.\d%$/);
  t.diagnostic(`index: Derby rank ${rank}, ${schools} schools, ${percent} good or outstanding; England ${englandPercent}`);
  await shot(page, '01-england');

  await derbyRow.getByRole('link', { name: 'Derby', exact: true }).click();
  await page.waitForURL(/\/la\/Derby(\?|$)/);
  await page.getByRole('heading', { level: 1, name: 'Derby', exact: true }).waitFor();
  const lead = await page.locator('p.lead').textContent();
  assert.match(lead, new RegExp(`there are ${number(schools)} open state-funded schools`), 'the LA page counts the schools the index counted');

  await page.getByRole('heading', { level: 2, name: 'Schools by phase and type' }).waitFor();
  const phases = page.locator('table#phases');
  const phaseTotals = (await columnTexts(phases, 1)).map(number);
  assert.ok(phaseTotals.length >= 3 && phaseTotals.every((n) => n !== null), `phase totals are numbers: ${phaseTotals}`);
  const footer = await rowTexts(phases.locator('tfoot tr'));
  assert.equal(footer[0], 'All');
  assert.equal(number(footer[1]), number(schools), 'the phases add up to the LA’s schools');
  assert.equal(phaseTotals.reduce((a, b) => a + b, 0), number(schools));

  await page.getByRole('heading', { level: 2, name: 'Good or outstanding, against England' }).waitFor();
  const all = await rowTexts(page.locator('table#shares tbody tr').first());
  assert.equal(all[0], 'all schools');
  assert.equal(all[1], percent, 'the LA’s percentage matches the index');
  assert.match(all[2], new RegExp(`of ${number(inspected)} with a known judgement$`));
  assert.match(all[3], new RegExp(`^${number(inspected)} of ${number(schools)} \\(`), 'the LA’s coverage matches the index');
  assert.equal(all[4], englandPercent, 'England’s percentage matches the index');
  assert.match(all[6], new RegExp(`^${number(rank)} of \\d+`), 'the rank matches the index');

  const charts = page.locator('.charts figure svg.chart');
  assert.equal(await charts.count(), 2, 'two SVG charts');
  assert.match(await charts.nth(0).locator('title').textContent(), /good or outstanding/i);
  assert.match(await charts.nth(1).locator('title').textContent(), /Latest judgements of Derby/);
  const judgementCounts = (await charts.nth(1).locator('text.value').allTextContents()).map(number);
  assert.equal(judgementCounts.reduce((a, b) => a + b, 0), number(inspected), 'the judgement bars add up to the inspected schools');
  assert.ok(await page.locator('figure svg.chart rect').count() >= 4, 'the charts draw bars');
  await shot(page, '02-la-derby');

  // The first school in the list with an inspection date.
  const table = page.locator('table#schools');
  const names = await columnTexts(table, 0);
  const dates = await columnTexts(table, 4);
  assert.ok(names.length >= number(schools), `every school is listed (${names.length} rows)`);
  const i = dates.findIndex((d) => ISO_DATE.test(d));
  assert.ok(i >= 0, 'some Derby school has been inspected');
  const [name, date] = [names[i], dates[i]];
  await table.locator('tbody tr').nth(i).getByRole('link', { name, exact: true }).click();
  await page.waitForURL(/\/school\/\d+$/);
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  const urn = page.url().match(/\/school\/(\d+)$/)[1];
  assert.equal((await page.locator('dl.facts dd').first().textContent()).trim(), urn);
  await page.getByRole('heading', { level: 2, name: 'Inspection history' }).waitFor();
  const starts = await columnTexts(page.locator('table#timeline'), 0);
  assert.ok(starts.length >= 1 && starts.every((d) => ISO_DATE.test(d)), `the timeline lists dated inspections: ${starts}`);
  assert.ok(starts.includes(date), `the latest inspection on the LA page (${date}) is in the timeline`);
  assert.equal(await page.locator('figure svg.chart').count(), 1, 'a timeline chart');
  assert.ok(await page.locator('figure svg.chart circle').count() >= 1, 'the chart marks each graded inspection');
  assert.ok(await page.getByRole('navigation').getByRole('link', { name: 'Derby' }).isVisible(), 'the breadcrumb leads back to Derby');
  t.diagnostic(`school ${urn} ${name}: inspections on ${starts.join(", ")}`);
  await shot(page, `03-school-${urn}`);
  assertNoPageErrors(page);
  await page.context().close();
});

test('the header search finds Anstey Junior School (Hampshire) and its pupil outcomes', async () => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/`);
  await page.locator('header form[role=search] input#q').fill('Anstey Junior');
  await page.locator('header form[role=search] button[type=submit]').click();
  await page.waitForURL(/\/search\?q=Anstey/);
  const hit = page.locator('#school-hits li').filter({ hasText: 'Anstey Junior School' });
  await hit.first().waitFor();
  assert.match(await hit.first().textContent(), /Hampshire/);
  await shot(page, '04-search-anstey');

  await hit.first().getByRole('link', { name: 'Anstey Junior School' }).click();
  await page.waitForURL(/\/school\/115851$/);
  await page.getByRole('heading', { level: 1, name: 'Anstey Junior School' }).waitFor();
  assert.ok(await page.locator('dl.facts').getByRole('link', { name: 'Hampshire' }).isVisible());
  await page.getByRole('heading', { level: 2, name: 'Inspection history' }).waitFor();
  assert.ok((await columnTexts(page.locator('table#timeline'), 0)).length >= 1);
  await shot(page, '05-school-115851');

  await page.getByRole('link', { name: 'Pupil outcomes and attendance by group' }).click();
  await page.waitForURL(/\/school\/115851\/outcomes$/);
  await page.getByRole('heading', { level: 1, name: 'Anstey Junior School: pupil outcomes' }).waitFor();
  const ks2 = page.locator('section#ks2_rwm_expected');
  await ks2.getByRole('heading', { level: 2, name: 'KS2 % meeting the expected standard in reading, writing and maths' }).waitFor();
  const table = ks2.locator('table');
  assert.deepEqual(await rowTexts(table.locator('thead tr')), ['Pupils', '2016/17', '2017/18', '2018/19']);
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  const byLabel = Object.fromEntries(rows.map((r) => [r[0], r.slice(1)]));
  assert.deepEqual(byLabel['all pupils'], ['68%', '57%', '63%'], 'the published KS2 figures');
  for (const label of ['disadvantaged pupils', 'Hampshire, all pupils', 'England, all pupils', 'gap: disadvantaged − other']) {
    assert.ok(byLabel[label], `a row for ${label}`);
    assert.ok(byLabel[label].every((v) => number(v) !== null), `${label}: ${byLabel[label]}`);
  }
  const chart = ks2.locator('figure svg.chart');
  assert.equal(await chart.count(), 1, 'a chart of the measure');
  assert.ok(await chart.locator('polyline').count() >= 1, 'the chart draws lines');
  assert.ok(await page.locator('section svg.chart').count() >= 5, 'every measure with figures has its chart');
  await shot(page, '06-school-115851-outcomes');
  assertNoPageErrors(page);
  await page.context().close();
});
