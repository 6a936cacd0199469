import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';

describe('configuration', () => {
  it('records mails without sending them unless SMTP_URL names an SMTP server', () => {
    const unset = loadConfig({});
    assert.deepEqual([unset.smtpUrl, unset.mailFrom], [null, 'Gatehouse <gatehouse@localhost>']);
    const set = loadConfig({ SMTP_URL: ' smtp://127.0.0.1:2525 ', GATEHOUSE_MAIL_FROM: 'Access desk <access@monroe.example.org>' });
    assert.deepEqual([set.smtpUrl, set.mailFrom], ['smtp://127.0.0.1:2525', 'Access desk <access@monroe.example.org>']);
    assert.equal(loadConfig({ SMTP_URL: 'smtps://user:secret@mail.example.org:465' }).smtpUrl, 'smtps://user:secret@mail.example.org:465');
    assert.throws(() => loadConfig({ SMTP_URL: 'http://mail.example.org' }), /SMTP_URL: Must be smtp:\/\/host:port/);
  });
});
