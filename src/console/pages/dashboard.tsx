import type { RequestStatus } from '../../db/schema.ts';
import type { Actor } from '../../domain/auth/actor.ts';
import { hasPermission } from '../../domain/auth/permissions.ts';
import type { AgencyDashboard, CountedLabel, LeaverTimesSummary } from '../../domain/dashboard/dashboard.service.ts';
import type { DurationStats } from '../../domain/reports/percentiles.ts';
import { AppError } from '../../shared/errors.ts';
import { HorizontalBarChart, StackedBarChart, type StackSeries } from '../charts.tsx';
import type { ConsoleFeature } from '../console.tsx';
import { contextOf } from '../env.ts';
import { readableDuration, shortDate } from '../lookups.ts';
import { hasRole } from '../page.ts';
import { CsrfField } from '../ui.tsx';

/** Every request status, in the order a request lives them, with a colour a stacked bar tells apart. */
const statusSeries: (StackSeries & { key: RequestStatus })[] = [
  { key: 'draft', label: 'draft', color: '#8a96a3' },
  { key: 'pending', label: 'pending', color: '#d98b00' },
  { key: 'approved', label: 'approved', color: '#6cc17a' },
  { key: 'provisioned', label: 'provisioned', color: '#1e7b34' },
  { key: 'denied', label: 'denied', color: '#a4262c' },
  { key: 'failed', label: 'failed', color: '#5c0e12' },
  { key: 'expired', label: 'expired', color: '#6a3d9a' },
  { key: 'cancelled', label: 'cancelled', color: '#c9d1d9' },
];

function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function durationRows(stats: DurationStats) {
  return ([['half within (p50)', stats.p50Seconds], ['9 in 10 within (p90)', stats.p90Seconds], ['slowest (max)', stats.maxSeconds]] as const)
    .flatMap(([label, seconds]) => (seconds === null ? [] : [{ label, value: seconds, text: readableDuration(seconds) }]));
}

/** The coordinator's queue holds the open leavers and the removals due; the dashboard links there for those who work it. */
function seesQueue(actor: Actor): boolean {
  return hasRole(actor, 'security_coordinator', 'state_admin');
}

function LeaverTimes(props: { times: LeaverTimesSummary | null; queue: boolean }) {
  const times = props.times;
  if (!times) return <p>Leaver times are a report: security coordinators, auditors and state administrators see them here.</p>;
  const late = `${times.pastDeadline} past the end-date deadline (${times.openPastDeadline} still open)`;
  return (
    <>
      <p>
        {counted(times.leavers, 'leaver', 'leavers')} detected since {times.from.slice(0, 10)}; {props.queue && times.openPastDeadline > 0 ? <a href="/queue#leavers-due">{late}</a> : late}.
      </p>
      <div class="charts">
        <HorizontalBarChart title={`Time from detection to disable (${counted(times.timeToDisable.count, 'leaver', 'leavers')})`} rows={durationRows(times.timeToDisable)} empty="No leaver in the last 90 days." />
        <HorizontalBarChart title={`Time from detection to end-date (${times.timeToEndDate.count} end-dated)`} rows={durationRows(times.timeToEndDate)} empty="No leaver end-dated yet." />
      </div>
    </>
  );
}

function LateRemovals(props: { late: AgencyDashboard['lateRemovals']; queue: boolean }) {
  const { dueToday, lateUpToFiveDays, lateOverFiveDays } = props.late;
  const total = dueToday + lateUpToFiveDays + lateOverFiveDays;
  return (
    <>
      <p>
        Grants a move put outside the job template, due for removal today or late: {total}.
        {props.queue ? <> <a href="/queue#removals-due">See the removals due</a>.</> : null}
      </p>
      <HorizontalBarChart
        title="Removals not yet done, by how late (agency's calendar days)"
        rows={[
          { label: 'due today', value: dueToday, color: '#d98b00' },
          { label: '1 to 5 days late', value: lateUpToFiveDays, color: '#a4262c' },
          { label: 'more than 5 days late', value: lateOverFiveDays, color: '#5c0e12' },
        ]}
      />
    </>
  );
}

function labelled(entries: CountedLabel[]) {
  return entries.map((e) => ({ label: e.name && e.name !== e.code ? `${e.code} ${e.name}` : e.code, value: e.count }));
}

