import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCsv } from './report-csv.ts';

describe('report CSV', () => {
  it('quotes commas, quotes and line breaks, leaves numbers alone and defuses formulas in text', () => {
    const rows = [
      { name: 'Reyes, Dana', note: 'said "no"', seconds: -1.5 },
      { name: '=SUM(A1:A9)', note: 'two\nlines', seconds: 0 },
      { name: '@cmd', note: null, seconds: 3600 },
    ];
    const csv = toCsv<(typeof rows)[number]>([
      { header: 'name', value: (r) => r.name },
      { header: 'note', value: (r) => r.note },
      { header: 'seconds', value: (r) => r.seconds },
    ], rows);
    assert.equal(csv, 'name,note,seconds\r\n"Reyes, Dana","said ""no""",-1.5\r\n\'=SUM(A1:A9),"two\nlines",0\r\n\'@cmd,,3600\r\n');
  });
});
