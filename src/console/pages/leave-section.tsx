import type { Leave } from '../../domain/lifecycle/lifecycle.schemas.ts';
import { text } from '../forms.ts';
import { Badge, CsrfField, ErrorSummary, type FieldErrors, TextArea, TextField } from '../ui.tsx';

export interface LeaveFormState {
  form?: string | undefined;
  errors?: FieldErrors | undefined;
  message?: string | undefined;
  values?: Record<string, string | string[]> | undefined;
}

/**
 * The worker page's leaves: the list, the early return of the leave under way and, when none is
 * open, the form that records one (rule 7: accounts disabled from the start, restored at return).
 */
export function LeaveSection(props: { workerId: string; leaves: Leave[]; mayWrite: boolean; csrfToken: string; state: LeaveFormState }) {
  const { state } = props;
  const v = state.values ?? {};
  const errorsFor = (form: string) => (state.form === form ? state.errors : undefined);
  const messageFor = (form: string) => (state.form === form ? state.message : undefined);
  const open = props.leaves.find((l) => l.status === 'scheduled' || l.status === 'on_leave');
  return (
    <section aria-labelledby="leaves">
      <h2 id="leaves">Leaves of absence</h2>
      {props.leaves.length === 0 ? <p>No leave recorded.</p> : (
        <table aria-labelledby="leaves">
          <thead><tr><th scope="col">From</th><th scope="col">Back</th><th scope="col">Status</th><th scope="col">Reason</th></tr></thead>
          <tbody>
            {props.leaves.map((l) => (
              <tr><td>{l.startsOn}</td><td>{l.returnsOn ?? 'not known'}</td><td><Badge value={l.status} /></td><td>{l.reason}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {!props.mayWrite ? null : open?.status === 'on_leave' ? (
        <form method="post" action={`/workers/${props.workerId}/leaves/${open.id}/return`} class="stack" novalidate>
          <h3>Record an early return</h3>
          <p>The worker's accounts come back with exactly the access held when the leave began.</p>
          <ErrorSummary message={messageFor('return')} errors={errorsFor('return')} />
          <CsrfField token={props.csrfToken} />
          <TextArea name="returnReason" label="Reason for the return" value={state.form === 'return' ? text(v, 'returnReason') : ''} errors={errorsFor('return')} required />
          <button type="submit">Record the return today</button>
        </form>
      ) : open ? (
        <p>A leave from {open.startsOn} is scheduled; it starts on its own.</p>
      ) : (
        <form method="post" action={`/workers/${props.workerId}/leaves`} class="stack" novalidate>
          <h3>Record a leave of absence</h3>
          <ErrorSummary message={messageFor('leave')} errors={errorsFor('leave')} />
          <CsrfField token={props.csrfToken} />
          <TextField name="startsOn" label="First day of the leave" type="date" hint="Today or later; every account is disabled from that day." value={state.form === 'leave' ? text(v, 'startsOn') : ''} errors={errorsFor('leave')} required />
          <TextField name="returnsOn" label="Expected first day back" type="date" hint="Leave blank if not known." value={state.form === 'leave' ? text(v, 'returnsOn') : ''} errors={errorsFor('leave')} />
          <TextArea name="leaveReason" label="Reason for the leave" value={state.form === 'leave' ? text(v, 'leaveReason') : ''} errors={errorsFor('leave')} required />
          <button type="submit">Record the leave</button>
        </form>
      )}
    </section>
  );
}
