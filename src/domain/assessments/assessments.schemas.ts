import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';

export const surveyAnswersSchema = z
  .strictObject({
    investigatesCps: z.boolean(),
    providesPreventive: z.boolean(),
    supervisesUnit: z.boolean(),
    findsHomes: z.boolean(),
    districtWideSearch: z.boolean(),
    coveredUnitIds: z.array(idValueSchema).max(20).default([]),
  })
  .openapi('SurveyAnswers');

export const createAssessmentSchema = z
  .strictObject({ applicationId: idValueSchema, answers: surveyAnswersSchema })
  .openapi('CreateAssessment');

export type CreateAssessmentInput = z.infer<typeof createAssessmentSchema>;

export const submitAssessmentSchema = z
  .strictObject({
    unitId: idValueSchema.openapi({ description: 'The unit the account moves to from the holding unit once approved.' }),
    justification: z.string().trim().min(1).max(2000),
    justifications: z
      .array(z.strictObject({ functionId: idValueSchema, justification: z.string().trim().min(1).max(2000) }))
      .max(20)
      .default([])
      .openapi({ description: 'One per function beyond the job template; a function not in the proposal is added as an extra.' }),
  })
  .openapi('SubmitAssessment');

export type SubmitAssessmentInput = z.infer<typeof submitAssessmentSchema>;

export const surveySchema = z
  .object({
    version: z.string(),
    questions: z.array(z.object({ key: z.string(), text: z.string(), answer: z.enum(['yes_no', 'unit_list']) })),
    rules: z.array(z.object({ when: z.array(z.string()), functionCodes: z.array(z.string()), explanation: z.string() })),
  })
  .openapi('AssessmentSurvey');

export const proposalSchema = z
  .object({
    templateFunctionIds: z.array(z.string()),
    functions: z.array(z.object({ functionId: z.string(), code: z.string(), inTemplate: z.boolean(), reason: z.string() })),
    droppedFromTemplate: z.array(z.string()),
    hierarchyUnitIds: z.array(z.string()),
  })
  .openapi('AccessProposal');

export const assessmentSchema = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    workerId: z.string(),
    applicationId: z.string(),
    surveyVersion: z.string(),
    answers: surveyAnswersSchema,
    proposal: proposalSchema,
    requestId: z.string().nullable(),
    assessedBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('Assessment');

export type Assessment = z.infer<typeof assessmentSchema>;
