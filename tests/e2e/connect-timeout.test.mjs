// The partner is a plain HTTP + WebSocket client (node, no browser): it never answers the
// offer, so the session is cancelled with connect_timeout (CONV_WAITING_TIMEOUT_S=3).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openLearner } from './lib/browser.mjs';
import { eventually, startServer } from './lib/server.mjs';

let server;
let browser;
let learner;
let ghostSocket;

before(async () => {
  server = await startServer('connect-timeout', { CONV_WAITING_TIMEOUT_S: '3' });
  browser = await launchBrowser();
});
after(async () => {
  ghostSocket?.close();
  await learner?.close();
  await browser?.close();
  await server?.stop();
});

test('a partner that never answers ends in a connect timeout', async () => {
  learner = await openLearner(browser, server, { name: 'frank', test: 'connect-timeout' });
  await learner.join({ language: 'it', level: 'A1' });
  await learner.waitScreen('waiting');

  // The ghost: a token, a WebSocket that only listens, and a join.
  const token = await server.token('ghost');
  const received = [];
  ghostSocket = new WebSocket(`${server.url.replace('http', 'ws')}/ws?access_token=${token}`);
  await new Promise((resolve, reject) => {
    ghostSocket.onopen = resolve;
    ghostSocket.onerror = () => reject(new Error('the ghost could not open its WebSocket'));
  });
  ghostSocket.onmessage = (m) => received.push(JSON.parse(m.data));
  const joined = await server.api('POST', '/matchmaking/join', { token, body: { targetLanguageCode: 'it', userLevel: 'A1' } });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  assert.equal(joined.body.isInitiator, false);
  const sessionId = joined.body.session.id;

  await learner.waitScreen('call');
  assert.equal((await learner.state()).sessionId, sessionId);
  // The browser (the initiator) offers; the ghost gets the offer and says nothing.
  await eventually('the offer to reach the ghost', async () => received.some((m) => m.type === 'offer' && m.from === 'frank'));
  await learner.shot('connecting');
  assert.match(await learner.page.locator('#call-state').textContent(), /Connecting/);

  await learner.waitScreen('outcome', 15000);
  assert.equal(await learner.page.locator('#outcome').getAttribute('data-reason'), 'connect_timeout');
  await learner.page.getByRole('heading', { name: 'We couldn’t connect you' }).waitFor();
  await learner.shot('connect-timeout');

  const s = await server.api('GET', `/sessions/${sessionId}`, { token });
  assert.equal(s.body.status, 'cancelled');
  assert.equal(s.body.endReason, 'connect_timeout');
  await eventually('the ghost to be told too', async () =>
    received.some((m) => m.type === 'session-ended' && m.endReason === 'connect_timeout'));

  // The learner can go again at once.
  await learner.page.getByRole('button', { name: 'Find another partner' }).click();
  await learner.waitScreen('lobby');
  assert.deepEqual(learner.problems, []);
});
