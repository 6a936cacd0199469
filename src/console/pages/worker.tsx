import type { Context } from 'hono';
import { acknowledgeSchema } from '../../domain/requests/requests.schemas.ts';
import { AppError } from '../../shared/errors.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, contextOf } from '../env.ts';
import { formValues, text, validate } from '../forms.ts';
import { mainApplication, shortDate } from '../lookups.ts';
import { Badge, CsrfField, Pager } from '../ui.tsx';

const reasonText: Record<string, string> = {
  not_registered: 'you are not in the directory', directory_disabled: 'your directory account is disabled', on_leave: 'you are on leave',
  no_account: 'you have no account yet', account_disabled: 'your account is disabled', end_dated: 'your account is end-dated',
};

async function myPage(c: Context<ConsoleEnv>, tools: ConsoleTools) {
  const signedIn = c.get('signedIn');
  if (!signedIn) throw new AppError('auth.unauthenticated', 'Sign in first.');
  const workerId = signedIn.actor.workerId;
  if (!workerId) {
    return tools.render(c, 'My access', <p>Your console account is not linked to a worker, so you hold no access of your own.</p>);
  }
  const ctx = contextOf(signedIn, c.get('requestId'));
  const application = await mainApplication(tools.services, ctx);
  const access = await tools.services.access.effectiveAccess(ctx, workerId, application.id);
  const agreement = await tools.services.acknowledgments.status(ctx, workerId);
  const cursor = c.req.query('cursor') || undefined;
  const requests = await tools.services.requests.listAboutMe(ctx, { limit: 20, cursor });
  const waiting = await tools.services.inbox.listSummaries(ctx, { limit: 1 });
  return tools.render(
    c, 'My access',
    <>
      {waiting.items.length > 0 ? <p class="warn"><a href="/inbox">Access requests wait for your decision.</a></p> : null}
      {agreement.required ? (
        <section class="warn" aria-labelledby="agreement">
          <h2 id="agreement">Acknowledge the access agreement</h2>
          <p>{agreement.agreement.text}</p>
          <form method="post" action="/me/acknowledge">
            <CsrfField token={c.get('csrfToken')} />
            <input type="hidden" name="agreementVersion" value={agreement.agreement.version} />
            <button type="submit">I acknowledge the access agreement (version {agreement.agreement.version})</button>
          </form>
        </section>
      ) : null}
      {agreement.acknowledged ? <p>You acknowledged the access agreement version {agreement.agreement.version} on {shortDate(agreement.acknowledgments.at(-1)?.acknowledgedAt)} UTC.</p> : null}
      <h2>{application.name} now</h2>
      {access.active ? (
        <>
          <table>
            <thead><tr><th scope="col">Business function</th><th scope="col">Security attributes</th><th scope="col">Until</th></tr></thead>
            <tbody>{access.functions.map((f) => <tr><td>{f.code}</td><td>{f.securityAttributes.join(', ')}</td><td>{f.validTo ? shortDate(f.validTo) : 'no end'}</td></tr>)}</tbody>
          </table>
          {access.functions.length === 0 ? <p>You hold no business functions yet.</p> : null}
          <p>Units you may work in: {access.units.map((u) => `${u.code} ${u.name}${u.via === 'hierarchy' ? ' (hierarchy)' : ''}`).join(', ') || 'none'}</p>
        </>
      ) : (
        <p>You have no access now: {access.reasons.map((r) => reasonText[r] ?? r).join(', ')}.</p>
      )}
      <h2>Requests about me</h2>
      <p><a href="/me/request-access">Request more access for yourself</a></p>
      {requests.items.length === 0 ? <p>No access request has been made for you.</p> : (
        <table>
          <thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Submitted</th></tr></thead>
          <tbody>{requests.items.map((r) => <tr><td><a href={`/requests/${r.id}`}>{r.justification.slice(0, 60)}</a></td><td><Badge value={r.status} /></td><td>{shortDate(r.submittedAt)}</td></tr>)}</tbody>
        </table>
      )}
      <Pager path="/me" params={{}} nextCursor={requests.nextCursor} first={!cursor} />
    </>,
  );
}

/** The worker's own page: access now, requests about them, and the access agreement. */
export function workerFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/me', label: 'My access', visible: (a) => a.workerId !== null }],
    mount(app, tools) {
      app.get('/me', (c) => myPage(c, tools));
      app.post('/me/acknowledge', async (c) => {
        const signedIn = c.get('signedIn');
        if (!signedIn?.actor.workerId) throw new AppError('acknowledgment.not_self', 'Only a worker can acknowledge the access agreement.');
        const parsed = validate(acknowledgeSchema, { agreementVersion: text(await formValues(c), 'agreementVersion') });
        if (!parsed.ok) throw new AppError('input.invalid', 'The agreement version is missing; reload the page and acknowledge again.');
        await tools.services.acknowledgments.acknowledge(contextOf(signedIn, c.get('requestId')), signedIn.actor.workerId, parsed.data.agreementVersion);
        return tools.redirect(c, '/me', 'Thank you: your acknowledgment of the access agreement is recorded.');
      });
    },
  };
}
