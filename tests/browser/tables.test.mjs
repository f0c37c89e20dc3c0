// tables.js: sortable columns (text, percentages, signed scores, blanks last) and CSV export;
// and the same tables without script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  BASE_URL, OUTPUT, assertNoPageErrors, columnTexts, newPage, number, parseCsv, rowTexts, shot, useBrowser,
} from './helpers.mjs';

const browser = useBrowser();
const collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/** Clicks a column's sort button and waits until its header announces the new order. */
async function sortBy(table, name, expected) {
  const th = table.locator('thead th').filter({ has: table.page().getByRole('button', { name, exact: true }) });
  await th.getByRole('button', { name, exact: true }).click();
  await table.locator(`thead th[aria-sort="${expected}"]`).filter({ hasText: name }).waitFor();
  assert.equal(await table.locator('thead th[aria-sort]').count(), 1, 'only one column is marked as sorted');
}

test('the Derby schools table sorts by name both ways and downloads as CSV in that order', async (t) => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/la/Derby`);
  const table = page.locator('table#schools');
  await page.locator('table#schools[data-enhanced]').waitFor();
  const original = await columnTexts(table, 0);
  assert.ok(original.length > 20);

  await sortBy(table, 'School', 'ascending');
  const ascending = await columnTexts(table, 0);
  assert.deepEqual([...ascending].sort(), [...original].sort(), 'sorting keeps every row');
  for (let i = 1; i < ascending.length; i++) {
    assert.ok(collator.compare(ascending[i - 1], ascending[i]) <= 0, `A→Z: ${ascending[i - 1]} before ${ascending[i]}`);
  }
  await sortBy(table, 'School', 'descending');
  const descending = await columnTexts(table, 0);
  assert.deepEqual(descending, [...ascending].reverse(), 'the second click reverses the order');
  // Links still lead to the right school after rows have moved.
  const href = await table.locator('tbody tr').first().getByRole('link').getAttribute('href');
  assert.match(href, /^\/school\/\d+$/);
  await shot(page, '11-la-derby-schools-sorted-z-a');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('section').filter({ has: table }).getByRole('button', { name: /^Download CSV/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^derby-schools\.csv$/);
  const file = path.join(OUTPUT, 'derby-schools-z-a.csv');
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  const text = bytes.toString('utf8');
  assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 byte-order mark, for spreadsheet programs');
  assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends (RFC 4180)');
  const rows = parseCsv(text.slice(1));
  const header = await rowTexts(table.locator('thead tr'));
  assert.deepEqual(rows[0], header, 'the CSV header is the table header, without the button');
  assert.deepEqual(header, ['School', 'Phase', 'Type', 'Latest judgement', 'Inspected']);
  assert.equal(rows.length, 1 + descending.length, 'one CSV row per table row');
  assert.deepEqual(rows.slice(1).map((r) => r[0]), descending, 'the CSV is in the order on screen');
  assert.ok(rows.every((r) => r.length === header.length), 'every CSV row has every column');
  assert.deepEqual(rows[1], await rowTexts(table.locator('tbody tr').first()));
  t.diagnostic(`CSV: ${rows.length} rows × ${header.length} columns, saved to ${file}`);
  assertNoPageErrors(page);
  await page.context().close();
});

test('percentages sort as numbers with blanks last, judgements by grade, scores with their signs', async () => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/la/Derby`);
  const shares = page.locator('table#shares');
  await page.locator('table#shares[data-enhanced]').waitFor();

  await sortBy(shares, 'Derby', 'ascending');
  let values = await columnTexts(shares, 1);
  let numbers = values.filter((v) => number(v) !== null).map(number);
  // With the whole inspection history every phase of Derby may have a percentage: blanks, where
  // there are any, must still sort last.
  assert.ok(numbers.length >= 3, `percentages: ${values}`);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), `ascending: ${values}`);
  assert.deepEqual(values.slice(numbers.length), values.filter((v) => v === '–'), `blanks last: ${values}`);
  await sortBy(shares, 'Derby', 'descending');
  values = await columnTexts(shares, 1);
  numbers = values.filter((v) => number(v) !== null).map(number);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), `descending: ${values}`);
  assert.deepEqual(values.slice(numbers.length), values.filter((v) => v === '–'), `blanks still last: ${values}`);

  const schools = page.locator('table#schools');
  await sortBy(schools, 'Latest judgement', 'ascending');
  const judgements = await columnTexts(schools, 3);
  // A graded inspection since September 2024 has no overall grade: it sorts with the blanks, last.
  const grade = {
    outstanding: 1, good: 2, 'requires improvement': 3, satisfactory: 3, inadequate: 4, 'no overall grade': 5, 'not inspected': 5,
  };
  const grades = judgements.map((j) => grade[j.replace(/ \(.*\)$/, '')]);
  assert.ok(grades.every(Boolean), `known judgements: ${[...new Set(judgements)]}`);
  assert.deepEqual(grades, [...grades].sort((a, b) => a - b), 'outstanding first; no overall grade and not inspected last');

  await page.goto(`${BASE_URL}/school/115851/outcomes`);
  const progress = page.locator('section#ks2_reading_progress table');
  await page.locator('section#ks2_reading_progress table[data-enhanced]').waitFor();
  await sortBy(progress, '2018/19', 'ascending');
  const scores = await columnTexts(progress, 3);
  assert.ok(scores.some((s) => s.startsWith('+')) && scores.some((s) => s.startsWith('-')), `signed scores: ${scores}`);
  const parsed = scores.filter((s) => number(s) !== null).map(number);
  assert.deepEqual(parsed, [...parsed].sort((a, b) => a - b), `scores ascending: ${scores}`);
  await shot(page, '12-school-115851-outcomes-sorted');
  assertNoPageErrors(page);
  await page.context().close();
});

test('without script the tables are complete and plain', async () => {
  const page = await newPage(browser(), { javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/la/Derby`);
  const table = page.locator('table#schools');
  await table.waitFor();
  assert.ok((await columnTexts(table, 0)).length > 20, 'every school is listed');
  assert.equal(await page.locator('button.sort, .table-tools, [data-enhanced]').count(), 0, 'no script, no sort buttons');
  assert.deepEqual(await rowTexts(table.locator('thead tr')), ['School', 'Phase', 'Type', 'Latest judgement', 'Inspected']);
  await shot(page, '13-la-derby-without-script');
  await page.context().close();
});
