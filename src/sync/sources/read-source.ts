import type { Readable } from 'node:stream';
import type { DirectoryProblem, DirectoryRecord } from '../directory-record.ts';
import { readCsvDirectory } from './csv/csv-source.ts';
import { csvSourceConfigSchema } from './csv/csv-source.schemas.ts';
import { readLdapDirectory } from './ldap/ldap-source.ts';
import { ldapSourceConfigSchema } from './ldap/ldap-source.schemas.ts';
import type { DirectorySource } from './sources.schemas.ts';

/** Records as the source hands them over, with the rows or entries that could not be read as a worker. */
export interface SourceBatch {
  records: DirectoryRecord[];
  invalid: DirectoryProblem[];
}

/** What is known once the whole source has been read. */
export interface SourceEnd {
  /** Rows or entries left out that only the end of the read reports. */
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

/** Streams a directory source in batches, so a million-worker source never sits in memory whole. */
export async function* readSource(source: DirectorySource, options: ReadOptions = {}): AsyncGenerator<SourceBatch, SourceEnd> {
  if (source.kind === 'csv') {
    const config = csvSourceConfigSchema.parse(source.config);
    const input = options.input ?? config.path;
    if (!input) throw new Error(`Source "${source.name}" has no file: set "path" in its settings or pass a file to read.`);
    for await (const batch of readCsvDirectory(input, config)) yield { records: batch.records, invalid: batch.problems };
    return { invalid: [], warnings: [], complete: true, watermark: null };
  }
  if (source.kind === 'ldap') {
    const config = ldapSourceConfigSchema.parse(source.config);
    const incremental = Boolean(options.incremental && source.watermark);
    const reader = readLdapDirectory(config, incremental && source.watermark ? { modifiedSince: source.watermark } : {});
    for (;;) {
      const next = await reader.next();
      if (next.done) {
        const end: SourceEnd = { invalid: [], warnings: [], complete: !incremental, watermark: next.value.watermark };
        for (const problem of next.value.problems) (problem.reason.startsWith('left out:') ? end.invalid : end.warnings).push(problem);
        return end;
      }
      yield { records: next.value, invalid: [] };
    }
  }
  throw new Error(`A ${source.kind} source is not read by the sync engine: ${source.kind === 'scim' ? 'a SCIM client pushes its users in' : 'its workers are registered through Gatehouse'}.`);
}
