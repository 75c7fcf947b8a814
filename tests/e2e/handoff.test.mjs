// Sign-in handed over by a host app: a `#token=` fragment (removed from the address bar at
// once) and window.postMessage from the opener; and a second tab of the same learner pauses
// the first (the service closes the older WebSocket with 4000).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitScreen } from './lib/browser.mjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inheritedEnv, outputDir, repo, startServer } from './lib/server.mjs';

mkdirSync(join(outputDir, 'handoff'), { recursive: true });

let server;
let browser;
let context;

before(async () => {
  server = await startServer('handoff');
  browser = await launchBrowser();
  context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, permissions: ['microphone'] });
});
after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

test('a token handed over in the URL fragment signs in and leaves no trace in the URL', async () => {
  const token = await server.token('kim');
  const page = await context.newPage();
  await page.goto(`/?hb=1#token=${token}`);
  await waitScreen(page, 'lobby');
  assert.equal(new URL(page.url()).hash, '', 'the fragment is gone');
  // No history entry holds the token: back is the blank page, forward the cleaned URL.
  await page.goBack();
  assert.equal(page.url(), 'about:blank');
  await page.goForward();
  assert.ok(!page.url().includes('token'), 'the entry was rewritten');
  await waitScreen(page, 'lobby');
  assert.equal(await page.locator('#who').textContent(), 'kim');
  await page.screenshot({ path: join(outputDir, "handoff", "01-fragment-signed-in-kim.png") });

  // The same learner in a second tab: this one takes over, the first is paused.
  const second = await context.newPage();
  await second.goto(`/?hb=1#token=${token}`);
  await waitScreen(second, 'lobby');
  await waitScreen(page, 'elsewhere');
  await page.getByRole('heading', { name: 'Open in another tab' }).waitFor();
  await page.screenshot({ path: join(outputDir, "handoff", "02-other-tab-paused-kim.png") });
  // …until the learner picks it again.
  await page.getByRole('button', { name: 'Use this tab instead' }).click();
  await waitScreen(page, 'lobby');
  await waitScreen(second, 'elsewhere');
  await second.close();
  await page.close();
});

test('a token posted by the opener window signs in; one from elsewhere is ignored', async () => {
  const token = await server.token('lea');
  const host = await context.newPage();
  await host.goto('/?hb=1'); // a same-origin page standing in for the host app
  await waitScreen(host, 'signin');
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    host.evaluate(() => {
      window.__ready = false;
      window.addEventListener('message', (e) => {
        if (e.data?.type === 'conversation-ready') window.__ready = true;
      });
      window.__child = window.open('/?hb=1', '_blank');
    }),
  ]);
  await waitScreen(popup, 'signin');
  await host.waitForFunction(() => window.__ready === true);
  // A message that does not come from the opener is ignored.
  await popup.evaluate((t) => window.postMessage({ type: 'conversation-token', token: t }, '*'), token);
  await popup.waitForTimeout(300);
  assert.equal(await popup.evaluate(() => window.__conv.state.screen), 'signin');
  await host.evaluate((t) => window.__child.postMessage({ type: 'conversation-token', token: t }, location.origin), token);
  await waitScreen(popup, 'lobby');
  assert.equal(await popup.locator('#who').textContent(), 'lea');
  await popup.close();
  await host.close();
});

test('without dev auth there is no name box, and a handed-over token signs in', async () => {
  const secret = 'e2e-secret-e2e-secret-e2e-secret-0123456789';
  const prod = await startServer('handoff-prod', { CONV_DEV_AUTH: 'false', CONV_JWT_SECRET: secret });
  try {
    const binary = resolve(repo, process.env.CONV_BINARY ?? 'build/release/src/main/conversation-service');
    const token = execFileSync(binary, ['mint-token', '--user', 'mia', '--hours', '1'], {
      env: { ...inheritedEnv(), CONV_JWT_SECRET: secret, CONV_DATA_DIR: prod.dataDir },
    }).toString().trim();
    const page = await context.newPage();
    await page.goto(`${prod.url}/?hb=1`);
    await waitScreen(page, 'signin');
    await page.getByText('Open this page from the learning app').waitFor();
    assert.equal(await page.getByLabel('Your name').count(), 0, 'no name box');
    await page.screenshot({ path: join(outputDir, 'handoff', '03-no-dev-auth-signin.png') });
    await page.goto(`${prod.url}/?hb=1#token=${token}`);
    await waitScreen(page, 'lobby');
    assert.equal(await page.locator('#who').textContent(), 'mia');
    await page.close();
  } finally {
    await prod.stop();
  }
});
