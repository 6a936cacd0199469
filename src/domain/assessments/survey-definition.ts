import { z } from '@hono/zod-openapi';
import { idValueSchema } from '../../shared/id-schema.ts';

const questionKey = z.string().trim().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'Must be a letter then up to 39 letters, digits or _.');
const questionText = z.string().trim().min(1).max(500);
const functionCode = z.string().trim().min(1).max(100);

/** A question of the survey; its type decides what an answer may be. */
export const surveyQuestionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ key: questionKey, text: questionText, type: z.literal('yes_no') }),
    z.strictObject({
      key: questionKey, text: questionText, type: z.literal('choice'),
      options: z.array(z.strictObject({ value: z.string().trim().min(1).max(100), label: z.string().trim().min(1).max(200) })).min(2).max(20),
    }),
    z.strictObject({ key: questionKey, text: questionText, type: z.literal('text'), required: z.boolean().default(false), maxLength: z.number().int().min(1).max(2000).default(500) }),
    z.strictObject({ key: questionKey, text: questionText, type: z.literal('unit_list').openapi({ description: 'Units of the agency, e.g. those the worker covers for.' }) }),
  ])
  .openapi('SurveyQuestion');

export type SurveyQuestion = z.infer<typeof surveyQuestionSchema>;

export const surveyConditionSchema = z
  .strictObject({ question: questionKey, equals: z.union([z.boolean(), z.string().trim().min(1).max(100)]).openapi({ description: 'true/false for a yes_no question, an option value for a choice question.' }) })
  .openapi('SurveyCondition');

/** When every condition holds, the rule adds and removes functions (by code) and gives unit hierarchy access. */
export const surveyRuleSchema = z
  .strictObject({
    when: z.array(surveyConditionSchema).max(10).openapi({ description: 'Every condition must hold; an empty list always holds.' }),
    addFunctions: z.array(functionCode).max(20).default([]),
    removeFunctions: z.array(functionCode).max(20).default([]).openapi({ description: 'Taken out of the job template unless another rule that holds adds them.' }),
    hierarchyFrom: questionKey.optional().openapi({ description: 'A unit_list question whose answer becomes unit hierarchy access.' }),
    hierarchyUnitIds: z.array(idValueSchema).max(20).default([]),
    explanation: z.string().trim().min(1).max(200),
  })
  .openapi('SurveyRule');

export type SurveyRule = z.infer<typeof surveyRuleSchema>;

export const surveyDefinitionSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    questions: z.array(surveyQuestionSchema).min(1).max(50),
    rules: z.array(surveyRuleSchema).max(100),
  })
  .openapi('SurveyDefinition');

export type SurveyDefinition = z.infer<typeof surveyDefinitionSchema>;

/** What is wrong with a definition beyond its shape: duplicate keys, rules naming missing questions or options. */
export function surveyDefinitionProblems(definition: SurveyDefinition): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const byKey = new Map<string, SurveyQuestion>();
  definition.questions.forEach((q, i) => {
    if (byKey.has(q.key)) problems.push({ field: `questions.${i}.key`, message: `Another question already has the key ${q.key}.` });
    byKey.set(q.key, q);
  });
  definition.rules.forEach((rule, i) => {
    rule.when.forEach((condition, j) => {
      const field = `rules.${i}.when.${j}`;
      const question = byKey.get(condition.question);
      if (!question) problems.push({ field, message: `No question with the key ${condition.question}.` });
      else if (question.type === 'yes_no' && typeof condition.equals !== 'boolean') problems.push({ field, message: `${question.key} is a yes/no question: compare it with true or false.` });
      else if (question.type === 'choice' && !question.options.some((o) => o.value === condition.equals)) {
        problems.push({ field, message: `${question.key} has no option ${String(condition.equals)}; its options are ${question.options.map((o) => o.value).join(', ')}.` });
      } else if (question.type === 'text' || question.type === 'unit_list') problems.push({ field, message: `${question.key} is a ${question.type} question; a rule can only test yes/no and choice answers.` });
    });
    if (rule.hierarchyFrom !== undefined && byKey.get(rule.hierarchyFrom)?.type !== 'unit_list') {
      problems.push({ field: `rules.${i}.hierarchyFrom`, message: `${rule.hierarchyFrom} is not a unit_list question of this survey.` });
    }
  });
  return problems;
}

