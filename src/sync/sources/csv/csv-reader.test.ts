import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { type CsvRow, readCsvRows } from './csv-reader.ts';

async function parse(chunks: string[], batchSize = 2): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const batch of readCsvRows(Readable.from(chunks.map((c) => Buffer.from(c))), batchSize)) rows.push(...batch);
  return rows;
}

describe('csv reader', () => {
  it('reads plain rows with their line numbers, in batches', async () => {
    const rows = await parse(['a,b,c\n1,2,3\n', '4,5,6\n']);
    assert.deepEqual(rows, [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 3, fields: ['4', '5', '6'] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', async () => {
    const rows = await parse(['name,note\r\n"O\'Malley, Pat","said ""hi""\nthen left"\r\nnext,row']);
    assert.deepEqual(rows.map((r) => r.fields), [['name', 'note'], ["O'Malley, Pat", 'said "hi"\nthen left'], ['next', 'row']]);
    assert.equal(rows[2]?.line, 4);
  });

  it('joins a doubled quote split across two chunks', async () => {
    const rows = await parse(['x,"a"', '"b"\n']);
    assert.deepEqual(rows[0]?.fields, ['x', 'a"b']);
  });

  it('keeps empty fields and skips blank lines', async () => {
    const rows = await parse(['a,,c\n\n,,\n']);
    assert.deepEqual(rows.map((r) => r.fields), [['a', '', 'c'], ['', '', '']]);
  });

  it('names the line of an unclosed quote', async () => {
    await assert.rejects(parse(['a,b\n1,"open\n2,3\n']), /line 2: a quoted field is never closed/);
  });

  it('refuses a stray quote inside an unquoted field', async () => {
    await assert.rejects(parse(['a,b"c\n']), /line 1: a quote inside an unquoted field/);
  });
});
