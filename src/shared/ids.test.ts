import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isId, newId } from './ids.ts';

const timeOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('ids', () => {
  it('makes version 7 ids that carry the time they were made at', () => {
    const at = Date.UTC(2031, 4, 6, 7, 8, 9, 10);
    const id = newId(at);
    assert.ok(isId(id));
    assert.equal(id[14], '7');
    assert.match(id[19] ?? '', /[89ab]/);
    assert.equal(timeOf(id), at);
  });

  it('sorts ids made in the same millisecond in the order they were made', () => {
    const at = Date.UTC(2032, 0, 1);
    const made = Array.from({ length: 10_000 }, () => newId(at));
    assert.deepEqual([...made].sort(), made);
    assert.equal(new Set(made).size, made.length);
    assert.ok(made.every(isId));
  });

  it('keeps sorting in making order when the time given goes back', () => {
    const later = newId(Date.UTC(2033, 0, 1));
    const earlier = newId(Date.UTC(2020, 0, 1));
    assert.ok(earlier > later);
  });

  it('starts the next millisecond fresh, so ids of different times sort by time', () => {
    const at = Date.UTC(2034, 0, 1);
    const first = newId(at);
    const next = newId(at + 1);
    assert.equal(timeOf(next), at + 1);
    assert.ok(next > first);
  });
});
