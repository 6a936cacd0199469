import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * True for a worker whose last name, first name or login starts with `search`, case ignored;
 * `alias` names the workers table in the query. LIKE's wildcards in the search are literal.
 */
export function workerNameOrLoginStartsWith(alias: string, search: string): Expression<SqlBool> {
  const pattern = `${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`(lower(${column('last_name')}) like ${pattern} escape '\\' or lower(${column('first_name')}) like ${pattern} escape '\\' or ${column('login_key')} like ${pattern} escape '\\')`;
}
