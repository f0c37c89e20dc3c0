// The draft focused-inspection letter (issue 17 points 3–5) in the browser: reached from Derby's
// outcomes page for 17–23 January 2013 (the week letter 004 reports), its figures checked against
// the public outcomes route and counted by hand in SQL on the server's database, printed to an A4 PDF saved in test-output/browser/, and its Markdown
// download read back through the release binary's `letters parse`, which must find the page's counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL, OUTPUT, assertNoPageErrors, newPage, shot, sql, useBrowser } from './helpers.mjs';

const browser = useBrowser();
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The binary scripts/browser-test built and serves: where it looks for it. */
const BINARY = path.join(path.resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target'), 'release', 'schoolsight');
const FROM = '2013-01-17';
const TO = '2013-01-23';
const MOVEMENTS = { improved: 'improved', held: 'held', declined: 'declined', no_previous: 'no previous judgement' };

/** A4 in PDF points (1/72 inch): 210 × 297 mm. */
const A4 = [595.28, 841.89];

/** The MediaBox of every page of a PDF written by Chromium (its page objects are not compressed). */
function mediaBoxes(bytes) {
  return [...bytes.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** The letter's "Figures and their sources" table as the page shows it: label → value. */
async function figures(page) {
  const rows = await page.locator('#letter table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent.trim(), Number(tr.cells[1].textContent)]));
  return Object.fromEntries(rows);
}

/** What `letters parse --json` reads from a file: judgement key → [schools, improved, held, declined]. */
function parseLetter(file) {
  const run = spawnSync(BINARY, ['letters', 'parse', file, '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, `${BINARY} letters parse: ${run.stderr}`);
  const letter = JSON.parse(run.stdout);
  assert.equal(letter.kind.kind, 'la_focused_inspections', 'read as a focused-inspection letter');
  const counts = {};
  for (const o of letter.focused.outcomes) {
    const c = counts[o.judgement] ?? [0, 0, 0, 0];
    counts[o.judgement] = [c[0] + o.count, c[1] + (o.improved ?? 0), c[2] + (o.held ?? 0), c[3] + (o.declined ?? 0)];
  }
  return { inspected: letter.focused.inspected, counts };
}

test('Derby’s draft letter from its outcomes page: the outcomes route’s counts, A4, and the parser reads them back', async (t) => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/la/Derby/outcomes?from=${FROM}&to=${TO}`);
  const link = page.locator('#draft-letter-link');
  assert.equal(await link.getAttribute('href'), `/la/Derby/draft-letter?from=${FROM}&to=${TO}`, 'the link keeps the period');
  await link.click();
  await page.waitForURL(/\/la\/Derby\/draft-letter\?/);
  assert.equal(await page.locator('h1').count(), 1);
  assert.equal(await page.locator('h1').textContent(), 'Derby local authority – focused inspections – 17 January 2013 to 23 January 2013');
  assert.equal(await page.locator('main form input[name=from]').inputValue(), FROM);
  assert.equal(await page.locator('main form select[name=phase]').inputValue(), '', 'all phases');

  // The counts the letter states, against the public outcomes route.
  const response = await page.request.get(`${BASE_URL}/api/las/Derby/outcomes?from=${FROM}&to=${TO}`);
  assert.equal(response.status(), 200);
  const outcomes = await response.json();
  assert.ok(outcomes.inspected > 0, 'the week has inspections');
  const shown = await figures(page);
  assert.equal(shown['schools inspected'], outcomes.inspected, 'schools inspected');
  for (const j of outcomes.judgements) {
    if (j.count === 0) {
      assert.equal(shown[`graded ${j.label}`], undefined, `no ${j.label} figure`);
      continue;
    }
    assert.equal(shown[`graded ${j.label}`], j.count, `graded ${j.label}`);
    for (const [key, words] of Object.entries(MOVEMENTS)) {
      assert.equal(shown[`graded ${j.label}, ${words}`] ?? 0, j.movements[key] ?? 0, `graded ${j.label}, ${words}`);
    }
  }
  assert.equal(shown.improved, outcomes.movements.improved ?? 0, 'improved in all');
  assert.equal(shown.declined, outcomes.movements.declined ?? 0, 'declined in all');
  const goodOrBetter = outcomes.judgements.filter((j) => j.judgement === 'outstanding' || j.judgement === 'good').reduce((n, j) => n + j.count, 0);
  assert.equal(shown['judged good or outstanding'], goodOrBetter);
  // The same counts by hand from the database: graded inspections of Derby's schools that
  // started in the week, by grade.
  const byGrade = sql(`SELECT i.grade, COUNT(*) AS n FROM inspections i JOIN schools s ON s.urn = i.urn
    WHERE s.la_name = ? AND i.grade IS NOT NULL AND i.start_date BETWEEN ? AND ? GROUP BY i.grade`, 'Derby', FROM, TO);
  assert.equal(shown['schools inspected'], byGrade.reduce((n, r) => n + r.n, 0), 'schools inspected, by SQL');
  const labels = ['outstanding', 'good', 'requires improvement', 'inadequate'];
  for (const r of byGrade) assert.equal(shown[`graded ${labels[r.grade - 1]}`], r.n, `graded ${labels[r.grade - 1]}, by SQL`);
  const headings = await page.locator('#letter h2').allTextContents();
  assert.deepEqual(headings, ['Context', 'Outline of inspection activities', 'Inspection outcomes', 'Survey findings', 'Strengths', 'Areas for improvement', 'Figures and their sources']);
  await shot(page, '50-draft-letter-derby');

  // The A4 PDF.
  const pdf = path.join(OUTPUT, 'draft-letter-derby.pdf');
  const bytes = await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const boxes = mediaBoxes(bytes);
  assert.ok(boxes.length >= 1, `pages: ${boxes.length}`);
  assert.ok(boxes.every(([w, h]) => Math.abs(w - A4[0]) < 1 && Math.abs(h - A4[1]) < 1), `every page A4: ${JSON.stringify(boxes)}`);
  t.diagnostic(`${pdf}: ${boxes.length} A4 pages`);

  // The Markdown download, read back by the letters parser: the page's counts.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-md').click()]);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'draft-letter-'));
  try {
    const md = path.join(folder, download.suggestedFilename());
    await download.saveAs(md);
    assert.match(fs.readFileSync(md, 'utf8'), /^# Derby local authority – focused inspections/);
    const back = parseLetter(md);
    assert.equal(back.inspected, shown['schools inspected'], 'inspected, read back');
    for (const j of outcomes.judgements.filter((o) => o.count > 0)) {
      const expected = [`graded ${j.label}`, `graded ${j.label}, improved`, `graded ${j.label}, held`, `graded ${j.label}, declined`].map((label) => shown[label] ?? 0);
      assert.deepEqual(back.counts[j.judgement], expected, `${j.label}: schools, improved, held, declined, read back`);
    }
    assert.deepEqual(Object.keys(back.counts).sort(), outcomes.judgements.filter((o) => o.count > 0).map((o) => o.judgement).sort(), 'no other judgement read');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }

  // The form narrows the letter to one phase, and the downloads follow it.
  await page.locator('main form select[name=phase]').selectOption('primary');
  await page.locator('main form button[type=submit]').click();
  await page.waitForURL(/phase=primary/);
  assert.equal(await page.locator('main form select[name=phase]').inputValue(), 'primary');
  assert.match(await page.locator('#download-md').getAttribute('href'), /&phase=primary&format=md$/);
  // Infant and junior schools are counted with primaries, as national statistics count them.
  const primaries = outcomes.schools.filter((s) => ['primary', 'infant', 'junior'].includes(s.phase)).length;
  const narrowed = (await figures(page))['primary schools inspected'];
  assert.equal(narrowed, primaries, 'primary schools inspected');
  const [{ n: primariesBySql }] = sql(`SELECT COUNT(*) AS n FROM inspections i JOIN schools s ON s.urn = i.urn
    WHERE s.la_name = ? AND i.grade IS NOT NULL AND i.start_date BETWEEN ? AND ? AND s.phase IN ('primary', 'infant', 'junior')`, 'Derby', FROM, TO);
  assert.equal(narrowed, primariesBySql, 'primary schools inspected, by SQL');

  // A period the wrong way round is refused with the site's error page.
  const refused = await page.request.get(`${BASE_URL}/la/Derby/draft-letter?from=${TO}&to=${FROM}`);
  assert.equal(refused.status(), 400);
  assert.match(await refused.text(), /is after to/);
  assertNoPageErrors(page);
  await page.context().close();
});