function BeyondTemplate(props: { counts: AgencyDashboard['beyondTemplate'] }) {
  const counts = props.counts;
  if (!counts) return <p>Not counted yet: Gatehouse counts the grants beyond the job templates every 10 minutes.</p>;
  return (
    <>
      <p>
        {counted(counts.grants, 'live grant', 'live grants')} beyond the job template, held by {counted(counts.workers, 'worker', 'workers')} ({counts.liveGrants} live function grants in all);
        counted {shortDate(counts.countedAt)} UTC, every 10 minutes.
      </p>
      <div class="charts">
        <HorizontalBarChart title="Functions most held beyond the template" rows={labelled(counts.byFunction)} empty="No grant is beyond its template." />
        <HorizontalBarChart title="Units whose workers hold the most beyond the template" rows={labelled(counts.byUnit)} empty="No grant is beyond its template." />
      </div>
    </>
  );
}

/** Counts and charts for the agency in scope; a state administrator chooses the agency here. */
export function dashboardFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/dashboard', label: 'Dashboard', visible: (a) => hasRole(a, 'state_admin', 'lan_admin', 'security_coordinator', 'auditor') }],
    mount(app, tools) {
      app.get('/dashboard', async (c) => {
        const signedIn = c.get('signedIn');
        if (!signedIn) throw new AppError('auth.unauthenticated', 'Sign in first.');
        const ctx = contextOf(signedIn, c.get('requestId'));
        const agency = await tools.agencyOf(c);
        const stats = await tools.services.dashboard.forAgency(ctx, agency.id);
        const stateWide = signedIn.actor.roles.some((r) => r.agencyId === null);
        const agencies = stateWide ? (await tools.services.agencies.list(ctx, { limit: 500 })).items : [];
        const byStatus = statusSeries.flatMap((s) => (stats.requestsByStatus[s.key] ? [{ label: s.label, value: stats.requestsByStatus[s.key] ?? 0, color: s.color }] : []));
        const queue = seesQueue(signedIn.actor);
        return tools.render(
          c, `Dashboard: ${agency.name}`,
          <>
            {stateWide ? (
              <form method="post" action="/agency" class="inline">
                <CsrfField token={c.get('csrfToken')} />
                <div class="field">
                  <label for="agencyId">Agency</label>
                  <select id="agencyId" name="agencyId">{agencies.map((a) => <option value={a.id} selected={a.id === agency.id}>{`${a.code} ${a.name}`}</option>)}</select>
                </div>
                <button type="submit">Work in this agency</button>
              </form>
            ) : null}
            <div class="cards">
              <div class="card"><div class="number">{stats.workers.total}</div>workers ({stats.workers.enabled} enabled)</div>
              <div class="card"><div class="number">{stats.awaitingAssessment}</div><a href="/queue">new workers awaiting assessment</a></div>
              <div class="card"><div class="number">{stats.requestsByStatus.pending ?? 0}</div>{hasPermission(ctx.actor, 'requests.read', agency.id) ? <a href="/requests?status=pending">requests in flight</a> : 'requests in flight'}</div>
              <div class="card"><div class="number">{stats.pendingBeyondTemplate}</div>pending items beyond the job template</div>
            </div>
            <h2 id="requests-over-time">Access requests by status over time</h2>
            <div class="charts">
              <StackedBarChart
                title="Requests created per day, last 14 days (UTC), by their status now" columnName="Day (UTC)" seriesName="status" series={statusSeries}
                columns={stats.requestsPerDay.map((d) => ({ label: d.day.slice(5), values: d.byStatus }))}
              />
              <HorizontalBarChart title="All access requests by status now" rows={byStatus} empty="No access request yet." />
            </div>
            <h2 id="leaver-times">Time to disable and end-date leavers, last 90 days</h2>
            <LeaverTimes times={stats.leaverTimes} queue={queue} />
            <h2 id="late-removals">Overdue removals</h2>
            <LateRemovals late={stats.lateRemovals} queue={queue} />
            <h2 id="beyond-template">Access beyond the job template</h2>
            <BeyondTemplate counts={stats.beyondTemplate} />
          </>,
          { agency },
        );
      });
    },
  };
}