/** The version label of the built-in survey, recorded on assessments made with it. */
export const defaultSurveyVersion = 'soar-default-1';

const yes = (question: string) => ({ question, equals: true });
const no = (question: string) => ({ question, equals: false });

/**
 * The default SOaR New Employee Security/Access Survey: questions about the job's responsibilities
 * and the rules that turn the answers into business functions and unit hierarchy access. Functions
 * are named by code, so one survey serves every agency; a code the application lacks is skipped.
 */
export const defaultSurvey: SurveyDefinition = {
  title: 'SOaR New Employee Security/Access Survey',
  questions: [
    { key: 'investigatesCps', text: 'Does the worker investigate reports of suspected child abuse or maltreatment (CPS)?', type: 'yes_no' },
    { key: 'providesPreventive', text: 'Does the worker provide preventive services to families?', type: 'yes_no' },
    { key: 'supervisesUnit', text: 'Does the worker supervise a unit?', type: 'yes_no' },
    { key: 'findsHomes', text: 'Does the worker recruit, study or certify foster and adoptive homes?', type: 'yes_no' },
    { key: 'districtWideSearch', text: "Does the job need to search every case in the district, beyond the worker's own units?", type: 'yes_no' },
    { key: 'coveredUnitIds', text: 'Which other units does the worker cover for (unit hierarchy access)?', type: 'unit_list' },
  ],
  rules: [
    { when: [yes('investigatesCps')], addFunctions: ['CPS CASEWORKER'], removeFunctions: [], hierarchyUnitIds: [], explanation: 'Investigates CPS reports' },
    { when: [no('investigatesCps')], addFunctions: [], removeFunctions: ['CPS CASEWORKER'], hierarchyUnitIds: [], explanation: 'Does not investigate CPS reports' },
    { when: [yes('investigatesCps'), yes('supervisesUnit')], addFunctions: ['CPS SUPERVISOR'], removeFunctions: [], hierarchyUnitIds: [], explanation: 'Supervises a CPS unit' },
    { when: [yes('providesPreventive')], addFunctions: ['PREVENTIVE CASEWORKER'], removeFunctions: [], hierarchyUnitIds: [], explanation: 'Provides preventive services' },
    { when: [no('providesPreventive')], addFunctions: [], removeFunctions: ['PREVENTIVE CASEWORKER'], hierarchyUnitIds: [], explanation: 'Provides no preventive services' },
    { when: [yes('findsHomes')], addFunctions: ['FAD CASEWORKER'], removeFunctions: [], hierarchyUnitIds: [], explanation: 'Finds foster and adoptive homes' },
    { when: [no('findsHomes')], addFunctions: [], removeFunctions: ['FAD CASEWORKER'], hierarchyUnitIds: [], explanation: 'Does not find foster and adoptive homes' },
    { when: [yes('findsHomes'), yes('supervisesUnit')], addFunctions: ['FAD SUPERVISOR'], removeFunctions: [], hierarchyUnitIds: [], explanation: 'Supervises a homefinding unit' },
    { when: [yes('districtWideSearch')], addFunctions: ['ACCESS ALL DIST'], removeFunctions: [], hierarchyUnitIds: [], explanation: 'Needs district-wide case search' },
    { when: [no('districtWideSearch')], addFunctions: [], removeFunctions: ['ACCESS ALL DIST'], hierarchyUnitIds: [], explanation: 'Needs no district-wide case search' },
    { when: [], addFunctions: [], removeFunctions: [], hierarchyFrom: 'coveredUnitIds', hierarchyUnitIds: [], explanation: 'Covers for other units' },
  ],
};

/** A survey as the API shows it: the agency's own (version 1, 2, …) or the default (version 0). */
export const surveySchema = z
  .object({
    agencyId: z.string().nullable(),
    version: z.number().int().openapi({ description: '0: the built-in default; each change by the agency creates the next version.' }),
    surveyVersion: z.string().openapi({ description: 'The label assessments record: soar-default-1, or agency-N.' }),
    definition: surveyDefinitionSchema,
    createdBy: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('AssessmentSurvey');

export type Survey = z.infer<typeof surveySchema>;

/** The label an assessment records for the survey version it used. */
export function surveyVersionLabel(version: number): string {
  return version === 0 ? defaultSurveyVersion : `agency-${version}`;
}
