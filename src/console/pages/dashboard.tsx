import { hasPermission } from '../../domain/auth/permissions.ts';
import { AppError } from '../../shared/errors.ts';
import type { ConsoleFeature } from '../console.tsx';
import { contextOf } from '../env.ts';
import { hasRole } from '../page.ts';
import { BarChart, CsrfField } from '../ui.tsx';

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
        const byStatus = Object.entries(stats.requestsByStatus).map(([label, value]) => ({ label, value }));
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
            <BarChart title="Access requests by status" bars={byStatus.length > 0 ? byStatus : [{ label: 'none', value: 0 }]} />
            <BarChart title="Access requests created per day, last 14 days (UTC)" bars={stats.requestsPerDay.map((d) => ({ label: d.day.slice(5), value: d.count }))} />
          </>,
          { agency },
        );
      });
    },
  };
}
