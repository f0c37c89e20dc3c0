// Printing: an A4 PDF of an LA page (and of a school's outcomes, with line charts), navigation and
// forms hidden, charts within the page width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BASE_URL, OUTPUT, assertNoPageErrors, newPage, shot, useBrowser } from './helpers.mjs';

const browser = useBrowser();

// A4 is 210 mm wide; less 2 × 15 mm margins that leaves 180 mm = 680 CSS pixels.
const A4_CONTENT_WIDTH = Math.floor((180 / 25.4) * 96);

/** The number of pages of a PDF written by Chromium (its page objects are not compressed). */
function pdfPages(bytes) {
  const text = bytes.toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || [];
  return pages.length;
}

/** Renders page 1 of a PDF to PNG for a person to look at, if poppler's pdftoppm is installed. */
function renderFirstPage(pdf, t) {
  const probe = spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' });
  if (probe.error) {
    t.diagnostic('pdftoppm (poppler-utils) is not installed: no PNG of the printed page');
    return;
  }
  const out = pdf.replace(/\.pdf$/, '-page1');
  const run = spawnSync('pdftoppm', ['-png', '-r', '100', '-f', '1', '-l', '1', '-singlefile', pdf, out], { encoding: 'utf8' });
  if (run.status === 0) t.diagnostic(`page 1 rendered to ${out}.png`);
  else t.diagnostic(`pdftoppm failed: ${run.stderr}`);
}

async function printToPdf(page, name, t) {
  const file = path.join(OUTPUT, `${name}.pdf`);
  const bytes = await page.pdf({ path: file, format: 'A4', printBackground: true });
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'a PDF');
  assert.ok(fs.statSync(file).size > 1000, 'the PDF has content');
  const pages = pdfPages(bytes);
  assert.ok(pages >= 1, `at least one page (${pages})`);
  t.diagnostic(`${file}: ${pages} A4 pages`);
  renderFirstPage(file, t);
  return pages;
}

/** The computed `display` of every element a selector matches. */
function displays(page, selector) {
  return page.locator(selector).evaluateAll((els) => els.map((e) => getComputedStyle(e).display));
}

test('the Derby LA page prints to a clean A4 PDF', async (t) => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/la/Derby`);
  await page.getByRole('heading', { level: 1, name: 'Derby', exact: true }).waitFor();
  await page.locator('table#schools[data-enhanced]').waitFor();
  const pages = await printToPdf(page, 'la-derby-print', t);
  assert.ok(pages >= 2, 'a hundred schools take more than one page');

  await page.emulateMedia({ media: 'print' });
  assert.deepEqual(await displays(page, 'header.top form'), ['none'], 'the header’s search form is hidden');
  assert.deepEqual(await displays(page, 'header.top nav'), ['none'], 'the breadcrumb navigation is hidden');
  assert.ok((await displays(page, 'main form')).every((d) => d === 'none'), 'the page’s forms are hidden');
  assert.ok((await displays(page, '.table-tools, button.csv')).every((d) => d === 'none'), 'the CSV buttons are hidden');
  assert.ok((await displays(page, '#schools thead th')).every((d) => d === 'table-cell'), 'the column headers print');
  assert.deepEqual(await displays(page, '#schools thead'), ['table-header-group'], 'the header row repeats on every page');
  const keepWhole = await page.evaluate(() => ['#schools tbody tr', 'figure'].map((s) => getComputedStyle(document.querySelector(s)).breakInside));
  assert.deepEqual(keepWhole, ['avoid', 'avoid'], 'rows and figures are not split across pages');
  assert.ok(await page.locator('h1').isVisible() && await page.locator('table#schools').isVisible());

  // At the width of an A4 page's content, nothing is wider than the page.
  await page.setViewportSize({ width: A4_CONTENT_WIDTH, height: 1000 });
  const widest = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    charts: [...document.querySelectorAll('svg.chart')].map((s) => Math.ceil(s.getBoundingClientRect().right)),
    tables: [...document.querySelectorAll('table')].map((s) => Math.ceil(s.getBoundingClientRect().right)),
  }));
  assert.ok(widest.page <= A4_CONTENT_WIDTH, `the printed page is no wider than A4 (${widest.page}px)`);
  // Phases, shares against England, and the LA's share over the years against England's.
  assert.equal(widest.charts.length, 3);
  assert.ok([...widest.charts, ...widest.tables].every((r) => r <= A4_CONTENT_WIDTH), `charts and tables fit: ${JSON.stringify(widest)}`);
  await shot(page, '14-la-derby-print-media');
  assertNoPageErrors(page);
  await page.context().close();
});

test('a school’s outcomes print with their line charts within the page', async (t) => {
  const page = await newPage(browser());
  await page.goto(`${BASE_URL}/school/115851/outcomes`);
  await page.getByRole('heading', { level: 1, name: 'Anstey Junior School: pupil outcomes' }).waitFor();
  await printToPdf(page, 'school-115851-outcomes-print', t);
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: A4_CONTENT_WIDTH, height: 1000 });
  const rights = await page.locator('svg.chart').evaluateAll((svgs) => svgs.map((s) => Math.ceil(s.getBoundingClientRect().right)));
  assert.ok(rights.length >= 5 && rights.every((r) => r <= A4_CONTENT_WIDTH), `charts fit: ${rights}`);
  // In black and white the three lines differ by their dash pattern.
  const dashes = await page.locator('section#ks2_rwm_expected svg .series').evaluateAll((lines) =>
    [...new Set(lines.map((l) => getComputedStyle(l).strokeDasharray))]);
  assert.equal(dashes.length, 3, `three line styles: ${dashes}`);
  assertNoPageErrors(page);
  await page.context().close();
});
