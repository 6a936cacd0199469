import type { DirectoryRecord } from '../directory-record.ts';

/**
 * A directory record held as one string while a plan waits to be applied. A first sync of a
 * million workers keeps every record until it is applied; as objects with a string per field
 * they take twice the memory, and some of those strings keep the source's read buffers alive.
 */
export type PackedRecord = string & { readonly brand: 'PackedRecord' };

/** Fields are joined by the ASCII unit separator; an empty field (null) is the record separator. */
const separator = '\u001f';
const nullField = '\u001e';
/** Marks a record packed as JSON, for the rare text that holds one of the two characters above. */
const jsonMark = '\u001e';

type Fields = [string, string, string, string, string | null, string | null, string | null, string | null, boolean, string | null, string | null];

function fieldsOf(r: DirectoryRecord): Fields {
  return [r.externalId, r.loginId, r.firstName, r.lastName, r.email, r.unitCode, r.jobType, r.supervisorExternalId, r.enabled, r.hireDate, r.terminationDate];
}

export function packRecord(record: DirectoryRecord): PackedRecord {
  const fields = fieldsOf(record);
  const texts: string[] = [];
  for (const field of fields) {
    if (typeof field === 'boolean') texts.push(field ? '1' : '0');
    else if (field === null) texts.push(nullField);
    else if (field.includes(separator) || field.includes(nullField)) return (jsonMark + JSON.stringify(fields)) as PackedRecord;
    else texts.push(field);
  }
  return texts.join(separator) as PackedRecord;
}

export function unpackRecord(packed: PackedRecord): DirectoryRecord {
  if (packed.startsWith(jsonMark)) return recordOf(JSON.parse(packed.slice(1)) as Fields);
  const texts = packed.split(separator);
  const text = (i: number) => texts[i] ?? '';
  const nullable = (i: number) => (texts[i] === nullField ? null : text(i));
  return recordOf([text(0), text(1), text(2), text(3), nullable(4), nullable(5), nullable(6), nullable(7), texts[8] === '1', nullable(9), nullable(10)]);
}

function recordOf([externalId, loginId, firstName, lastName, email, unitCode, jobType, supervisorExternalId, enabled, hireDate, terminationDate]: Fields): DirectoryRecord {
  return { externalId, loginId, firstName, lastName, email, unitCode, jobType, supervisorExternalId, enabled, hireDate, terminationDate };
}
