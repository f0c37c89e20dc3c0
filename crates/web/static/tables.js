// Schoolsight: sortable tables and CSV export, as a progressive enhancement.
//
// Every <table> with a <thead> gets
//   - sortable columns: each non-empty header of the thead's last row becomes a button; a click
//     sorts the rows of each <tbody> by that column (ascending), a second click reverses them.
//     Numbers sort as numbers ("63%", "-1.90", "+0.22", "−3 pts", "1,234"); ISO dates and text
//     sort in natural order; blank cells ("", "–") always go last. A cell's `data-sort`
//     attribute, when present, is its sort key instead of its text. The header carries
//     `aria-sort`. The <tfoot> (totals) never moves.
//   - a "Download CSV" button that saves the table as it is currently sorted: RFC 4180 (CRLF,
//     fields with a comma, quote or line break quoted, quotes doubled), UTF-8 with a byte-order
//     mark so that spreadsheet programs read "–" and "’" correctly.
// Without script the tables are plain, complete HTML. No dependencies.
(function () {
  'use strict';

  var BLANKS = { '': true, '–': true, '—': true, '-': true };
  var collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

  /**
   * The text of a cell, without controls (a form's buttons, a select's options) or anything
   * marked data-csv-skip; a header's sort button keeps its label.
   */
  function cellText(cell) {
    var copy = cell.cloneNode(true);
    var skip = copy.querySelectorAll('[data-csv-skip], button:not(.sort), select, textarea, script, style, template');
    for (var i = 0; i < skip.length; i++) skip[i].remove();
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }

  /** A number in a cell's text, or null: "63%", "-1.90", "+0.22", "−3 pts", "1,234", "85.0 %". */
  function parseNumber(text) {
    var t = text.replace(/[\u2212\u2013](?=\s*[\d.])/g, '-').replace(/[\s\u00a0\u2009\u202f]+/g, ' ').trim();
    t = t.replace(/\s*(%|pts?|points?)$/i, '').replace(/^£/, '');
    if (!/^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$/.test(t) || !/\d/.test(t)) return null;
    var n = parseFloat(t.replace(/,/g, ''));
    return isFinite(n) ? n : null;
  }

  /** The cell of `row` under header column `col`, counting colspans. */
  function cellAt(row, col) {
    var x = 0;
    for (var i = 0; i < row.cells.length; i++) {
      var span = row.cells[i].colSpan || 1;
      if (col < x + span) return x === col ? row.cells[i] : null;
      x += span;
    }
    return null;
  }

  function sortKey(row, col) {
    var cell = cellAt(row, col);
    if (!cell) return '';
    var own = cell.getAttribute('data-sort');
    return own !== null ? own.trim() : cellText(cell);
  }

  /**
   * Orders the rows of every tbody by column `col`. Descending is exactly ascending reversed
   * (ties keep the page's original order ascending), except that blanks stay last both ways;
   * in a column of numbers, words such as suppression codes ("SUPP") come after the numbers.
   */
  function sortTable(table, col, descending) {
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = Array.prototype.slice.call(body.rows);
      var items = rows.map(function (row) {
        var key = sortKey(row, col);
        var original = row.getAttribute('data-original-index');
        return { row: row, key: key, num: parseNumber(key), blank: BLANKS[key] === true, index: Number(original) };
      });
      var filled = items.filter(function (it) { return !it.blank; });
      var numbers = filled.filter(function (it) { return it.num !== null; });
      var numeric = numbers.length > 0 && numbers.length * 2 >= filled.length;
      var byText = function (a, b) { return collator.compare(a.key, b.key) || a.index - b.index; };
      var main, words;
      if (numeric) {
        main = numbers.sort(function (a, b) { return a.num - b.num || a.index - b.index; });
        words = filled.filter(function (it) { return it.num === null; }).sort(byText);
      } else {
        main = filled.sort(byText);
        words = [];
      }
      if (descending) main.reverse();
      var blanks = items.filter(function (it) { return it.blank; }).sort(function (a, b) { return a.index - b.index; });
      var fragment = document.createDocumentFragment();
      main.concat(words, blanks).forEach(function (it) { fragment.appendChild(it.row); });
      body.appendChild(fragment);
    });
  }

  /** One CSV field, RFC 4180; a text cell a spreadsheet would run as a formula is defused. */
  function csvField(text) {
    if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && parseNumber(text) === null && !BLANKS[text])) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** The table as CSV, in its current order: header rows, body rows, footer rows. */
  function tableCsv(table) {
    var lines = [];
    var sections = [table.tHead].concat(Array.prototype.slice.call(table.tBodies), [table.tFoot]);
    sections.forEach(function (section) {
      if (!section) return;
      Array.prototype.forEach.call(section.rows, function (row) {
        var fields = [];
        Array.prototype.forEach.call(row.cells, function (cell) {
          fields.push(csvField(cellText(cell)));
          for (var s = 1; s < (cell.colSpan || 1); s++) fields.push('');
        });
        lines.push(fields.join(','));
      });
    });
    return lines.join('\r\n') + '\r\n';
  }

  function slug(text) {
    return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  }

  function fileName(table, n) {
    var h1 = document.querySelector('h1');
    var parts = [h1 ? slug(h1.textContent) : 'schoolsight', table.id ? slug(table.id) : 'table-' + n];
    return parts.filter(Boolean).join('-') + '.csv';
  }

  function download(name, text) {
    var blob = new Blob(['\ufeff' + text], { type: 'text/csv;charset=utf-8' });
    var url = URL.createObjectURL(blob);
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function headerLabel(th) {
    return cellText(th);
  }

  function enhance(table, n) {
    if (!table.tHead || table.tHead.rows.length === 0 || table.hasAttribute('data-enhanced')) return;
    table.setAttribute('data-enhanced', '');
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row, i) { row.setAttribute('data-original-index', String(i)); });
    });

    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    var col = 0;
    Array.prototype.forEach.call(headRow.cells, function (th) {
      var at = col;
      col += th.colSpan || 1;
      if (th.colSpan > 1 || th.hasAttribute('data-nosort') || headerLabel(th) === '') return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        var descending = th.getAttribute('aria-sort') === 'ascending';
        Array.prototype.forEach.call(headRow.cells, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        sortTable(table, at, descending);
      });
    });
    table.classList.add('sortable');

    var tools = document.createElement('div');
    tools.className = 'table-tools';
    tools.setAttribute('data-csv-skip', '');
    var csv = document.createElement('button');
    csv.type = 'button';
    csv.className = 'csv';
    csv.textContent = 'Download CSV';
    csv.setAttribute('data-csv-skip', '');
    var label = table.caption ? cellText(table.caption) : (table.id || 'table ' + (n + 1));
    csv.setAttribute('aria-label', 'Download CSV: ' + label);
    csv.addEventListener('click', function () { download(fileName(table, n + 1), tableCsv(table)); });
    tools.appendChild(csv);
    table.parentNode.insertBefore(tools, table);

    // A wide table scrolls inside its own box on a narrow screen instead of widening the page.
    var scroll = document.createElement('div');
    scroll.className = 'table-scroll';
    table.parentNode.insertBefore(scroll, table);
    scroll.appendChild(table);
  }

  function init() {
    var tables = document.querySelectorAll('table');
    for (var i = 0; i < tables.length; i++) enhance(tables[i], i);
  }

  // Exposed for the browser tests and for anyone scripting the page.
  window.schoolsightTables = { parseNumber: parseNumber, tableCsv: tableCsv, csvField: csvField, init: init };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
