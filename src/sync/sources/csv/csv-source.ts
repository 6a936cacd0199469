import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { findRecordProblem } from '../../directory-record-rules.ts';
import type { DirectoryProblem, DirectoryRecord } from '../../directory-record.ts';
import type { CsvSourceConfig } from './csv-source.schemas.ts';
import { type CsvRow, readCsvRows } from './csv-reader.ts';

type Field = keyof CsvSourceConfig['columns'];
const requiredFields: Field[] = ['externalId', 'loginId', 'firstName', 'lastName'];

export interface CsvBatch {
  records: DirectoryRecord[];
  problems: DirectoryProblem[];
}

function blankToNull(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function indexColumns(header: CsvRow, config: CsvSourceConfig): Map<Field, number> {
  const positions = new Map<string, number>();
  header.fields.forEach((name, i) => positions.set(name.trim().toLowerCase(), i));
  const index = new Map<Field, number>();
  for (const [field, column] of Object.entries(config.columns) as [Field, string][]) {
    const position = positions.get(column.toLowerCase());
    if (position !== undefined) index.set(field, position);
  }
  const missing = requiredFields.filter((f) => !index.has(f)).map((f) => config.columns[f]);
  if (missing.length > 0) {
    throw new Error(`The CSV header has no column ${missing.map((m) => `"${m}"`).join(', ')}. Rename the column or map it in the source's "columns" setting.`);
  }
  return index;
}

/** Reads an HR export as directory records, reporting each invalid row with its line number. */
export async function* readCsvDirectory(input: Readable | string, config: CsvSourceConfig): AsyncGenerator<CsvBatch> {
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const enabledValues = new Set(config.enabledValues.map((v) => v.toLowerCase()));
  let index: Map<Field, number> | undefined;
  let columnsNeeded = 0;
  for await (const rows of readCsvRows(stream)) {
    const batch: CsvBatch = { records: [], problems: [] };
    for (const row of rows) {
      if (!index) {
        index = indexColumns(row, config);
        columnsNeeded = Math.max(...index.values()) + 1;
        continue;
      }
      const get = (field: Field) => {
        const position = index?.get(field);
        return position === undefined ? null : blankToNull(row.fields[position]);
      };
      const enabledText = get('enabled');
      const jobText = get('jobType');
      const unitText = get('unitCode');
      const record: DirectoryRecord = {
        externalId: get('externalId') ?? '',
        loginId: get('loginId') ?? '',
        firstName: get('firstName') ?? '',
        lastName: get('lastName') ?? '',
        email: get('email'),
        unitCode: unitText === null ? null : (config.unitMap?.[unitText] ?? unitText),
        jobType: jobText === null ? null : (config.jobTypeMap?.[jobText] ?? jobText),
        supervisorExternalId: get('supervisorExternalId'),
        enabled: enabledText === null ? true : enabledValues.has(enabledText.toLowerCase()),
        hireDate: get('hireDate'),
        terminationDate: get('terminationDate'),
      };
      const problem = row.fields.length < columnsNeeded
        ? `has ${row.fields.length} columns but the mapped columns need ${columnsNeeded}; check for a missing comma`
        : findRecordProblem(record);
      if (problem) batch.problems.push({ ref: `line ${row.line}`, reason: problem });
      else batch.records.push(record);
    }
    yield batch;
  }
  if (!index) throw new Error('The CSV file is empty; it needs a header row and one row per worker.');
}
