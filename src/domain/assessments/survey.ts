import type { SurveyDefinition } from './survey-definition.ts';

/** Answers by question key: yes/no as booleans, a choice's value, text, or a list of unit ids. */
export type SurveyAnswers = Record<string, boolean | string | string[]>;

export interface AnswerProblem {
  field: string;
  message: string;
}

/**
 * Checks raw answers against the survey's questions and returns them normalised (text trimmed,
 * unit lists deduplicated, an unanswered unit list empty), with every problem found.
 */
export function checkAnswers(definition: SurveyDefinition, raw: Record<string, unknown>): { answers: SurveyAnswers; problems: AnswerProblem[] } {
  const answers: SurveyAnswers = {};
  const problems: AnswerProblem[] = [];
  const keys = new Set(definition.questions.map((q) => q.key));
  for (const key of Object.keys(raw)) if (!keys.has(key)) problems.push({ field: `answers.${key}`, message: 'The survey has no such question; remove it.' });
  for (const question of definition.questions) {
    const field = `answers.${question.key}`;
    const value = raw[question.key];
    switch (question.type) {
      case 'yes_no':
        if (typeof value === 'boolean') answers[question.key] = value;
        else problems.push({ field, message: 'Answer true or false.' });
        break;
      case 'choice':
        if (typeof value === 'string' && question.options.some((o) => o.value === value)) answers[question.key] = value;
        else problems.push({ field, message: `Answer one of ${question.options.map((o) => o.value).join(', ')}.` });
        break;
      case 'text': {
        const text = typeof value === 'string' ? value.trim() : undefined;
        if (value !== undefined && text === undefined) problems.push({ field, message: 'Answer with text.' });
        else if (text !== undefined && text.length > question.maxLength) problems.push({ field, message: `At most ${question.maxLength} characters.` });
        else if (!text && question.required) problems.push({ field, message: 'This question needs an answer.' });
        else if (text) answers[question.key] = text;
        break;
      }
      case 'unit_list':
        if (value === undefined) answers[question.key] = [];
        else if (Array.isArray(value) && value.length <= 20 && value.every((v) => typeof v === 'string')) answers[question.key] = [...new Set(value)];
        else problems.push({ field, message: 'Answer with a list of at most 20 unit ids.' });
        break;
    }
  }
  return { answers, problems };
}

/** The unit ids the answers name, in every unit_list question. */
export function answeredUnitIds(definition: SurveyDefinition, answers: SurveyAnswers): string[] {
  return [...new Set(definition.questions.flatMap((q) => (q.type === 'unit_list' ? ((answers[q.key] as string[] | undefined) ?? []) : [])))];
}

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
 * The least-privilege set: the job template, minus what the rules that hold remove, plus what
 * they add (an addition wins over a removal); unit hierarchy access from the rules that hold. A
 * function a rule names but the application lacks is left out.
 */
export function proposeAccess(definition: SurveyDefinition, answers: SurveyAnswers, templateFunctionIds: string[], functionsByCode: Map<string, { id: string; code: string }>): Proposal {
  const codeOf = new Map([...functionsByCode.values()].map((f) => [f.id, f.code]));
  const removed = new Set<string>();
  const needed = new Map<string, string>();
  const hierarchy = new Set<string>();
  for (const rule of definition.rules) {
    if (!rule.when.every((c) => answers[c.question] === c.equals)) continue;
    for (const code of rule.addFunctions) {
      const fn = functionsByCode.get(code);
      if (fn && !needed.has(fn.id)) needed.set(fn.id, rule.explanation);
    }
    for (const code of rule.removeFunctions) {
      const fn = functionsByCode.get(code);
      if (fn) removed.add(fn.id);
    }
    const fromAnswer = rule.hierarchyFrom === undefined ? [] : ((answers[rule.hierarchyFrom] as string[] | undefined) ?? []);
    for (const unitId of [...fromAnswer, ...rule.hierarchyUnitIds]) hierarchy.add(unitId);
  }
  const kept = templateFunctionIds.filter((id) => needed.has(id) || !removed.has(id));
  const functions: ProposedFunction[] = kept.map((id) => ({ functionId: id, code: codeOf.get(id) ?? id, inTemplate: true, reason: needed.get(id) ?? 'In the job template' }));
  for (const [id, reason] of needed) {
    if (!kept.includes(id)) functions.push({ functionId: id, code: codeOf.get(id) ?? id, inTemplate: false, reason });
  }
  return { templateFunctionIds, functions, droppedFromTemplate: templateFunctionIds.filter((id) => !kept.includes(id)), hierarchyUnitIds: [...hierarchy] };
}
