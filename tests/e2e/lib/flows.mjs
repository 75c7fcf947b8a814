// Steps several tests share.
import assert from 'node:assert/strict';
import { openLearner, expectAudioFlowing } from './browser.mjs';
import { eventually } from './server.mjs';

/** Two learners matched and talking; `a` waited first, so `a` is the initiator. */
export async function connectPair(browser, server, test, { a = 'alice', b = 'bob', language = 'en', level = 'B1' } = {}) {
  const first = await openLearner(browser, server, { name: a, test, device: 'phone' });
  const second = await openLearner(browser, server, { name: b, test, device: 'desktop' });
  await first.join({ language, level });
  await first.waitScreen('waiting');
  await second.join({ language, level });
  await Promise.all([first.waitScreen('call'), second.waitScreen('call')]);
  const sessionId = (await first.state()).sessionId;
  assert.ok(sessionId);
  assert.equal((await second.state()).sessionId, sessionId);
  await expectAudioFlowing(first, second);
  const token = await server.token(a);
  await eventually('the session to become active', async () => {
    const r = await server.api('GET', `/sessions/${sessionId}`, { token });
    return r.body.status === 'active';
  });
  return { a: first, b: second, sessionId, token };
}
