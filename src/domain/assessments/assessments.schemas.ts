import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';

const answerValueSchema = z.union([z.boolean(), z.string().max(2000), z.array(idValueSchema).max(20)]);

export const surveyAnswersSchema = z
  .record(z.string().trim().max(40), answerValueSchema)
  .refine((answers) => Object.keys(answers).length <= 50, 'At most 50 answers.')
  .openapi('SurveyAnswers', { description: 'Answers by question key: true/false, a choice value, text, or a list of unit ids, as the survey in force asks.' });

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
    surveyVersion: z.string().openapi({ description: 'The survey version the assessment used: soar-default-1 or agency-N.' }),
    answers: z.record(z.string(), answerValueSchema),
    proposal: proposalSchema,
    requestId: z.string().nullable(),
    assessedBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('Assessment');

export type Assessment = z.infer<typeof assessmentSchema>;
