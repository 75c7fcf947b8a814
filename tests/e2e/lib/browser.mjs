// Headless Chromium (Debian's package) driven by playwright-core: never a downloaded browser.
import { chromium } from 'playwright-core';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { outputDir, eventually } from './server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A new browser; Playwright gives it a new, empty user-data directory of its own. */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60000 });
}

/** Screenshot numbering, shared by the learners of one test so the files sort in step order. */
const steps = new Map();

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

/**
 * One learner: a browser context (its own storage), the page signed in through the dev name
 * box. `device`: 'phone' (default) or 'desktop'. `relayOnly`: the page's RTCPeerConnections
 * may use TURN relay candidates only (iceTransportPolicy 'relay'), as behind a network that
 * lets no direct path through.
 */
export async function openLearner(browser, server, { name, test, device = 'phone', hb = 1, relayOnly = false }) {
  const context = await browser.newContext({
    ...(device === 'desktop' ? DESKTOP : PHONE),
    permissions: ['microphone'],
    baseURL: server.url,
  });
  if (relayOnly) {
    await context.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Native {
        constructor(config = {}, ...rest) {
          super({ ...config, iceTransportPolicy: 'relay' }, ...rest);
        }
      };
    });
  }
  const page = await context.newPage();
  mkdirSync(join(outputDir, 'logs'), { recursive: true });
  const log = createWriteStream(join(outputDir, 'logs', `${test}.${name}.console.log`));
  const problems = [];
  page.on('console', (m) => {
    const text = m.text();
    log.write(`[${new Date().toISOString()}] ${m.type()}: ${text}\n`);
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.on('pageerror', (e) => {
    log.write(`[${new Date().toISOString()}] pageerror: ${e.stack ?? e}\n`);
    problems.push(`page error: ${e.message}`);
  });
  await page.goto(`/?hb=${hb}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitScreen(page, 'lobby');

  const learner = {
    name,
    page,
    context,
    problems,
    /** Saves test-output/e2e/<test>/<NN>-<step>-<learner>.png */
    async shot(label) {
      const step = (steps.get(test) ?? 0) + 1;
      steps.set(test, step);
      const dir = join(outputDir, test);
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `${String(step).padStart(2, '0')}-${label}-${name}.png`), fullPage: true });
    },
    state: () => page.evaluate(() => window.__conv.state),
    screen: () => page.evaluate(() => window.__conv.state.screen),
    waitScreen: (s, timeoutMs) => waitScreen(page, s, timeoutMs),
    async join({ language = 'en', level = 'B1', topic } = {}) {
      await page.getByLabel('Language you are practising').selectOption(language);
      await page.getByLabel('Your level').selectOption(level);
      if (topic) await page.getByLabel('Topic (optional)').selectOption({ label: topic });
      await page.getByRole('button', { name: 'Find a partner' }).click();
    },
    /** Audio bytes both ways through the page's RTCPeerConnection (window.__conv.pc). */
    audioStats: () =>
      page.evaluate(async () => {
        const pc = window.__conv.pc;
        if (!pc) return null;
        const report = await pc.getStats();
        let sent = 0;
        let received = 0;
        report.forEach((s) => {
          if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent;
          if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.bytesReceived;
        });
        return { state: pc.connectionState, sent, received };
      }),
    /** The candidate types of the pair the page's RTCPeerConnection is using. */
    selectedPair: () =>
      page.evaluate(async () => {
        const report = await window.__conv.pc.getStats();
        let pair = null;
        report.forEach((s) => {
          if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
        });
        if (!pair) return null;
        return { local: report.get(pair.localCandidateId).candidateType, remote: report.get(pair.remoteCandidateId).candidateType };
      }),
    async close() {
      await context.close().catch(() => {});
      log.end();
    },
  };
  return learner;
}

export async function waitScreen(page, screen, timeoutMs = 20000) {
  await page.waitForFunction((s) => window.__conv?.state.screen === s, screen, { timeout: timeoutMs });
}

/** Both pages' RTCPeerConnections connected and audio bytes growing both ways. */
export async function expectAudioFlowing(a, b, timeoutMs = 20000) {
  const first = await eventually(
    'both peer connections connected with audio both ways',
    async () => {
      const [sa, sb] = await Promise.all([a.audioStats(), b.audioStats()]);
      if (!sa || !sb || sa.state !== 'connected' || sb.state !== 'connected') return null;
      if (sa.sent <= 0 || sa.received <= 0 || sb.sent <= 0 || sb.received <= 0) return null;
      return { sa, sb };
    },
    timeoutMs,
  );
  // Still flowing a moment later.
  await eventually(
    'audio bytes to keep growing',
    async () => {
      const [sa, sb] = await Promise.all([a.audioStats(), b.audioStats()]);
      return sa && sb && sa.received > first.sa.received && sb.received > first.sb.received && sa.sent > first.sa.sent && sb.sent > first.sb.sent;
    },
    10000,
  );
  return first;
}
