import type { MailKind } from '../../db/schema.ts';

/** What a notification says about a request: enough to act on without signing in first. */
export interface RequestFacts {
  requestId: string;
  subjectName: string;
  justification: string;
  riskLevel: string;
  stageName?: string | undefined;
  dueAt?: string | null | undefined;
  outcome?: string | undefined;
}

export interface MailContent {
  subject: string;
  body: string;
}

function requestLink(publicUrl: string, requestId: string): string {
  return `${publicUrl}/api/v1/access-requests/${requestId}`;
}

function facts(publicUrl: string, f: RequestFacts): string[] {
  return [
    `Worker: ${f.subjectName}`,
    `Risk: ${f.riskLevel}`,
    `Justification: ${f.justification}`,
    ...(f.stageName ? [`Stage: ${f.stageName}`] : []),
    ...(f.dueAt ? [`Decide by: ${f.dueAt}`] : []),
    `Request id: ${f.requestId}`,
    `Open it: ${requestLink(publicUrl, f.requestId)}`,
    `Decide: POST ${requestLink(publicUrl, f.requestId)}/decisions`,
  ];
}

const outcomeWords: Record<string, string> = {
  provisioned: 'approved and the access is in place',
  failed: 'approved, but the access could not be applied; a security coordinator will look into it',
  denied: 'denied',
  expired: 'denied automatically: nobody decided it in time',
};

/** The text of each notification email, for one recipient. */
export function composeRequestMail(kind: Exclude<MailKind, 'acknowledgment_needed' | 'acknowledgment_reminder'>, publicUrl: string, recipientName: string, f: RequestFacts, deputyFor?: string): MailContent {
  const greeting = deputyFor ? `Hello ${recipientName},\n\nYou are the deputy of ${deputyFor} today and may decide in their place.` : `Hello ${recipientName},`;
  switch (kind) {
    case 'approval_needed':
      return {
        subject: `Approval needed: access for ${f.subjectName}`,
        body: [greeting, '', `An access request for ${f.subjectName} waits for your decision.`, '', ...facts(publicUrl, f)].join('\n'),
      };
    case 'reminder':
      return {
        subject: `Reminder: access for ${f.subjectName} waits for your decision`,
        body: [greeting, '', `You have not yet decided the access request for ${f.subjectName}. Past its deadline it escalates, then is denied.`, '', ...facts(publicUrl, f)].join('\n'),
      };
    case 'escalation':
      return {
        subject: `Escalated to you: access for ${f.subjectName}`,
        body: [greeting, '', `Stage "${f.stageName ?? ''}" of an access request for ${f.subjectName} passed its deadline and was escalated to you. Undecided by the new deadline, it is denied.`, '', ...facts(publicUrl, f)].join('\n'),
      };
    case 'decision':
      return {
        subject: `Access request for ${f.subjectName}: ${f.outcome ?? 'decided'}`,
        body: [greeting, '', `The access request for ${f.subjectName} was ${outcomeWords[f.outcome ?? ''] ?? f.outcome}.`, '', ...facts(publicUrl, { ...f, stageName: undefined, dueAt: undefined })].join('\n'),
      };
  }
}

/** The email asking a worker to acknowledge the access agreement (first time, or a reminder). */
export function composeAcknowledgmentMail(reminder: boolean, publicUrl: string, recipient: { id: string; name: string }, agreement: { version: string; text: string }): MailContent {
  const link = `${publicUrl}/api/v1/workers/${recipient.id}/acknowledgments`;
  return {
    subject: reminder ? 'Reminder: acknowledge the access agreement' : 'Your access is ready: acknowledge the access agreement',
    body: [
      `Hello ${recipient.name},`,
      '',
      reminder ? 'You have not yet acknowledged the access agreement for your access.' : 'Your access was approved. Before you use it, read and acknowledge the access agreement:',
      '',
      agreement.text,
      '',
      `Agreement version: ${agreement.version}`,
      `Acknowledge: POST ${link} with {"agreementVersion":"${agreement.version}"}`,
    ].join('\n'),
  };
}
