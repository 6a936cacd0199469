import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().trim().min(1).max(255).default('0.0.0.0'),
  DATABASE_URL: z.string().trim().max(2000).optional(),
  GATEHOUSE_DATA_DIR: z.string().trim().min(1).max(1000).default('./data'),
  GATEHOUSE_DEMO: z.enum(['0', '1']).default('1'),
  GATEHOUSE_DEMO_SEED: z.coerce.number().int().min(0).max(2 ** 31).default(42),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GATEHOUSE_PUBLIC_URL: z.string().trim().url().max(2000).optional(),
  GATEHOUSE_LDAP_POLL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  SMTP_URL: z
    .string()
    .trim()
    .max(2000)
    .regex(/^smtps?:\/\/[^/\s]+(:\d+)?\/?(\?.*)?$/, 'Must be smtp://host:port or smtps://host:port (user:password@ before the host when the server needs them).')
    .optional(),
  GATEHOUSE_MAIL_FROM: z.string().trim().min(3).max(320).default('Gatehouse <gatehouse@localhost>'),
  GATEHOUSE_OIDC_ISSUER: z.string().trim().url().max(2000).optional(),
  GATEHOUSE_OIDC_CLIENT_ID: z.string().trim().min(1).max(500).optional(),
  GATEHOUSE_OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
});

export interface Config {
  port: number;
  host: string;
  /** `postgres://…`, or the SQLite file path. */
  databaseUrl: string;
  /** Where Gatehouse keeps its files: the embedded database, sync plans. */
  dataDir: string;
  loadDemo: boolean;
  demoSeed: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  publicUrl: string;
  /** How often `serve` polls LDAP sources for changes (the immediate path for an LDAP disable). */
  ldapPollSeconds: number;
  /** Where notification emails are sent; null: they are recorded in the mail outbox but not sent. */
  smtpUrl: string | null;
  /** The From address of notification emails. */
  mailFrom: string;
  /** Console single sign-on through OpenID Connect; null when not configured. */
  oidc: { issuer: string; clientId: string; clientSecret: string } | null;
  /** Reads the environment variable a connector config names for its secret (`tokenEnv`). */
  secret: (name: string) => string | undefined;
}

/** Reads the environment once; nothing else in Gatehouse reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}. See "Configuration" in the README.`);
  }
  const e = parsed.data;
  const oidcParts = [e.GATEHOUSE_OIDC_ISSUER, e.GATEHOUSE_OIDC_CLIENT_ID, e.GATEHOUSE_OIDC_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new Error('Invalid configuration: single sign-on needs all of GATEHOUSE_OIDC_ISSUER, GATEHOUSE_OIDC_CLIENT_ID and GATEHOUSE_OIDC_CLIENT_SECRET. See "Console" in the README.');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? `${e.GATEHOUSE_DATA_DIR.replace(/\/$/, '')}/gatehouse.sqlite`,
    dataDir: e.GATEHOUSE_DATA_DIR,
    loadDemo: e.GATEHOUSE_DEMO === '1',
    demoSeed: e.GATEHOUSE_DEMO_SEED,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.GATEHOUSE_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    ldapPollSeconds: e.GATEHOUSE_LDAP_POLL_SECONDS,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.GATEHOUSE_MAIL_FROM,
    oidc: e.GATEHOUSE_OIDC_ISSUER && e.GATEHOUSE_OIDC_CLIENT_ID && e.GATEHOUSE_OIDC_CLIENT_SECRET
      ? { issuer: e.GATEHOUSE_OIDC_ISSUER, clientId: e.GATEHOUSE_OIDC_CLIENT_ID, clientSecret: e.GATEHOUSE_OIDC_CLIENT_SECRET }
      : null,
    secret: (name) => env[name],
  };
}
