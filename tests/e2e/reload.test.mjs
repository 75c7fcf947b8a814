// Mid-call trouble: a dropped WebSocket reconnects and the call carries on; a page reload
// (first the initiator's, then the other's) rejoins the same session, the partner sees
// peer-status change, and the conversation still completes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, expectAudioFlowing, waitScreen } from './lib/browser.mjs';
import { connectPair } from './lib/flows.mjs';
import { eventually, startServer } from './lib/server.mjs';

let server;
let browser;
let pair;

before(async () => {
  server = await startServer('reload', { CONV_HEARTBEAT_TIMEOUT_S: '12', CONV_MIN_COMPLETED_S: '3' });
  browser = await launchBrowser();
});
after(async () => {
  await pair?.a.close();
  await pair?.b.close();
  await browser?.close();
  await server?.stop();
});

async function peerStatus(l) {
  return (await l.state()).peerStatus.map((s) => s.split('@')[0]);
}

async function reloadAndRejoin(who, partner, sessionId, label) {
  const partnerBefore = (await peerStatus(partner)).length;
  const partnerPc = (await partner.state()).pcId;
  await who.page.reload();
  await waitScreen(who.page, 'call');
  assert.equal((await who.state()).sessionId, sessionId, `${who.name} rejoined the same session`);
  // The partner saw them go and come back.
  await eventually(`${partner.name} to see ${who.name} disconnect and reconnect`, async () => {
    const log = (await peerStatus(partner)).slice(partnerBefore);
    if (log.includes('disconnected') && log[log.length - 1] === 'reconnected') return true;
    throw new Error(`peer-status seen: ${JSON.stringify(log)} (all: ${JSON.stringify((await partner.state()).peerStatus)})`);
  });
  await expectAudioFlowing(who, partner);
  assert.notEqual((await partner.state()).pcId, partnerPc, `${partner.name} started a new peer connection`);
  // Sound may wait for a click after a reload (autoplay policy): the page offers the button.
  const sound = who.page.getByRole('button', { name: 'Turn on sound' });
  if (await sound.isVisible()) {
    await who.shot(`${label}-sound-button`);
    await sound.click();
  }
  await who.page.locator('#call-state[data-state="connected"]').waitFor();
  await who.shot(`${label}-rejoined`);
  await partner.shot(`${label}-partner-back`);
}

test('a dropped WebSocket and page reloads mid-call rejoin the same session', async () => {
  pair = await connectPair(browser, server, 'reload', { a: 'ivy', b: 'jack', language: 'en', level: 'A2' });
  const { a: ivy, b: jack, sessionId, token } = pair;
  await ivy.shot('in-call');

  // 1. The WebSocket drops: it comes back by itself and the peer connection never notices.
  const pcBefore = (await ivy.state()).pcId;
  const jackSaw = (await peerStatus(jack)).length;
  await ivy.page.evaluate(() => window.__conv.dropSocket());
  await eventually('ivy to reconnect to the service', async () => (await ivy.state()).socket === 'open');
  await eventually('jack to see ivy drop and come back', async () => {
    const log = (await peerStatus(jack)).slice(jackSaw);
    return log.includes('disconnected') && log.at(-1) === 'reconnected';
  });
  await expectAudioFlowing(ivy, jack);
  assert.equal((await ivy.state()).pcId, pcBefore, 'the same RTCPeerConnection carried on');
  assert.equal((await server.api('GET', `/sessions/${sessionId}`, { token })).body.status, 'active');

  // 2. The initiator reloads: re-offers with an ICE restart from a new connection.
  await reloadAndRejoin(ivy, jack, sessionId, 'initiator-reload');
  // 3. The other learner reloads: it offers itself; perfect negotiation takes it.
  await reloadAndRejoin(jack, ivy, sessionId, 'partner-reload');

  // 4. The initiator's page goes away for a while (closed tab, crashed browser) and comes back:
  //    meanwhile the partner is told, on screen, that ivy is offline.
  const jackBefore = (await peerStatus(jack)).length;
  await ivy.page.goto('about:blank');
  await eventually('jack to be told ivy went offline', async () => (await peerStatus(jack)).slice(jackBefore).includes('disconnected'));
  await jack.page.locator('#partner-offline').waitFor({ state: 'visible' });
  await jack.shot('partner-offline');
  await ivy.page.goto(`${server.url}/?hb=1`);
  await waitScreen(ivy.page, 'call');
  assert.equal((await ivy.state()).sessionId, sessionId);
  await eventually('jack to see ivy back', async () => (await peerStatus(jack)).at(-1) === 'reconnected');
  await jack.page.locator('#partner-offline').waitFor({ state: 'hidden' });
  await expectAudioFlowing(ivy, jack);
  await jack.shot('partner-back-after-leaving');

  assert.equal((await server.api('GET', `/sessions/${sessionId}`, { token })).body.status, 'active', 'still the same active session');
  await ivy.page.getByRole('button', { name: 'End conversation' }).click();
  await Promise.all([ivy.waitScreen('outcome'), jack.waitScreen('outcome')]);
  for (const l of [ivy, jack]) assert.equal(await l.page.locator('#outcome').getAttribute('data-status'), 'completed');
  await ivy.shot('completed');
  for (const l of [ivy, jack]) assert.deepEqual(l.problems, []);
});
