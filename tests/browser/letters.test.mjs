// Letters: found by their words, opened, read as structured records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, assertNoPageErrors, columnTexts, newPage, shot, useBrowser } from './helpers.mjs';

const browser = useBrowser();

test('searching "core group" finds Staffordshire’s focused-inspection letter: 18 inspected', async () => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/search`);
  await page.locator('main form input#q2').fill('core group');
  await page.locator('main form button[type=submit]').click();
  await page.waitForURL(/\/search\?q=core(\+|%20)group/);
  const hits = page.locator('#letter-hits > li');
  await hits.first().waitFor();
  const staffordshire = hits.filter({ hasText: /Staffordshire/i });
  assert.equal(await staffordshire.count(), 1, 'one hit is the Staffordshire letter');
  const highlighted = (await staffordshire.locator('.snippet b').allTextContents()).map((w) => w.toLowerCase());
  assert.ok(highlighted.includes('core') && highlighted.includes('group'), `the snippet highlights the words: ${highlighted}`);
  await shot(page, '07-search-core-group');

  await staffordshire.getByRole('link').first().click();
  await page.waitForURL(/\/letters\/[0-9a-f]+$/);
  await page.getByRole('heading', { level: 1, name: /STAFFORDSHIRE LOCAL AUTHORITY FOCUSED INSPECTIONS/ }).waitFor();
  assert.match(await page.locator('dl.facts').textContent(), /LA focused inspections/);
  const focused = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Focused inspections' }) });
  await focused.waitFor();
  assert.match(await focused.locator('p').first().textContent(), /^18 schools inspected; 22 surveyed\.$/);
  const outcomes = await focused.locator('#focused-outcomes li').allTextContents();
  assert.ok(outcomes.length >= 3, `outcomes by judgement: ${outcomes}`);
  const total = outcomes.reduce((sum, line) => sum + Number(line.match(/^(\d+) /)[1]), 0);
  assert.equal(total, 18, `the outcomes add up to the 18 inspected: ${outcomes.join('; ')}`);
  await shot(page, '08-letter-staffordshire');
  assertNoPageErrors(page);
  await page.context().close();
});

test('the Calderstones School monitoring letter lists its three actions', async () => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/search?q=${encodeURIComponent('Calderstones monitoring')}`);
  const hit = page.locator('#letter-hits > li').filter({ hasText: 'Calderstones School' }).first();
  await hit.waitFor();
  await hit.getByRole('link').first().click();
  await page.waitForURL(/\/letters\/[0-9a-f]+$/);
  await page.getByRole('heading', { level: 1, name: /monitoring inspection visit to Calderstones School/ }).waitFor();
  const facts = await page.locator('dl.facts').textContent();
  assert.match(facts, /Monitoring inspection of a school/);
  assert.match(facts, /Calderstones School/);
  await page.getByRole('heading', { level: 2, name: 'The school should take further action to' }).waitFor();
  const actions = page.locator('table#actions');
  const texts = await columnTexts(actions, 0);
  assert.equal(texts.length, 3, `three actions: ${texts.join(' | ')}`);
  assert.match(texts[0], /mathematics/);
  assert.deepEqual(await columnTexts(actions, 1), ['open', 'open', 'open'], 'every action is open until someone closes it');
  await shot(page, '09-letter-calderstones');
  assertNoPageErrors(page);
  await page.context().close();
});
