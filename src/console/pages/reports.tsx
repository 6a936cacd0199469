import type { Context } from 'hono';
import type { DurationStats } from '../../domain/reports/percentiles.ts';
import type { LeaverTimesReport } from '../../domain/reports/reports.schemas.ts';
import { leaverTimesCsv, pastDeadlineCsv } from '../../domain/reports/report-exports.ts';
import { isCalendarDate } from '../../shared/dates.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { readableDuration, shortDate } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { Badge, ErrorSummary, type FieldErrors, TextField } from '../ui.tsx';

/** The period asked for, as calendar dates (UTC); a date that is not one is a field error. */
function periodOf(c: Context<ConsoleEnv>): { from?: string; to?: string; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const read = (name: 'from' | 'to') => {
    const value = c.req.query(name)?.trim() ?? '';
    if (value === '') return undefined;
    if (!isCalendarDate(value)) errors[name] = 'Give a date as YYYY-MM-DD.';
    return value;
  };
  const from = read('from');
  const to = read('to');
  if (from && to && !errors.from && !errors.to && from >= to) errors.to = 'The period must end after it starts.';
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), errors };
}

async function leaverTimesFor(c: Context<ConsoleEnv>, tools: ConsoleTools, period: { from?: string; to?: string }): Promise<LeaverTimesReport> {
  const agency = await tools.agencyOf(c);
  return tools.services.reports.leaverTimes(requireContext(c), agency.id, {
    from: period.from ? `${period.from}T00:00:00.000Z` : undefined,
    to: period.to ? `${period.to}T00:00:00.000Z` : undefined,
  });
}

function StatsRow(props: { label: string; stats: DurationStats }) {
  const { stats } = props;
  return (
    <tr>
      <th scope="row">{props.label}</th>
      <td>{stats.count}</td>
      <td>{readableDuration(stats.p50Seconds)}</td>
      <td>{readableDuration(stats.p90Seconds)}</td>
      <td>{readableDuration(stats.p99Seconds)}</td>
      <td>{readableDuration(stats.maxSeconds)}</td>
    </tr>
  );
}

async function reportsPage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const agency = await tools.agencyOf(c);
  const period = periodOf(c);
  const valid = Object.keys(period.errors).length === 0;
  const report = valid ? await leaverTimesFor(c, tools, period) : null;
  const query = new URLSearchParams({ ...(period.from ? { from: period.from } : {}), ...(period.to ? { to: period.to } : {}) }).toString();
  return tools.render(
    c, 'Reports: leaver times',
    <>
      <ErrorSummary errors={period.errors} />
      <form method="get" action="/reports" class="inline">
        <TextField name="from" label="Leavers detected from (YYYY-MM-DD)" value={period.from} errors={period.errors} />
        <TextField name="to" label="until (YYYY-MM-DD, not included)" value={period.to} errors={period.errors} />
        <button type="submit">Show</button>
      </form>
      {report ? (
        <>
          <p>{report.leavers} leavers detected from {report.from.slice(0, 10)} until {report.to.slice(0, 10)}; generated {shortDate(report.generatedAt)}.</p>
          <table>
            <caption>Time from detection</caption>
            <thead><tr><th scope="col">Step</th><th scope="col">Leavers</th><th scope="col">p50</th><th scope="col">p90</th><th scope="col">p99</th><th scope="col">Slowest</th></tr></thead>
            <tbody>
              <StatsRow label="To disable" stats={report.timeToDisable} />
              <StatsRow label="To end-date" stats={report.timeToEndDate} />
            </tbody>
          </table>
          <p><a href={`/reports/leaver-times.csv${query ? `?${query}` : ''}`}>Download the leaver times as CSV</a></p>
          <h2 id="past-deadline">Past the end-date deadline ({report.pastDeadline.length})</h2>
          {report.pastDeadline.length === 0 ? <p>Every leaver in the period was end-dated by its deadline.</p> : (
            <table aria-labelledby="past-deadline">
              <thead><tr><th scope="col">Worker</th><th scope="col">Case</th><th scope="col">Detected</th><th scope="col">Due</th><th scope="col">End-dated</th><th scope="col">Late by</th></tr></thead>
              <tbody>
                {report.pastDeadline.map((e) => (
                  <tr>
                    <td>{e.workerName} ({e.loginId})</td>
                    <td><a href={`/leaver-cases/${e.caseId}`}><Badge value={e.status} /></a></td>
                    <td>{shortDate(e.detectedAt)}</td>
                    <td>{shortDate(e.dueAt)}</td>
                    <td>{e.endDatedAt ? shortDate(e.endDatedAt) : 'not yet'}</td>
                    <td>{readableDuration(e.lateBySeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p><a href={`/reports/past-deadline.csv${query ? `?${query}` : ''}`}>Download the past-deadline list as CSV</a></p>
        </>
      ) : null}
    </>,
    { agency },
  );
}

async function csv(c: Context<ConsoleEnv>, tools: ConsoleTools, name: string, toText: (report: LeaverTimesReport) => string) {
  const period = periodOf(c);
  if (Object.keys(period.errors).length > 0) return c.redirect('/reports', 303);
  const agency = await tools.agencyOf(c);
  const report = await leaverTimesFor(c, tools, period);
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${name}-${agency.code}.csv"`);
  return c.body(toText(report));
}

/** The auditor's reports: leavers' time to disable and to end-date, and the cases past deadline, with CSV. */
export function reportsFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/reports', label: 'Reports', visible: (a) => hasRole(a, 'auditor', 'state_admin', 'security_coordinator') }],
    mount(app, tools) {
      app.get('/reports', (c) => reportsPage(c, tools));
      app.get('/reports/leaver-times.csv', (c) => csv(c, tools, 'leaver-times', leaverTimesCsv));
      app.get('/reports/past-deadline.csv', (c) => csv(c, tools, 'past-deadline', pastDeadlineCsv));
    },
  };
}
