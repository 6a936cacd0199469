import type { Readable } from 'node:stream';

export interface CsvRow {
  /** 1-based line number where the row starts, for error reports. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const maxRecordLength = 100_000;

interface QuotedRecord {
  fields: string[];
  /** Index just past the record's line break (or the end of the text). */
  end: number;
  lineBreaks: number;
}

/**
 * Parses one record that contains quotes, starting at `start`. Returns null when the record runs
 * past the end of `text` and more input is needed (`final` false).
 */
function parseQuotedRecord(text: string, start: number, line: number, final: boolean): QuotedRecord | null {
  const fields: string[] = [];
  let field = '';
  let i = start;
  let lineBreaks = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          if (!final) return null;
          throw new CsvSyntaxError(line, 'a quoted field is never closed; add the closing quote.');
        }
        const piece = text.slice(i, quote);
        field += piece;
        lineBreaks += countLineBreaks(piece);
        if (text.charCodeAt(quote + 1) === 34) {
          field += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      if (i >= text.length) {
        if (!final) return null;
      } else if (!isDelimiter(text.charCodeAt(i))) {
        throw new CsvSyntaxError(line + lineBreaks, 'text after a closing quote; put the whole field in quotes.');
      }
    } else {
      let j = i;
      while (j < text.length && !isDelimiter(text.charCodeAt(j))) {
        if (text.charCodeAt(j) === 34) throw new CsvSyntaxError(line + lineBreaks, 'a quote inside an unquoted field; quote the whole field and double the quote ("").');
        j += 1;
      }
      if (j >= text.length && !final) return null;
      field = text.slice(i, j);
      i = j;
    }
    fields.push(field);
    field = '';
    const ch = text.charCodeAt(i);
    if (ch === 44) {
      i += 1;
      continue;
    }
    if (i >= text.length) return { fields, end: i, lineBreaks };
    if (ch === 13 && text.charCodeAt(i + 1) === 10) i += 1;
    return { fields, end: i + 1, lineBreaks };
  }
}

function isDelimiter(ch: number): boolean {
  return ch === 44 || ch === 10 || ch === 13;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

/**
 * Streams RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) in batches of rows, so a
 * million-row file never sits in memory whole. Lines without quotes take a fast path.
 */
export async function* readCsvRows(input: Readable, batchSize = 5000): AsyncGenerator<CsvRow[]> {
  let batch: CsvRow[] = [];
  let carry = '';
  let line = 1;
  input.setEncoding('utf8');

  const consume = (text: string, final: boolean): number => {
    let pos = 0;
    while (pos < text.length) {
      const newline = text.indexOf('\n', pos);
      const lineEnd = newline < 0 ? text.length : newline;
      if (newline < 0 && !final) break;
      // Look for a quote in this line only: searching the rest of a quote-free chunk from every
      // line costs time in proportion to the chunk's size, per line.
      let raw = text.slice(pos, lineEnd);
      if (raw.includes('"')) {
        const record = parseQuotedRecord(text, pos, line, final);
        if (!record) break;
        batch.push({ line, fields: record.fields });
        line += record.lineBreaks + 1;
        pos = record.end;
      } else {
        if (raw.endsWith('\r')) raw = raw.slice(0, -1);
        if (raw.length > 0) batch.push({ line, fields: raw.split(',') });
        line += 1;
        pos = lineEnd + 1;
      }
    }
    return pos;
  };

  for await (const chunk of input as AsyncIterable<string>) {
    const text = carry + chunk;
    const used = consume(text, false);
    carry = text.slice(used);
    if (carry.length > maxRecordLength) throw new CsvSyntaxError(line, `a record longer than ${maxRecordLength} characters; check for an unclosed quote.`);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  consume(carry, true);
  if (batch.length > 0) yield batch;
}
