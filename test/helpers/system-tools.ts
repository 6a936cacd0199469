import { existsSync } from 'node:fs';

/** The Debian package that installs each program the tests use. */
const packageOf: Record<string, string> = {
  '/usr/sbin/slapd': 'slapd', '/usr/sbin/slapadd': 'slapd', '/usr/bin/ldapadd': 'ldap-utils', '/usr/bin/ldapmodify': 'ldap-utils',
  '/usr/bin/sqlite3': 'sqlite3', '/usr/bin/chromium': 'chromium',
};

/**
 * For `describe(name, { skip: missingTools(...) }, …)`: tests that need a system program (slapd,
 * sqlite3, chromium) are skipped, with how to install it, on a machine without it. CI installs
 * every one of them, so there a missing program fails the run instead of skipping.
 */
export function missingTools(...paths: string[]): string | false {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length === 0) return false;
  if (process.env.CI === 'true') throw new Error(`CI must install ${missing.join(', ')} (see .ci/run).`);
  const packages = [...new Set(missing.map((path) => packageOf[path] ?? path))];
  return `needs ${missing.join(', ')}: apt-get install -y ${packages.join(' ')}`;
}

export const slapdTools = ['/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapadd', '/usr/bin/ldapmodify'];

/** Debian's Chromium, driven by playwright-core; never a downloaded browser. */
export const chromiumPath = '/usr/bin/chromium';
