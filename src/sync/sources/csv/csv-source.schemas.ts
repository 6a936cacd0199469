import { z } from 'zod';

const column = z.string().trim().min(1).max(100);

/** How a CSV HR export maps onto directory records; every column name can be renamed. */
export const csvSourceConfigSchema = z.strictObject({
  path: z.string().trim().min(1).max(1000).optional(),
  columns: z
    .strictObject({
      externalId: column.default('external_id'),
      loginId: column.default('login_id'),
      firstName: column.default('first_name'),
      lastName: column.default('last_name'),
      email: column.default('email'),
      unitCode: column.default('unit_code'),
      jobType: column.default('job_type'),
      supervisorExternalId: column.default('supervisor_external_id'),
      enabled: column.default('enabled'),
      hireDate: column.default('hire_date'),
      terminationDate: column.default('termination_date'),
    })
    .default({
      externalId: 'external_id', loginId: 'login_id', firstName: 'first_name', lastName: 'last_name', email: 'email',
      unitCode: 'unit_code', jobType: 'job_type', supervisorExternalId: 'supervisor_external_id', enabled: 'enabled',
      hireDate: 'hire_date', terminationDate: 'termination_date',
    }),
  /** Values of the enabled column that mean "enabled" (compared case-insensitively). */
  enabledValues: z.array(z.string().trim().max(50)).min(1).max(20).default(['1', 'true', 'yes', 'active', 'a']),
  /** HR job titles to Gatehouse job types, e.g. {"Caseworker II (CPS)": "cps_caseworker"}. */
  jobTypeMap: z.record(z.string().max(200), z.string().max(64)).optional(),
  unitMap: z.record(z.string().max(200), z.string().max(20)).optional(),
});

export type CsvSourceConfig = z.infer<typeof csvSourceConfigSchema>;
