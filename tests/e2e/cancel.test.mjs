// A learner starts looking for a partner and cancels.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openLearner } from './lib/browser.mjs';
import { eventually, startServer } from './lib/server.mjs';

let server;
let browser;
let learner;

before(async () => {
  server = await startServer('cancel');
  browser = await launchBrowser();
});
after(async () => {
  await learner?.close();
  await browser?.close();
  await server?.stop();
});

test('a learner cancels the wait for a partner', async () => {
  learner = await openLearner(browser, server, { name: 'carol', test: 'cancel' });
  await learner.join({ language: 'es', level: 'A2' });
  await learner.waitScreen('waiting');
  await eventually('the elapsed time to tick', async () => (await learner.page.locator('#wait-elapsed').textContent()) !== '0:00');
  await learner.shot('waiting');

  const token = await server.token('carol');
  const pending = await server.api('GET', '/matchmaking/status', { token });
  assert.equal(pending.body.status, 'pending');

  // A reload keeps the wait (sessionStorage + GET /matchmaking/status), clock included.
  await learner.page.reload();
  await learner.waitScreen('waiting');
  assert.notEqual(await learner.page.locator('#wait-elapsed').textContent(), '0:00', 'the elapsed time carries on');

  await learner.page.getByRole('button', { name: 'Cancel' }).click();
  await learner.waitScreen('lobby');
  await learner.page.getByText('You stopped looking for a partner.').waitFor();
  // The choices are remembered (localStorage).
  assert.equal(await learner.page.getByLabel('Language you are practising').inputValue(), 'es');
  assert.equal(await learner.page.getByLabel('Your level').inputValue(), 'A2');
  await learner.shot('cancelled');

  const after = await server.api('GET', '/matchmaking/status', { token });
  assert.equal(after.body.status, 'cancelled');
  await eventually('matchmaking.cancelled in events.jsonl', async () => server.events().some((e) => e.type === 'matchmaking.cancelled'));

  // Remembered after a reload too.
  await learner.page.reload();
  await learner.waitScreen('lobby');
  assert.equal(await learner.page.getByLabel('Language you are practising').inputValue(), 'es');
  assert.deepEqual(learner.problems, []);
});
