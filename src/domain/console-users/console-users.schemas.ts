import { z } from '@hono/zod-openapi';
import { roles } from '../auth/tokens.schemas.ts';
import { idValueSchema } from '../../shared/id-schema.ts';

export const consoleLoginSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(64)
  .regex(/^[a-z0-9._@-]{3,64}$/, 'Use 3 to 64 letters, digits, ".", "_", "-" or "@", e.g. "jdoe".');

export const passwordSchema = z.string().min(12, 'Use at least 12 characters.').max(200, 'Use at most 200 characters.');

const emailSchema = z.string().trim().toLowerCase().max(254).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Use an email address, e.g. "jane.doe@example.org".');

export const createConsoleUserSchema = z
  .strictObject({
    login: consoleLoginSchema,
    name: z.string().trim().min(1).max(200),
    email: emailSchema.nullable().default(null),
    password: passwordSchema.nullable().default(null),
    oidcSubject: z.string().trim().min(1).max(255).nullable().default(null),
    role: z.enum(roles),
    agencyId: idValueSchema.nullable().default(null),
    workerId: idValueSchema.nullable().default(null),
  })
  .refine((u) => u.password !== null || u.email !== null || u.oidcSubject !== null, {
    path: ['password'],
    message: 'Give a password, or an email or subject for single sign-on; otherwise the user could never sign in.',
  });

export type CreateConsoleUserInput = z.infer<typeof createConsoleUserSchema>;

export const signInSchema = z.strictObject({
  login: z.string().trim().toLowerCase().min(1, 'Enter your user name.').max(64),
  password: z.string().min(1, 'Enter your password.').max(200),
});

export const resetPasswordSchema = z.strictObject({ password: passwordSchema });

export interface ConsoleUser {
  id: string;
  principalId: string;
  login: string;
  name: string;
  email: string | null;
  oidcSubject: string | null;
  hasPassword: boolean;
  lockedUntil: string | null;
  disabled: boolean;
  workerId: string | null;
  roles: { role: (typeof roles)[number]; agencyId: string | null }[];
  createdAt: string;
}
