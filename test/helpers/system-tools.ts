import { existsSync } from 'node:fs';

/**
 * For `describe(name, { skip: missingTools(...) }, …)`: tests that need a system program (slapd,
 * sqlite3) are skipped, with how to install it, on a machine without it. CI installs every one
 * of them, so there a missing program fails the run instead of skipping.
 */
export function missingTools(...paths: string[]): string | false {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length === 0) return false;
  if (process.env.CI === 'true') throw new Error(`CI must install ${missing.join(', ')} (see .ci/run).`);
  return `needs ${missing.join(', ')}: apt-get install -y slapd ldap-utils sqlite3`;
}

export const slapdTools = ['/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapadd', '/usr/bin/ldapmodify'];
