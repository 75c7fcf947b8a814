// A learner reports their partner during the call: the session is cancelled (reported).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './lib/browser.mjs';
import { connectPair } from './lib/flows.mjs';
import { eventually, startServer } from './lib/server.mjs';

let server;
let browser;
let pair;

before(async () => {
  server = await startServer('report');
  browser = await launchBrowser();
});
after(async () => {
  await pair?.a.close();
  await pair?.b.close();
  await browser?.close();
  await server?.stop();
});

test('a learner reports their partner with a reason', async () => {
  pair = await connectPair(browser, server, 'report', { a: 'gina', b: 'hugo', language: 'es', level: 'B2' });
  const { a: gina, b: hugo, sessionId, token } = pair;

  await hugo.page.getByRole('button', { name: 'Report a problem' }).click();
  const dialog = hugo.page.getByRole('dialog', { name: 'Report gina' });
  await dialog.waitFor();
  // A reason is required.
  await dialog.getByRole('button', { name: 'Report and leave' }).click();
  await dialog.getByText('Please choose a reason.').waitFor();
  await dialog.getByLabel('What happened?').selectOption('offensive');
  await dialog.getByLabel('Details (optional)').fill('Insults after the first question.');
  await hugo.shot('report-dialog');
  await dialog.getByRole('button', { name: 'Report and leave' }).click();

  await Promise.all([gina.waitScreen('outcome'), hugo.waitScreen('outcome')]);
  for (const l of [gina, hugo]) {
    assert.equal(await l.page.locator('#outcome').getAttribute('data-status'), 'cancelled');
    assert.equal(await l.page.locator('#outcome').getAttribute('data-reason'), 'reported');
  }
  assert.match(await hugo.page.locator('#outcome-text').textContent(), /Thank you for your report/);
  assert.match(await gina.page.locator('#outcome-text').textContent(), /stopped after a report/);
  await hugo.shot('reported');
  await gina.shot('reported');

  const s = await server.api('GET', `/sessions/${sessionId}`, { token });
  assert.equal(s.body.status, 'cancelled');
  assert.equal(s.body.endReason, 'reported');
  const reported = await eventually('session.reported in events.jsonl', async () =>
    server.events().find((e) => e.type === 'session.reported'));
  assert.match(JSON.stringify(reported.data), /offensive/);
  for (const l of [gina, hugo]) assert.deepEqual(l.problems, []);
});
