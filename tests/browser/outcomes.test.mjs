// An LA's inspection outcomes in a period, asked through the LA page's form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, ISO_DATE, assertNoPageErrors, columnTexts, newPage, number, rowTexts, shot, useBrowser } from './helpers.mjs';

const browser = useBrowser();

test('Surrey’s outcomes from 2021-09-01 to 2022-04-20: improved, held and declined add up', async (t) => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/la/Surrey`);
  await page.getByRole('heading', { level: 2, name: 'Inspection outcomes in a period' }).waitFor();
  await page.locator('input#from').fill('2021-09-01');
  await page.locator('input#to').fill('2022-04-20');
  await page.getByRole('button', { name: 'Show outcomes' }).click();
  await page.waitForURL(/\/la\/Surrey\/outcomes\?from=2021-09-01&to=2022-04-20$/);
  await page.getByRole('heading', { level: 1, name: 'Surrey: inspection outcomes' }).waitFor();

  const lead = await page.locator('p.lead').textContent();
  const inspected = Number(lead.match(/^(\d+) schools had a graded inspection between 2021-09-01 and 2022-04-20/)[1]);
  assert.ok(inspected > 0);

  const table = page.locator('table#outcomes');
  assert.deepEqual(await rowTexts(table.locator('thead tr')), ['Judgement', 'Schools', 'Improved', 'Held', 'Declined', 'No previous', 'Category']);
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.deepEqual(rows.map((r) => r[0]), ['outstanding', 'good', 'requires improvement', 'inadequate']);
  for (const [label, count, ...moves] of rows) {
    const [improved, held, declined, none] = moves.slice(0, 4).map(number);
    assert.equal(improved + held + declined + none, number(count), `${label}: the movements add up to the schools`);
  }
  const declined = rows.map((r) => number(r[4]));
  assert.ok(declined.every((n) => n !== null), `declined counts are numbers: ${declined}`);
  const declinedTotal = declined.reduce((a, b) => a + b, 0);
  assert.ok(declinedTotal > 0, 'some schools declined');
  assert.equal(rows.reduce((sum, r) => sum + number(r[1]), 0), inspected, 'the judgements add up to the schools inspected');

  const list = page.locator('table#inspected');
  const dates = await columnTexts(list, 0);
  assert.equal(dates.length, inspected, 'one row per inspection');
  assert.ok(dates.every((d) => ISO_DATE.test(d) && d >= '2021-09-01' && d <= '2022-04-20'), 'every inspection is in the period');
  const movements = await columnTexts(list, 5);
  assert.equal(movements.filter((m) => m === 'declined').length, declinedTotal, 'the schools listed as declined match the count');
  const walton = list.locator('tbody tr').filter({ hasText: 'Walton-on-the-Hill Primary School' });
  assert.deepEqual((await rowTexts(walton)).slice(3), ['good', 'outstanding (2007-03-14)', 'declined']);
  assert.equal(await page.locator('figure svg.chart').count(), 1, 'a chart of the judgements');
  t.diagnostic(`Surrey: ${inspected} inspected, ${declinedTotal} declined`);
  await shot(page, '10-la-surrey-outcomes');
  assertNoPageErrors(page);
  await page.context().close();
});
