import type { Database } from '../../db/database.ts';
import { refuseDuplicate } from '../../db/unique-violation.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, assertThat } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { RequestContext } from '../auth/actor.ts';
import { authorize, canSeeAgency } from '../auth/permissions.ts';
import * as repo from './requests.repo.ts';
import type { Acknowledgment, AcknowledgmentStatus } from './requests.schemas.ts';

/** The access agreement every worker with access acknowledges; a new text gets a new version. */
export const accessAgreement = {
  version: '2026-01',
  text: 'I will use my access to CONNECTIONS only for an authorised purpose: the cases and work my job requires. I will not look up, disclose or change information for any other reason, and I will report any misuse I see.',
};

export type AcknowledgmentService = ReturnType<typeof createAcknowledgmentService>;

export function createAcknowledgmentService(deps: { db: Database; clock: Clock; audit: AuditLog }) {
  async function requireWorker(id: string) {
    const worker = isId(id) ? await repo.findSubjectWorker(deps.db, id) : undefined;
    if (!worker) throw new AppError('worker.not_found', 'No worker with that id.');
    return worker;
  }

  /** The worker, signed in as themselves, acknowledges the current agreement; recorded once per version. */
  async function acknowledge(ctx: RequestContext, workerId: string, agreementVersion: string): Promise<Acknowledgment> {
    const worker = await requireWorker(workerId);
    if (ctx.actor.workerId !== worker.id) {
      if (!canSeeAgency(ctx.actor, worker.agencyId)) throw new AppError('worker.not_found', 'No worker with that id.');
      throw new AppError('acknowledgment.not_self', 'Only the worker can acknowledge the access agreement, signed in as themselves.');
    }
    assertThat(agreementVersion === accessAgreement.version, 'input.invalid', `The agreement in force is version ${accessAgreement.version}; read it (GET /workers/{id}/acknowledgments) and acknowledge that version.`);
    const acknowledgment: Acknowledgment = { id: newId(), workerId: worker.id, agreementVersion, principalId: ctx.actor.principalId, acknowledgedAt: deps.clock.now().toISOString() };
    await deps.db.transaction().execute(async (trx) => {
      await refuseDuplicate(
        repo.insertAcknowledgment(trx, {
          id: acknowledgment.id, agency_id: worker.agencyId, worker_id: worker.id, agreement_version: agreementVersion, principal_id: ctx.actor.principalId, acknowledged_at: acknowledgment.acknowledgedAt,
        }),
        'conflict.version',
        `You already acknowledged agreement version ${agreementVersion}.`,
      );
      await repo.dropAcknowledgmentReminder(trx, worker.id);
      await deps.audit.record(trx, ctx, [{ action: 'agreement.acknowledged', subjectType: 'worker', subjectId: worker.id, agencyId: worker.agencyId, after: { agreementVersion, acknowledgedAt: acknowledgment.acknowledgedAt } }]);
    });
    return acknowledgment;
  }

  /** Whether the worker has acknowledged the current agreement, and must (once access was provisioned). */
  async function status(ctx: RequestContext, workerId: string): Promise<AcknowledgmentStatus> {
    const worker = await requireWorker(workerId);
    if (ctx.actor.workerId !== worker.id) authorize(ctx.actor, 'acknowledgments.read', worker.agencyId, 'worker.not_found', 'worker');
    const acknowledgments = await repo.listAcknowledgments(deps.db, worker.id);
    const acknowledged = acknowledgments.some((a) => a.agreementVersion === accessAgreement.version);
    const provisioned = (await repo.countProvisionedRequests(deps.db, worker.id)) > 0;
    return { workerId: worker.id, agreement: accessAgreement, acknowledged, required: provisioned && !acknowledged, acknowledgments };
  }

  return { acknowledge, status };
}
