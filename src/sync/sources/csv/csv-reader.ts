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

const maxFieldLength = 10_000;

/**
 * Streams RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) in batches of rows, so a
 * million-row file never sits in memory whole.
 */
export async function* readCsvRows(input: Readable, batchSize = 5000): AsyncGenerator<CsvRow[]> {
  let batch: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteJustClosed = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;

  const endField = () => {
    fields.push(field);
    field = '';
    quoteJustClosed = false;
  };
  const endRow = () => {
    endField();
    if (rowHasContent || fields.length > 1 || fields[0] !== '') batch.push({ line: rowLine, fields });
    fields = [];
    rowHasContent = false;
  };

  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    let start = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const ch = chunk.charCodeAt(i);
      if (inQuotes) {
        if (ch === 34) {
          field += chunk.slice(start, i);
          if (chunk.charCodeAt(i + 1) === 34) {
            field += '"';
            i += 1;
          } else {
            // At a chunk's end this may be the first of a doubled quote: the next chunk decides.
            inQuotes = false;
            quoteJustClosed = true;
          }
          start = i + 1;
        } else if (ch === 10) {
          line += 1;
        }
        continue;
      }
      if (ch === 44) {
        field += chunk.slice(start, i);
        endField();
        start = i + 1;
      } else if (ch === 10 || ch === 13) {
        field += chunk.slice(start, i);
        if (ch === 13 && chunk.charCodeAt(i + 1) === 10) i += 1;
        endRow();
        line += 1;
        rowLine = line;
        start = i + 1;
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      } else if (ch === 34) {
        if (quoteJustClosed && i === start) {
          field += '"';
          inQuotes = true;
          quoteJustClosed = false;
          start = i + 1;
        } else if (field.length === 0 && i === start) {
          inQuotes = true;
          rowHasContent = true;
          start = i + 1;
        } else {
          throw new CsvSyntaxError(line, 'a quote inside an unquoted field; quote the whole field and double the quote ("").');
        }
      } else {
        rowHasContent = true;
        if (quoteJustClosed) throw new CsvSyntaxError(line, 'text after a closing quote; put the whole field in quotes.');
      }
      if (field.length > maxFieldLength) throw new CsvSyntaxError(line, `a field longer than ${maxFieldLength} characters.`);
    }
    field += chunk.slice(start);
  }
  if (inQuotes) throw new CsvSyntaxError(rowLine, 'a quoted field is never closed; add the closing quote.');
  if (field !== '' || fields.length > 0) endRow();
  if (batch.length > 0) yield batch;
}
