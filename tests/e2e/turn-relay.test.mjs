// A call where no direct path is allowed: both pages may only use TURN relay candidates, so
// the audio flows through the real coturn (scripts/services) with the short-lived
// credentials the service hands out in match-found and /ice-servers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { expectAudioFlowing, launchBrowser, openLearner } from './lib/browser.mjs';
import { repo, startServer } from './lib/server.mjs';

/** scripts/services' stdout; `status` exits non-zero when a server is stopped. */
function services(...args) {
  const run = spawnSync(`${repo}/scripts/services`, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0 && args[0] !== 'status') throw new Error(`scripts/services ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

let server;
let browser;
let startedTurn = false;
const learners = [];

before(async () => {
  startedTurn = !/^turn\s+running/m.test(services('status'));
  const env = Object.fromEntries(
    [...services('up', 'turn').matchAll(/^export (CONV_\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]),
  );
  assert.ok(env.CONV_TURN_URLS && env.CONV_TURN_SECRET, 'scripts/services up turn gave the TURN settings');
  server = await startServer('turn-relay', {
    CONV_TURN_URLS: env.CONV_TURN_URLS,
    CONV_TURN_SECRET: env.CONV_TURN_SECRET,
    CONV_STUN_URLS: env.CONV_STUN_URLS,
  });
  browser = await launchBrowser();
});
after(async () => {
  for (const l of learners) await l.close();
  await browser?.close();
  await server?.stop();
  if (startedTurn) services('down', 'turn');
});

test('two learners who may only use TURN relays talk through coturn', async () => {
  const alice = await openLearner(browser, server, { name: 'alice', test: 'turn-relay', relayOnly: true });
  const bob = await openLearner(browser, server, { name: 'bob', test: 'turn-relay', relayOnly: true, device: 'desktop' });
  learners.push(alice, bob);
  await alice.join({ language: 'de', level: 'B2' });
  await alice.waitScreen('waiting');
  await bob.join({ language: 'de', level: 'B2' });
  await Promise.all([alice.waitScreen('call'), bob.waitScreen('call')]);
  await expectAudioFlowing(alice, bob);
  for (const learner of [alice, bob]) {
    const pair = await learner.selectedPair();
    assert.deepEqual(pair, { local: 'relay', remote: 'relay' }, `${learner.name} talks through the relay`);
  }
  await alice.shot('in-call-through-turn');
});
