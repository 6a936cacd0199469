import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../shared/logger.ts';
import { toAppError } from './error-handler.ts';

// A deadlock or serialization failure cannot be caused on demand, so these use the error objects the drivers throw.
describe('error mapping', () => {
  const logger = createLogger('silent');

  it('tells the loser of a PostgreSQL deadlock or serialization failure to reload and try again, with a 409', () => {
    for (const code of ['40P01', '40001']) {
      const error = toAppError(Object.assign(new Error('deadlock detected'), { code }), logger, 'req-1');
      assert.deepEqual([error.code, error.status], ['conflict.concurrent', 409]);
      assert.match(error.message, /try again/);
    }
  });

  it('hides any other database error behind a 500 that quotes the request id', () => {
    const error = toAppError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }), logger, 'req-2');
    assert.deepEqual([error.code, error.status], ['internal', 500]);
    assert.match(error.message, /req-2/);
    assert.doesNotMatch(error.message, /relation/);
  });
});
