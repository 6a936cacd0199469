import type { Readable } from 'node:stream';
import type { DirectoryProblem, DirectoryRecord } from '../directory-record.ts';
import { readCsvDirectory } from './csv/csv-source.ts';
import { csvSourceConfigSchema } from './csv/csv-source.schemas.ts';
import { readLdapDirectory } from './ldap/ldap-source.ts';
import { ldapSourceConfigSchema } from './ldap/ldap-source.schemas.ts';
import type { DirectorySource } from './sources.schemas.ts';

export interface SourceSnapshot {
  records: DirectoryRecord[];
  /** Rows or entries that could not be read as a worker, with why. */
  invalid: DirectoryProblem[];
  /** Problems on records that were still read (e.g. a field left empty). */
  warnings: DirectoryProblem[];
  /**
   * A full read lists every worker; an incremental read only the changed ones. A read that left
   * records out is never complete either: a worker whose entry could not be read is not gone.
   */
  complete: boolean;
  watermark: string | null;
}

export interface ReadOptions {
  /** A CSV file or stream given on the command line, instead of the source's configured path. */
  input?: Readable | string | undefined;
  /** LDAP only: read entries modified since the stored watermark. */
  incremental?: boolean;
}

/** Reads a whole directory source into memory-light records. */
export async function readSource(source: DirectorySource, options: ReadOptions = {}): Promise<SourceSnapshot> {
  const snapshot: SourceSnapshot = { records: [], invalid: [], warnings: [], complete: true, watermark: null };
  if (source.kind === 'csv') {
    const config = csvSourceConfigSchema.parse(source.config);
    const input = options.input ?? config.path;
    if (!input) throw new Error(`Source "${source.name}" has no file: set "path" in its settings or pass a file to read.`);
    for await (const batch of readCsvDirectory(input, config)) {
      for (const record of batch.records) snapshot.records.push(record);
      for (const problem of batch.problems) snapshot.invalid.push(problem);
    }
    return snapshot;
  }
  if (source.kind === 'ldap') {
    const config = ldapSourceConfigSchema.parse(source.config);
    const incremental = Boolean(options.incremental && source.watermark);
    const reader = readLdapDirectory(config, incremental && source.watermark ? { modifiedSince: source.watermark } : {});
    for (;;) {
      const next = await reader.next();
      if (next.done) {
        for (const problem of next.value.problems) (problem.reason.startsWith('left out:') ? snapshot.invalid : snapshot.warnings).push(problem);
        snapshot.watermark = next.value.watermark;
        break;
      }
      for (const record of next.value) snapshot.records.push(record);
    }
    snapshot.complete = !incremental;
    return snapshot;
  }
  throw new Error(`A ${source.kind} source is not read by the sync engine: ${source.kind === 'scim' ? 'a SCIM client pushes its users in' : 'its workers are registered through Gatehouse'}.`);
}
