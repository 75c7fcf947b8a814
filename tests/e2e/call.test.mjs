// Two learners, two browser contexts: matched, connected, talking, ended after the minimum,
// both see `completed`, the recording is stored and announced in events.jsonl.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openLearner, expectAudioFlowing } from './lib/browser.mjs';
import { eventually, startServer } from './lib/server.mjs';

let server;
let browser;
const learners = [];

before(async () => {
  // A heartbeat timeout shorter than the call: it completes only if the page keeps beating.
  server = await startServer('call', { CONV_MIN_COMPLETED_S: '3', CONV_HEARTBEAT_INTERVAL_S: '1', CONV_HEARTBEAT_TIMEOUT_S: '4' });
  browser = await launchBrowser();
});

after(async () => {
  for (const l of learners) await l.close();
  await browser?.close();
  await server?.stop();
});

test('two learners are matched, talk, end after the minimum and the recording is stored', async () => {
  const alice = await openLearner(browser, server, { name: 'alice', test: 'call', device: 'phone' });
  const bob = await openLearner(browser, server, { name: 'bob', test: 'call', device: 'desktop' });
  learners.push(alice, bob);
  await alice.shot('lobby');
  await bob.shot('lobby');

  await alice.join({ language: 'fr', level: 'B1' });
  await alice.waitScreen('waiting');
  await alice.page.waitForTimeout(1200); // the elapsed time shows
  await alice.shot('waiting');

  await bob.join({ language: 'fr', level: 'B1' });
  await Promise.all([alice.waitScreen('call'), bob.waitScreen('call')]);
  const aState = await alice.state();
  const bState = await bob.state();
  assert.ok(aState.sessionId, 'alice has a session');
  assert.equal(aState.sessionId, bState.sessionId, 'both are in the same session');
  const sessionId = aState.sessionId;
  assert.equal(aState.heartbeatIntervalS, 1, '?hb=1 sets the heartbeat interval');

  // The topic and its prompt questions are on screen during the call.
  await alice.page.getByRole('heading', { name: 'Les vacances' }).waitFor();
  assert.ok((await alice.page.locator('.prompts li').count()) >= 1, 'prompt questions are shown');

  const flow = await expectAudioFlowing(alice, bob);
  assert.ok(flow.sa.sent > 0 && flow.sb.received > 0);

  // The service agrees: the session is active.
  const token = await server.token('alice');
  const active = await eventually('the session to become active', async () => {
    const r = await server.api('GET', `/sessions/${sessionId}`, { token });
    return r.body.status === 'active' ? r.body : null;
  });
  assert.ok(active.startedAt, 'startedAt is set');
  await alice.page.locator('#call-state[data-state="connected"]').waitFor();
  await eventually('the call timer to run', async () => (await alice.page.locator('#call-timer').textContent()) !== '0:00');
  await eventually('the quality indicator to have a reading', async () =>
    (await alice.page.locator('#call-quality').getAttribute('class')) !== 'quality q-unknown');
  await alice.shot('in-call');
  await bob.shot('in-call');

  // Mute toggles the microphone track.
  await bob.page.getByRole('button', { name: 'Mute microphone' }).click();
  assert.equal(await bob.page.locator('#mute').getAttribute('aria-pressed'), 'true');
  await bob.shot('muted');
  await bob.page.getByRole('button', { name: 'Unmute microphone' }).click();

  // Past the (shortened) minimum and well past the heartbeat timeout, alice ends.
  await eventually('the call to last 7 s', async () => {
    const s = (await alice.state()).call;
    return s.startedAtMs !== null && Date.now() - s.startedAtMs > 7000 && s.recordedBytes > 0;
  }, 20000);
  assert.equal((await server.api('GET', `/sessions/${sessionId}`, { token })).body.status, 'active', 'heartbeats kept it alive');
  await alice.page.getByRole('button', { name: 'End conversation' }).click();
  await Promise.all([alice.waitScreen('outcome'), bob.waitScreen('outcome')]);
  for (const l of [alice, bob]) {
    assert.equal(await l.page.locator('#outcome').getAttribute('data-status'), 'completed', `${l.name} sees completed`);
    assert.equal(await l.page.locator('#outcome-status').textContent(), 'Completed');
  }
  assert.match(await bob.page.locator('#outcome-text').textContent(), /partner ended/i);

  // Both pages upload; one wins, the other is told its partner's copy was saved.
  for (const l of [alice, bob])
    await l.page.locator('#upload[data-state="saved"]').waitFor({ timeout: 20000 });
  await alice.shot('completed');
  await bob.shot('completed');

  const ended = await server.api('GET', `/sessions/${sessionId}`, { token });
  assert.equal(ended.body.status, 'completed');
  assert.equal(ended.body.endReason, 'completed');
  assert.ok(ended.body.actualDurationSeconds >= 3, 'duration at least the minimum');
  assert.ok(ended.body.audioRecordingUrl, 'audioRecordingUrl is set');

  const audio = await server.api('GET', `/sessions/${sessionId}/audio`, { token, raw: true });
  assert.equal(audio.status, 200);
  assert.match(audio.headers.get('content-type'), /^audio\/webm/);
  const bytes = Buffer.from(await audio.arrayBuffer());
  assert.ok(bytes.length > 1000, `the recording has bytes (${bytes.length})`);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'a WebM (EBML) file');

  const uploaded = await eventually('session.audio-uploaded in events.jsonl', async () =>
    server.events().find((e) => e.type === 'session.audio-uploaded' && JSON.stringify(e.data).includes(sessionId)));
  assert.equal(uploaded.version, 1);

  // History: the conversation with outcome, duration, topic and playback of the recording.
  await alice.page.getByRole('button', { name: 'Past conversations' }).click();
  await alice.waitScreen('history');
  const entry = alice.page.locator(`li[data-session-id="${sessionId}"]`);
  await entry.getByRole('heading', { name: 'Les vacances' }).waitFor();
  assert.match(await entry.textContent(), /Completed/);
  await entry.getByRole('button', { name: 'Play recording' }).click();
  const player = entry.locator('audio');
  await player.waitFor();
  assert.match(await player.getAttribute('src'), /^blob:/);
  await alice.page.waitForFunction((id) => {
    const a = document.querySelector(`li[data-session-id="${id}"] audio`);
    return a && a.readyState >= 1;
  }, sessionId);
  await alice.shot('history');

  for (const l of [alice, bob]) assert.deepEqual(l.problems, [], `${l.name}: no page errors or CSP violations`);
});
