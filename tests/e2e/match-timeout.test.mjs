// Nobody comes: the request expires (CONV_MATCH_TIMEOUT_S=2), the learner is told and retries
// in one click; this time a partner comes, and the conversation ends too early to count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openLearner } from './lib/browser.mjs';
import { eventually, startServer } from './lib/server.mjs';

let server;
let browser;
const learners = [];

before(async () => {
  server = await startServer('match-timeout', { CONV_MATCH_TIMEOUT_S: '2', CONV_MIN_COMPLETED_S: '60' });
  browser = await launchBrowser();
});
after(async () => {
  for (const l of learners) await l.close();
  await browser?.close();
  await server?.stop();
});

test('a match timeout is explained and retried in one click', async () => {
  const dave = await openLearner(browser, server, { name: 'dave', test: 'match-timeout' });
  const erin = await openLearner(browser, server, { name: 'erin', test: 'match-timeout', device: 'desktop' });
  learners.push(dave, erin);
  await dave.join({ language: 'de', level: 'C1' });
  await dave.waitScreen('waiting');
  await dave.shot('waiting');
  await dave.waitScreen('timeout', 10000);
  await dave.page.getByRole('heading', { name: 'No partner free right now' }).waitFor();
  await dave.shot('timed-out');
  const token = await server.token('dave');
  assert.equal((await server.api('GET', '/matchmaking/status', { token })).body.status, 'expired');
  assert.ok(server.events().some((e) => e.type === 'matchmaking.expired'), 'matchmaking.expired event');

  // One click: waiting again with the same choices; a partner one level below is matched.
  await dave.page.getByRole('button', { name: 'Try again' }).click();
  await dave.waitScreen('waiting');
  await erin.join({ language: 'de', level: 'B2' });
  await Promise.all([dave.waitScreen('call'), erin.waitScreen('call')]);
  await dave.page.locator('#call-state[data-state="connected"]').waitFor();
  await dave.shot('matched-after-retry');

  // Ended at once: shorter than the minimum (60 s here) → cancelled, too_short.
  await erin.page.getByRole('button', { name: 'End conversation' }).click();
  await Promise.all([dave.waitScreen('outcome'), erin.waitScreen('outcome')]);
  for (const l of [dave, erin]) {
    assert.equal(await l.page.locator('#outcome').getAttribute('data-status'), 'cancelled');
    assert.equal(await l.page.locator('#outcome').getAttribute('data-reason'), 'too_short');
    await l.page.locator('#upload[data-state="none"]').waitFor();
  }
  assert.match(await dave.page.locator('#outcome-text').textContent(), /partner ended the conversation very early/);
  await dave.shot('too-short');
  await erin.shot('too-short');
  for (const l of learners) assert.deepEqual(l.problems, []);
});
