// Casework behind sign-in: an LA officer signs in, opens a case on one of the LA's schools and
// records its core-group meeting; the next meeting is scheduled six weeks on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, assertNoPageErrors, newPage, shot, useBrowser } from './helpers.mjs';

const browser = useBrowser();
const USER = process.env.BROWSER_USER;
const PASSWORD = process.env.BROWSER_PASSWORD;

/** yyyy-mm-dd of a day `days` after `iso`. */
function addDays(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

test('an LA officer signs in, opens a case and records a core-group meeting', async () => {
  assert.ok(USER && PASSWORD, 'scripts/browser-test creates the user');
  const page = await newPage(browser());
  // Casework needs a session: the page sends us to sign in, and back afterwards.
  const first = await page.goto(`${BASE_URL}/cases`);
  assert.ok(first.ok());
  await page.waitForURL(/\/login\?next=%2Fcases|\/login\?next=\/cases/);
  await page.locator('#login input[name=name]').fill(USER);
  await page.locator('#login input[name=password]').fill(PASSWORD);
  await shot(page, '20-login');
  await page.locator('#login button[type=submit]').click();
  await page.waitForURL(/\/cases$/);
  assert.match(await page.locator('main p.lead').textContent(), new RegExp(`Signed in as ${USER}`));

  // A Derby school, from the LA page.
  const la = await newPage(browser());
  await la.goto(`${BASE_URL}/la/Derby`);
  const href = await la.locator('#schools tbody tr a').first().getAttribute('href');
  const urn = href.match(/\/school\/(\d+)/)[1];
  await la.context().close();

  await page.locator('#open-case input[name=urn]').fill(urn);
  await page.locator('#open-case select[name=category]').selectOption('core_group');
  await page.locator('#open-case textarea[name=reason]').fill('Reading results fell two years running');
  await page.locator('#open-case button[type=submit]').click();
  await page.waitForURL(/\/cases\/[0-9a-f]+$/);
  const meetings = page.locator('#meetings tbody tr');
  assert.equal(await meetings.count(), 1, 'the first core group is scheduled when the case opens');
  const scheduled = (await meetings.first().locator('td').first().textContent()).trim().slice(0, 10);
  await shot(page, '21-case-opened');

  const held = await page.locator('#record-meeting input[name=held_on]').inputValue();
  await page.locator('#record-meeting input[name=attendees]').fill('headteacher, chair of governors, link officer');
  await page.locator('#record-meeting textarea[name=notes]').fill('Phonics audit reviewed; Year 2 data discussed.');
  await page.locator('#record-meeting textarea[name=decisions]').fill('Commission reading support from a strong local school.');
  await page.locator('#record-meeting button[type=submit]').click();
  await page.waitForURL(/\/cases\/[0-9a-f]+$/);
  await page.locator('#meetings tbody tr').nth(1).waitFor();
  const rows = await page.locator('#meetings tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.equal(rows.length, 2, 'the next meeting is scheduled');
  assert.equal(rows[0][0].slice(0, 10), scheduled);
  assert.equal(rows[0][1], held, 'the meeting is recorded as held');
  assert.equal(rows[0][2], 'headteacher, chair of governors, link officer');
  assert.equal(rows[1][0].slice(0, 10), addDays(held, 42), 'six weeks after the meeting');
  const history = await page.locator('#events li').allTextContents();
  assert.ok(history.some((e) => e.includes('meeting_held')), `the case history records the meeting: ${history}`);
  await shot(page, '22-meeting-recorded');
  assertNoPageErrors(page);
  await page.context().close();
});
