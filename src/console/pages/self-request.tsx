import type { Context } from 'hono';
import { createRequestSchema } from '../../domain/requests/requests.schemas.ts';
import { AppError } from '../../shared/errors.ts';
import type { ConsoleFeature, ConsoleTools } from '../console.tsx';
import { type ConsoleEnv, requireContext } from '../env.ts';
import { formValues, list, optional, refusalMessage, text, validate } from '../forms.ts';
import { applicationFunctions, mainApplication } from '../lookups.ts';
import { CsrfField, ErrorSummary, type FieldErrors, TextArea } from '../ui.tsx';
import { FunctionChecklist } from './function-checklist.tsx';

type FormState = { errors?: FieldErrors; message?: string; values?: Record<string, string | string[]> };

function signedInWorker(c: Context<ConsoleEnv>): string {
  const workerId = requireContext(c).actor.workerId;
  if (!workerId) throw new AppError('worker.not_found', 'Your sign-in is not linked to a worker, so there is no access of your own to request.');
  return workerId;
}

async function requestForm(c: Context<ConsoleEnv>, tools: ConsoleTools, state: FormState = {}, status = 200) {
  const ctx = requireContext(c);
  const me = signedInWorker(c);
  const application = await mainApplication(tools.services, ctx);
  const held = new Set((await tools.services.access.effectiveAccess(ctx, me, application.id)).functions.map((f) => f.functionId));
  const functions = (await applicationFunctions(tools.services, ctx, application.id)).filter((f) => f.requestable && !held.has(f.id));
  const chosen = new Set(list(state.values ?? {}, 'functionIds'));
  return tools.render(
    c, 'Request more access',
    <>
      <p>Ask for business functions your work needs. Your approvers decide as for any request; you cannot approve it yourself.</p>
      <ErrorSummary message={state.message} errors={state.errors} />
      <form method="post" action="/me/request-access" class="stack" novalidate>
        <CsrfField token={c.get('csrfToken')} />
        {functions.length === 0 ? <p>There is no function you could ask for: you hold every one that can be requested.</p> : null}
        <FunctionChecklist applicationName={application.name} functions={functions} chosen={chosen} errors={state.errors} />
        <TextArea name="justification" label="Why your work needs them" hint="Your approvers read this; it is kept with the request." value={text(state.values ?? {}, 'justification')} errors={state.errors} required />
        <button type="submit">Send the request</button>
      </form>
    </>,
    { status },
  );
}

/** A worker asks for more access for themselves; the request follows the agency's approval policy like any other. */
export function selfRequestFeature(): ConsoleFeature {
  return {
    nav: [],
    mount(app, tools) {
      app.get('/me/request-access', (c) => requestForm(c, tools));
      app.post('/me/request-access', async (c) => {
        const ctx = requireContext(c);
        const me = signedInWorker(c);
        const values = await formValues(c);
        const application = await mainApplication(tools.services, ctx);
        const justification = optional(values, 'justification');
        // A function beyond the job template needs its own justification; the worker's reason is it.
        const items = list(values, 'functionIds').slice(0, 51).map((functionId) => ({ kind: 'function', functionId, ...(justification ? { justification } : {}) }));
        const parsed = validate(createRequestSchema, { subjectWorkerId: me, applicationId: application.id, justification: justification ?? '', items });
        if (!parsed.ok) {
          const errors: FieldErrors = {};
          for (const [field, message] of Object.entries(parsed.errors)) errors[field.startsWith('items') ? 'functionIds' : field] ??= message;
          if (errors.functionIds && items.length === 0) errors.functionIds = 'Choose at least one business function.';
          if (errors.justification && !justification) errors.justification = 'Write why your work needs these functions.';
          return requestForm(c, tools, { errors, values }, 422);
        }
        try {
          const agency = await tools.agencyOf(c);
          const request = await tools.services.requests.create(ctx, agency.id, parsed.data);
          return tools.redirect(c, `/requests/${request.id}`, 'Your request is sent; your approvers decide it.');
        } catch (error) {
          return requestForm(c, tools, { message: refusalMessage(error), values }, 422);
        }
      });
    },
  };
}
