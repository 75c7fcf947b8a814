// The platform bans a learner who is waiting for a partner: the page says so and stops
// reconnecting (close 4003), the service has cancelled the request, and the learner's
// token is refused from then on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, openLearner } from './lib/browser.mjs';
import { eventually, startServer } from './lib/server.mjs';

let server;
let browser;
let learner;

before(async () => {
  server = await startServer('removed');
  browser = await launchBrowser();
});
after(async () => {
  await learner?.close();
  await browser?.close();
  await server?.stop();
});

test('a banned learner is told, and the page does not come back', async () => {
  learner = await openLearner(browser, server, { name: 'mallory', test: 'removed' });
  await learner.join({ language: 'fr', level: 'B2' });
  await learner.waitScreen('waiting');
  const token = await server.token('mallory'); // issued before the ban, as the page's is

  // What the platform's user service publishes on user.events, as the embedded inbox reads it.
  const event = { eventId: 'ban-1', type: 'user.banned', occurredAt: new Date().toISOString(), version: 1, data: { userId: 'mallory' } };
  await appendFile(join(server.dataDir, 'inbox', 'user.events.jsonl'), JSON.stringify(event) + '\n');

  await learner.waitScreen('removed');
  await learner.page.getByText('This account can no longer take part in conversations.').waitFor();
  await learner.shot('removed');
  const status = await server.api('GET', '/matchmaking/status', { token });
  assert.equal(status.status, 401);
  await eventually('matchmaking.cancelled with user_removed', async () =>
    server.events().some((e) => e.type === 'matchmaking.cancelled' && e.data.reason === 'user_removed'));
  // The socket stays closed: the client does not try again (it would keep reconnecting,
  // and be refused, otherwise).
  assert.equal(await learner.page.locator('#link').getAttribute('data-state'), 'stopped');
  assert.deepEqual(learner.problems, []);
});
