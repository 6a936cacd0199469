import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Joiner, setUpJoiner } from '../../../test/helpers/access-requests.ts';
import { describeEachDatabase } from '../../../test/helpers/databases.ts';
import { createTestKit, type TestKit } from '../../../test/helpers/kit.ts';

function hotlineSurvey(s: Joiner) {
  return {
    title: 'MONROE intake survey',
    questions: [
      { key: 'role', text: 'Which CPS team does the worker join?', type: 'choice', options: [{ value: 'intake', label: 'Intake' }, { value: 'ongoing', label: 'Ongoing' }] },
      { key: 'nightShift', text: 'Does the worker staff the night hotline?', type: 'yes_no' },
      { key: 'notes', text: 'Anything the approvers should know?', type: 'text', maxLength: 100 },
      { key: 'covers', text: 'Which units does the worker cover for?', type: 'unit_list' },
    ],
    rules: [
      { when: [{ question: 'role', equals: 'intake' }], addFunctions: ['CPS CASEWORKER'], explanation: 'Intake investigates reports' },
      { when: [{ question: 'role', equals: 'ongoing' }], removeFunctions: ['CPS CASEWORKER'], explanation: 'Ongoing does not investigate' },
      { when: [{ question: 'nightShift', equals: true }], addFunctions: ['ACCESS ALL DIST'], hierarchyUnitIds: [s.otherUnit], explanation: 'The hotline searches the district' },
      { when: [], hierarchyFrom: 'covers', explanation: 'Covers for other units' },
    ],
  };
}

async function assess(kit: TestKit, s: Joiner, answers: Record<string, unknown>) {
  return kit.call('POST', `/api/v1/workers/${s.joiner}/assessments`, { token: s.tokens.coordinatorA, body: { applicationId: s.app, answers } });
}

describeEachDatabase('assessment surveys', (current) => {
  it("proposes access from the agency's own survey version, and from the default where none is defined", async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const erie = await setUpJoiner(kit, 'ERIE');
    const path = `/api/v1/agencies/${s.agency.id}/assessment-survey`;
    const before = await kit.call('GET', path, { token: s.tokens.coordinatorA });
    assert.deepEqual([before.body.version, before.body.surveyVersion, before.body.definition.questions.length], [0, 'soar-default-1', 6]);

    const put = await kit.call('PUT', path, { token: s.tokens.coordinatorA, body: hotlineSurvey(s) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual([put.body.version, put.body.surveyVersion], [1, 'agency-1']);
    assert.deepEqual((await kit.call('GET', path, { token: s.tokens.coordinatorB })).body.definition, put.body.definition);

    const assessed = await assess(kit, s, { role: 'intake', nightShift: true, notes: '  Starts on nights  ', covers: [s.cpsUnit] });
    assert.equal(assessed.status, 201, JSON.stringify(assessed.body));
    assert.equal(assessed.body.surveyVersion, 'agency-1');
    assert.equal(assessed.body.answers.notes, 'Starts on nights');
    assert.deepEqual(assessed.body.proposal.functions.map((f: { code: string; inTemplate: boolean; reason: string }) => [f.code, f.inTemplate, f.reason]), [
      ['CPS CASEWORKER', true, 'Intake investigates reports'],
      ['ACCESS ALL DIST', false, 'The hotline searches the district'],
    ]);
    assert.deepEqual(assessed.body.proposal.hierarchyUnitIds.sort(), [s.otherUnit, s.cpsUnit].sort());

    const ongoing = await assess(kit, s, { role: 'ongoing', nightShift: false });
    assert.deepEqual([ongoing.body.proposal.functions, ongoing.body.proposal.droppedFromTemplate, ongoing.body.proposal.hierarchyUnitIds], [[], [s.caseworkerFn], []]);

    const changed = await kit.call('PUT', path, { token: s.tokens.coordinatorA, body: { ...hotlineSurvey(s), title: 'MONROE intake survey, spring' } });
    assert.equal(changed.body.version, 2);
    assert.equal((await assess(kit, s, { role: 'intake', nightShift: false })).body.surveyVersion, 'agency-2');
    assert.equal((await kit.call('GET', `/api/v1/assessments/${assessed.body.id}`, { token: s.tokens.coordinatorA })).body.surveyVersion, 'agency-1');

    const erieSurvey = await kit.call('GET', `/api/v1/agencies/${erie.agency.id}/assessment-survey`, { token: erie.tokens.coordinatorA });
    assert.deepEqual([erieSurvey.body.version, erieSurvey.body.surveyVersion], [0, 'soar-default-1']);
    const audit = await kit.db.selectFrom('audit_events').select('action').where('action', '=', 'assessment_survey.versioned').execute();
    assert.equal(audit.length, 2);
  });

  it('refuses answers that do not fit the survey, and a survey whose rules name missing questions or options', async () => {
    const kit = createTestKit(current());
    const s = await setUpJoiner(kit);
    const path = `/api/v1/agencies/${s.agency.id}/assessment-survey`;
    await kit.call('PUT', path, { token: s.tokens.coordinatorA, body: hotlineSurvey(s) });
    const wrong = await assess(kit, s, { role: 'weekend', nightShift: 'yes', pets: true, notes: 'x'.repeat(101) });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.code, 'input.invalid');
    assert.deepEqual(wrong.body.error.details.map((d: { field: string }) => d.field).sort(), ['answers.nightShift', 'answers.notes', 'answers.pets', 'answers.role']);
    const foreignUnit = await assess(kit, s, { role: 'intake', nightShift: false, covers: [(await setUpJoiner(kit, 'ERIE')).cpsUnit] });
    assert.equal(foreignUnit.body.error.code, 'unit.not_found');

    const survey = hotlineSurvey(s);
    const broken = {
      ...survey,
      questions: [...survey.questions, { key: 'role', text: 'Again?', type: 'yes_no' }],
      rules: [
        { when: [{ question: 'role', equals: 'weekend' }], addFunctions: ['CPS CASEWORKER'], explanation: 'x' },
        { when: [{ question: 'notes', equals: 'x' }], explanation: 'x' },
        { when: [{ question: 'missing', equals: true }], explanation: 'x' },
        { when: [], hierarchyFrom: 'nightShift', explanation: 'x' },
      ],
    };
    const refused = await kit.call('PUT', path, { token: s.tokens.coordinatorA, body: broken });
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.error.details.map((d: { field: string }) => d.field), ['questions.4.key', 'rules.0.when.0', 'rules.1.when.0', 'rules.2.when.0', 'rules.3.hierarchyFrom']);
    assert.equal((await kit.call('PUT', path, { token: s.tokens.coordinatorA, body: { ...survey, color: 'red' } })).status, 400);
    assert.equal((await kit.call('PUT', path, { token: s.tokens.supervisor, body: survey })).status, 403);
    assert.equal((await kit.call('GET', path, { token: (await setUpJoiner(kit, 'CAYUGA')).tokens.coordinatorA })).status, 404);
  });
});
