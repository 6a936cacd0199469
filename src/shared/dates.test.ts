import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarDateAt } from './dates.ts';

describe('calendar dates in a time zone', () => {
  it('turns the date at local midnight, also across daylight saving changes and when asked again within the minute', () => {
    const inNewYork = (iso: string) => calendarDateAt(new Date(iso), 'America/New_York');
    assert.equal(inNewYork('2026-03-03T04:59:59.999Z'), '2026-03-02');
    assert.equal(inNewYork('2026-03-03T05:00:00.000Z'), '2026-03-03');
    assert.equal(inNewYork('2026-03-03T05:00:59.999Z'), '2026-03-03');
    assert.equal(inNewYork('2026-03-03T04:59:30.000Z'), '2026-03-02');
    // Summer time: midnight is 04:00Z.
    assert.equal(inNewYork('2026-07-01T03:59:59.999Z'), '2026-06-30');
    assert.equal(inNewYork('2026-07-01T04:00:00.000Z'), '2026-07-01');
    assert.equal(calendarDateAt(new Date('2026-07-01T04:00:00.000Z'), 'Asia/Kolkata'), '2026-07-01');
    assert.equal(calendarDateAt(new Date('2026-06-30T18:29:59.999Z'), 'Asia/Kolkata'), '2026-06-30');
    assert.equal(calendarDateAt(new Date('2026-06-30T18:30:00.000Z'), 'Asia/Kolkata'), '2026-07-01');
  });
});
