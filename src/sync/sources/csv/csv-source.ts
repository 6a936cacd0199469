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

/** Where each mapped field sits in a row: -1 when the file has no such column. */
type Positions = Record<Field, number>;

function findPositions(header: CsvRow, config: CsvSourceConfig): Positions {
  const byName = new Map<string, number>();
  header.fields.forEach((name, i) => byName.set(name.trim().toLowerCase(), i));
  const positions = Object.fromEntries(
    (Object.entries(config.columns) as [Field, string][]).map(([field, column]) => [field, byName.get(column.toLowerCase()) ?? -1]),
  ) as Positions;
  const missing = requiredFields.filter((f) => positions[f] < 0).map((f) => config.columns[f]);
  if (missing.length > 0) {
    throw new Error(`The CSV header has no column ${missing.map((m) => `"${m}"`).join(', ')}. Rename the column or map it in the source's "columns" setting.`);
  }
  return positions;
}

/**
 * Keeps one copy of a value that repeats from row to row (unit codes, job types, supervisors,
 * dates): a million-row file has few distinct ones, and the engine may hold every record at once.
 */
function createInterner(limit = 100_000): (value: string | null) => string | null {
  const copies = new Map<string, string>();
  return (value) => {
    if (value === null) return null;
    const copy = copies.get(value);
    if (copy !== undefined) return copy;
    if (copies.size < limit) copies.set(value, value);
    return value;
  };
}

function cell(row: CsvRow, position: number): string | null {
  return position < 0 ? null : blankToNull(row.fields[position]);
}

/** Reads an HR export as directory records, reporting each invalid row with its line number. */
export async function* readCsvDirectory(input: Readable | string, config: CsvSourceConfig): AsyncGenerator<CsvBatch> {
  const stream = typeof input === 'string' ? createReadStream(input, { highWaterMark: 1 << 20 }) : input;
  const enabledValues = new Set(config.enabledValues.map((v) => v.toLowerCase()));
  const unitMap = new Map(Object.entries(config.unitMap ?? {}));
  const jobTypeMap = new Map(Object.entries(config.jobTypeMap ?? {}));
  const [sharedUnit, sharedJob, sharedSupervisor, sharedDate] = [createInterner(), createInterner(), createInterner(), createInterner()];
  let at: Positions | undefined;
  let columnsNeeded = 0;
  for await (const rows of readCsvRows(stream)) {
    const batch: CsvBatch = { records: [], problems: [] };
    for (const row of rows) {
      if (!at) {
        at = findPositions(row, config);
        columnsNeeded = Math.max(...Object.values(at)) + 1;
        continue;
      }
      const enabledText = cell(row, at.enabled);
      const jobText = sharedJob(cell(row, at.jobType));
      const unitText = sharedUnit(cell(row, at.unitCode));
      const record: DirectoryRecord = {
        externalId: cell(row, at.externalId) ?? '',
        loginId: cell(row, at.loginId) ?? '',
        firstName: cell(row, at.firstName) ?? '',
        lastName: cell(row, at.lastName) ?? '',
        email: cell(row, at.email),
        unitCode: unitText === null ? null : (unitMap.get(unitText) ?? unitText),
        jobType: jobText === null ? null : (jobTypeMap.get(jobText) ?? jobText),
        supervisorExternalId: sharedSupervisor(cell(row, at.supervisorExternalId)),
        enabled: enabledText === null ? true : enabledValues.has(enabledText.toLowerCase()),
        hireDate: sharedDate(cell(row, at.hireDate)),
        terminationDate: sharedDate(cell(row, at.terminationDate)),
      };
      const problem = row.fields.length < columnsNeeded
        ? `has ${row.fields.length} columns but the mapped columns need ${columnsNeeded}; check for a missing comma`
        : findRecordProblem(record);
      if (problem) batch.problems.push({ ref: `line ${row.line}`, reason: problem });
      else batch.records.push(record);
    }
    yield batch;
  }
  if (!at) throw new Error('The CSV file is empty; it needs a header row and one row per worker.');
}
