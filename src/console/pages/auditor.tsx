import type { Context } from 'hono';
import { z } from 'zod';
import { calendarDateSchema } from '../../domain/workers/workers.schemas.ts';
import type { AuditListFilter } from '../../domain/audit/audit.service.ts';
import { AppError } from '../../shared/errors.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { validate } from '../forms.ts';
import { findWorkerByLogin, fullName, mainApplication, shortDate } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { CsrfField, ErrorSummary, Pager, TextField } from '../ui.tsx';

const searchSchema = z.strictObject({
  action: z.string().trim().max(100).regex(/^[a-z_.]*$/, 'Use an action name such as "request.approved".').optional(),
  subjectType: z.string().trim().max(50).regex(/^[a-z_]*$/, 'Use a subject type such as "worker".').optional(),
  subjectId: z.string().trim().max(36).optional(),
});

function auditFilter(c: Context<ConsoleEnv>) {
  const raw = { action: c.req.query('action') || undefined, subjectType: c.req.query('subjectType') || undefined, subjectId: c.req.query('subjectId') || undefined };
  return { raw, parsed: validate(searchSchema, raw) };
}

async function auditPage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const { raw, parsed } = auditFilter(c);
  const cursor = c.req.query('cursor') || undefined;
  const filter: AuditListFilter = { agencyId: agency.id, ...(parsed.ok ? parsed.data : {}), limit: 50, cursor };
  const page = parsed.ok ? await tools.services.audit.list(ctx, filter) : { items: [], nextCursor: null };
  const query = new URLSearchParams(Object.entries(raw).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return tools.render(
    c, 'Audit log',
    <>
      <form method="post" action="/audit/verify" class="inline">
        <CsrfField token={c.get('csrfToken')} />
        <button type="submit" class="secondary">Verify the whole chain now</button>
      </form>
      <ErrorSummary errors={parsed.ok ? undefined : parsed.errors} />
      <form method="get" action="/audit" class="inline" role="search">
        <TextField name="action" label="Action" value={raw.action} errors={parsed.ok ? undefined : parsed.errors} />
        <TextField name="subjectType" label="Subject type" value={raw.subjectType} errors={parsed.ok ? undefined : parsed.errors} />
        <TextField name="subjectId" label="Subject id" value={raw.subjectId} errors={parsed.ok ? undefined : parsed.errors} />
        <button type="submit">Search</button>
      </form>
      <p><a href={`/audit.csv${query ? `?${query}` : ''}`}>Download these events as CSV</a> (up to 10,000, newest first)</p>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">#</th><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Subject</th><th scope="col">Reason</th></tr></thead>
          <tbody>
            {page.items.map((e) => (
              <tr><td>{e.seq}</td><td>{shortDate(e.at)}</td><td>{e.actorName}</td><td>{e.action}</td><td>{e.subjectType} {e.subjectId}</td><td>{e.reason}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.items.length === 0 ? <p>No events match.</p> : null}
      <Pager path="/audit" params={raw} nextCursor={page.nextCursor} first={!cursor} />
    </>,
    { agency },
  );
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

async function accessOnDatePage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const ctx = requireContext(c);
  const agency = await tools.agencyOf(c);
  const login = c.req.query('login')?.trim().slice(0, 64) ?? '';
  const date = c.req.query('date') ?? '';
  const parsed = login || date ? validate(z.strictObject({ login: z.string().min(1, 'Enter a login id.'), date: calendarDateSchema }), { login, date }) : null;
  let result = null;
  let message: string | undefined;
  if (parsed?.ok) {
    const worker = await findWorkerByLogin(tools.services, ctx, agency.id, parsed.data.login);
    if (!worker) message = `No worker with login id ${parsed.data.login} in ${agency.name}.`;
    else {
      const application = await mainApplication(tools.services, ctx);
      result = { worker, access: await tools.services.access.effectiveAccess(ctx, worker.id, application.id, new Date(`${parsed.data.date}T23:59:59.999Z`)) };
    }
  }
  return tools.render(
    c, 'Who had what on a date',
    <>
      <ErrorSummary message={message} errors={parsed && !parsed.ok ? parsed.errors : undefined} />
      <form method="get" action="/access-on-date" class="inline" role="search">
        <TextField name="login" label="Worker login id" value={login} errors={parsed && !parsed.ok ? parsed.errors : undefined} />
        <TextField name="date" label="Date" type="date" value={date} errors={parsed && !parsed.ok ? parsed.errors : undefined} />
        <button type="submit">Show access</button>
      </form>
      {result ? (
        <>
          <h2>{fullName(result.worker)} at the end of {date} (UTC)</h2>
          {result.access.active ? (
            <>
              <ul>{result.access.functions.map((f) => <li>{f.code} (from {f.provenance})</li>)}</ul>
              {result.access.functions.length === 0 ? <p>No business functions.</p> : null}
              <p>Units: {result.access.units.map((u) => u.code).join(', ')}</p>
            </>
          ) : <p>No access: {result.access.reasons.map((r) => r.replaceAll('_', ' ')).join(', ')}.</p>}
        </>
      ) : null}
    </>,
    { agency },
  );
}

/** The auditor's pages: the audit log with chain verification and CSV, and access at any date. */
export function auditorFeature(): ConsoleFeature {
  return {
    nav: [
      { href: '/audit', label: 'Audit log', visible: (a) => hasRole(a, 'auditor', 'state_admin') },
      { href: '/access-on-date', label: 'Access on a date', visible: (a) => hasRole(a, 'auditor', 'state_admin', 'security_coordinator', 'lan_admin') },
    ],
    mount(app, tools) {
      app.get('/audit', (c) => auditPage(c, tools));
      app.post('/audit/verify', async (c) => {
        const result = await tools.services.audit.verifyFor(requireContext(c));
        const text = result.ok ? `The audit chain holds: ${result.eventsChecked} events verified.` : `The audit chain is BROKEN at event ${result.firstBreak?.seq}: ${result.firstBreak?.problem}`;
        return tools.redirect(c, '/audit', text);
      });
      app.get('/audit.csv', async (c) => {
        const ctx = requireContext(c);
        const agency = await tools.agencyOf(c);
        const { parsed } = auditFilter(c);
        if (!parsed.ok) throw new AppError('request.invalid', 'The search is not valid; correct it on the audit page first.');
        const lines = ['seq,at,actor,action,subject_type,subject_id,reason,request_id,before,after'];
        let cursor: string | undefined;
        do {
          const page = await tools.services.audit.list(ctx, { agencyId: agency.id, ...parsed.data, limit: 500, cursor });
          for (const e of page.items) lines.push([e.seq, e.at, e.actorName, e.action, e.subjectType, e.subjectId, e.reason, e.requestId, e.before, e.after].map(csvCell).join(','));
          cursor = page.nextCursor ?? undefined;
        } while (cursor && lines.length <= 10_000);
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', `attachment; filename="audit-${agency.code}.csv"`);
        return c.body(`${lines.join('\r\n')}\r\n`);
      });
      app.get('/access-on-date', (c) => accessOnDatePage(c, tools));
    },
  };
}
