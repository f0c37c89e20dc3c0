// Shared setup for the browser tests: Debian's Chromium driven by playwright-core (no browser
// download), the address of a running `schoolsight serve`, and where screenshots go.
//
// Environment (scripts/browser-test sets all of them):
//   SCHOOLSIGHT_URL   the server's base URL, e.g. http://127.0.0.1:41234 (required)
//   BROWSER_OUTPUT    folder for screenshots, PDFs and downloads (default: <repo>/test-output/browser)
//   CHROMIUM          the browser binary (default: /usr/bin/chromium)
//   DATABASE_URL      sqlite://<file>?… the server's database, read by `sql` (Debian's sqlite3)
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.SCHOOLSIGHT_URL || '').replace(/\/+$/, '');
export const OUTPUT = path.resolve(process.env.BROWSER_OUTPUT || path.join(here, '..', '..', 'test-output', 'browser'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

if (!BASE_URL) {
  throw new Error('SCHOOLSIGHT_URL is not set: run the browser tests through scripts/browser-test');
}
fs.mkdirSync(OUTPUT, { recursive: true });

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Launches one Chromium for the calling test file and closes it afterwards. Playwright's
 * `launch` gives every browser a fresh profile (user-data-dir) in a temporary folder and removes
 * it on close. Returns a getter, since the browser exists only once `before` has run.
 */
export function useBrowser() {
  let browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

/** A new page in its own context (1280×900, downloads accepted, en-GB). */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    ...options,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A failed request is reported below with its address.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`); });
  page.on('requestfailed', (r) => {
    // A download's navigation is "aborted" by design.
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.problems = problems;
  return page;
}

/**
 * Rows of a hand-written query run on the server's own database file by Debian's sqlite3,
 * read-only: the figures a page shows, counted by a source independent of the program. Each `?`
 * takes the next of `params`, literals written in the test: sqlite3's command line has no
 * binding, so strings are quoted here (single quotes doubled) and numbers must be finite.
 */
export function sql(query, ...params) {
  const file = (process.env.DATABASE_URL || '').replace(/^sqlite:\/\//, '').replace(/\?.*$/, '');
  assert.ok(file, 'DATABASE_URL names the server\'s SQLite file');
  const literal = (v) => {
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
    throw new Error(`sql: cannot quote ${v}`);
  };
  const pending = [...params];
  const text = query.replace(/\?/g, () => {
    if (pending.length === 0) throw new Error(`sql: more ? than parameters in ${query}`);
    return literal(pending.shift());
  });
  assert.equal(pending.length, 0, `sql: more parameters than ? in ${query}`);
  const out = execFileSync('sqlite3', ['-readonly', '-json', file, text], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
}

/** Saves a full-page screenshot as OUTPUT/<name>.png and returns its path. */
export async function shot(page, name) {
  const file = path.join(OUTPUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The page's text-content of each cell of a table row, whitespace collapsed. */
export async function rowTexts(rowLocator) {
  return rowLocator.locator('th, td').evaluateAll((cells) =>
    cells.map((c) => c.textContent.replace(/\s+/g, ' ').trim()));
}

/** The texts of column `index` (0-based) of every tbody row of a table. */
export async function columnTexts(table, index) {
  return table.locator('tbody tr').evaluateAll((rows, i) =>
    rows.map((r) => (r.cells[i] ? r.cells[i].textContent.replace(/\s+/g, ' ').trim() : '')), index);
}

/** A number as the dashboard writes it ("63%", "-1.90", "+0.22", "−3 pts"), or null. */
export function number(text) {
  const t = text.replace(/\u2212/g, '-').replace(/\s*(%|pts)$/, '').replace(/,/g, '').trim();
  return /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** Fails with every script error the page reported. */
export function assertNoPageErrors(page) {
  assert.deepEqual(page.problems, [], `the page reported errors:\n${page.problems.join('\n')}`);
}

/** The pages write dates as yyyy-mm-dd. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
