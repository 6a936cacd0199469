/**
 * The default SOaR New Employee Security/Access Survey: questions about the job's
 * responsibilities and the rules that turn the answers into business functions and unit
 * hierarchy access. Functions are named by code so one survey serves every agency.
 */
export const surveyVersion = 'soar-default-1';

export type BooleanQuestionKey = 'investigatesCps' | 'providesPreventive' | 'supervisesUnit' | 'findsHomes' | 'districtWideSearch';

export interface SurveyQuestion {
  key: BooleanQuestionKey | 'coveredUnitIds';
  text: string;
  answer: 'yes_no' | 'unit_list';
}

export interface SurveyRule {
  /** Every listed answer must be yes. */
  when: BooleanQuestionKey[];
  functionCodes: string[];
  explanation: string;
}

export const surveyQuestions: SurveyQuestion[] = [
  { key: 'investigatesCps', text: 'Does the worker investigate reports of suspected child abuse or maltreatment (CPS)?', answer: 'yes_no' },
  { key: 'providesPreventive', text: 'Does the worker provide preventive services to families?', answer: 'yes_no' },
  { key: 'supervisesUnit', text: 'Does the worker supervise a unit?', answer: 'yes_no' },
  { key: 'findsHomes', text: 'Does the worker recruit, study or certify foster and adoptive homes?', answer: 'yes_no' },
  { key: 'districtWideSearch', text: 'Does the job need to search every case in the district, beyond the worker\'s own units?', answer: 'yes_no' },
  { key: 'coveredUnitIds', text: 'Which other units does the worker cover for (unit hierarchy access)?', answer: 'unit_list' },
];

export const surveyRules: SurveyRule[] = [
  { when: ['investigatesCps'], functionCodes: ['CPS CASEWORKER'], explanation: 'Investigates CPS reports' },
  { when: ['investigatesCps', 'supervisesUnit'], functionCodes: ['CPS SUPERVISOR'], explanation: 'Supervises a CPS unit' },
  { when: ['providesPreventive'], functionCodes: ['PREVENTIVE CASEWORKER'], explanation: 'Provides preventive services' },
  { when: ['findsHomes'], functionCodes: ['FAD CASEWORKER'], explanation: 'Finds foster and adoptive homes' },
  { when: ['findsHomes', 'supervisesUnit'], functionCodes: ['FAD SUPERVISOR'], explanation: 'Supervises a homefinding unit' },
  { when: ['districtWideSearch'], functionCodes: ['ACCESS ALL DIST'], explanation: 'Needs district-wide case search' },
];

export type SurveyAnswers = Record<BooleanQuestionKey, boolean> & { coveredUnitIds: string[] };

export interface ProposedFunction {
  functionId: string;
  code: string;
  inTemplate: boolean;
  reason: string;
}

export interface Proposal {
  templateFunctionIds: string[];
  functions: ProposedFunction[];
  /** Template functions the answers show the job does not need. */
  droppedFromTemplate: string[];
  hierarchyUnitIds: string[];
}

/**
 * The least-privilege set: the job template, minus functions a "no" answer rules out, plus
 * functions the "yes" answers need. A function named by a rule but missing from the
 * application is left out.
 */
export function proposeAccess(answers: SurveyAnswers, templateFunctionIds: string[], functionsByCode: Map<string, { id: string; code: string }>): Proposal {
  const codeOf = new Map([...functionsByCode.values()].map((f) => [f.id, f.code]));
  const ruledOut = new Set<string>();
  const needed = new Map<string, string>();
  for (const rule of surveyRules) {
    const met = rule.when.every((key) => answers[key]);
    for (const code of rule.functionCodes) {
      const fn = functionsByCode.get(code);
      if (!fn) continue;
      if (met) needed.set(fn.id, rule.explanation);
      else if (rule.when.length === 1) ruledOut.add(fn.id);
    }
  }
  const kept = templateFunctionIds.filter((id) => needed.has(id) || !ruledOut.has(id));
  const functions: ProposedFunction[] = kept.map((id) => ({ functionId: id, code: codeOf.get(id) ?? id, inTemplate: true, reason: needed.get(id) ?? 'In the job template' }));
  for (const [id, reason] of needed) {
    if (!kept.includes(id)) functions.push({ functionId: id, code: codeOf.get(id) ?? id, inTemplate: false, reason });
  }
  return {
    templateFunctionIds,
    functions,
    droppedFromTemplate: templateFunctionIds.filter((id) => !kept.includes(id)),
    hierarchyUnitIds: [...new Set(answers.coveredUnitIds)],
  };
}
