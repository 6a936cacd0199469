import type { SurveyDefinition } from '../../domain/assessments/survey-definition.ts';
import type { Unit } from '../../domain/units/units.schemas.ts';
import { list, text } from '../forms.ts';
import { type FieldErrors, SelectField, TextField } from '../ui.tsx';

type FormValues = Record<string, string | string[]>;

/** The questions of the agency's survey in force, each as the control its answer type needs. */
export function SurveyFields(props: { survey: SurveyDefinition; units: Unit[]; values: FormValues; errors?: FieldErrors | undefined }) {
  const { values, errors } = props;
  return (
    <>
      {props.survey.questions.map((q) => {
        const error = errors?.[`answers.${q.key}`];
        switch (q.type) {
          case 'yes_no':
            return (
              <div class="check">
                <input type="checkbox" id={q.key} name={q.key} value="yes" checked={text(values, q.key) === 'yes'} />
                <label for={q.key}>{q.text}</label>
                {error ? <p class="field-error">{error}</p> : null}
              </div>
            );
          case 'choice':
            return <SelectField name={q.key} label={q.text} options={q.options} value={text(values, q.key)} blank="Choose one" errors={error ? { [q.key]: error } : undefined} />;
          case 'text':
            return <TextField name={q.key} label={q.text} value={text(values, q.key)} required={q.required} errors={error ? { [q.key]: error } : undefined} />;
          case 'unit_list': {
            const chosen = new Set(list(values, q.key));
            return (
              <div class="field">
                <label for={q.key}>{`${q.text} (hold Ctrl to choose several)`}</label>
                {error ? <p class="field-error">{error}</p> : null}
                <select id={q.key} name={q.key} multiple size={5}>
                  {props.units.filter((u) => !u.holding).map((u) => <option value={u.id} selected={chosen.has(u.id)}>{`${u.code} ${u.name}`}</option>)}
                </select>
              </div>
            );
          }
        }
      })}
    </>
  );
}

/** The answers a submitted survey form gives, typed as the assessment API takes them. */
export function surveyAnswers(survey: SurveyDefinition, values: FormValues): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const q of survey.questions) {
    if (q.type === 'yes_no') answers[q.key] = text(values, q.key) === 'yes';
    else if (q.type === 'unit_list') answers[q.key] = list(values, q.key);
    else {
      const answer = text(values, q.key);
      if (answer) answers[q.key] = answer;
    }
  }
  return answers;
}
