// Starts the real conversation-service binary on a free loopback port, for one test file.
import { spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const outputDir = join(repo, 'test-output', 'e2e');

/** Timings short enough for tests; each test file overrides what it exercises. */
const BASE_ENV = {
  CONV_LISTEN: '127.0.0.1:0',
  CONV_DEV_AUTH: 'true',
  CONV_MIN_COMPLETED_S: '3',
  CONV_WAITING_TIMEOUT_S: '20',
  CONV_HEARTBEAT_INTERVAL_S: '1',
  CONV_HEARTBEAT_TIMEOUT_S: '10',
  CONV_MATCH_TIMEOUT_S: '60',
  CONV_LOG_LEVEL: 'info',
};

/** The caller's environment without its CONV_ settings (a shell configured by
 * `scripts/services up` would otherwise hand the server the distributed mode's). */
export function inheritedEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CONV_') || k === 'CONV_BINARY'),
  );
}

export async function startServer(name, env = {}) {
  const binary = resolve(repo, process.env.CONV_BINARY ?? 'build/release/src/main/conversation-service');
  if (!existsSync(binary)) throw new Error(`no server binary at ${binary} (scripts/build release, or set CONV_BINARY)`);
  const dataDir = await mkdtemp(join(tmpdir(), `conv-e2e-${name}-`));
  mkdirSync(join(outputDir, 'logs'), { recursive: true });
  const log = createWriteStream(join(outputDir, 'logs', `${name}.server.log`));
  const child = spawn(binary, [], {
    env: { ...inheritedEnv(), ...BASE_ENV, CONV_DATA_DIR: dataDir, CONV_WEB_ROOT: join(repo, 'web', 'dist'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (process.env.E2E_PID_FILE) appendFileSync(process.env.E2E_PID_FILE, `${child.pid}\n`);
  child.stderr.pipe(log);
  const port = await new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name}: the server did not say where it listens within 15 s`)), 15000);
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      out += chunk.toString();
      const m = out.match(/conversation-service listening on 127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name}: the server exited with ${code} before listening`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  let stopping = false;
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // Worth a loud line: every test after this point fails for this reason.
    const why = `${name}: THE SERVER DIED during the test (exit code ${code}, signal ${signal}); see test-output/e2e/logs/${name}.server.log`;
    console.error(why);
    log.write(`\n${why}\n`);
  });

  async function api(method, path, { token, body, raw = false } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (raw) return res;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function token(userId) {
    const r = await api('POST', '/dev/token', { body: { userId } });
    if (r.status !== 200) throw new Error(`dev token: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token;
  }

  function events() {
    const file = join(dataDir, 'events.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  async function stop() {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    log.end();
    await rm(dataDir, { recursive: true, force: true });
  }

  return { url, port, dataDir, api, token, events, stop, child };
}

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function eventually(what, fn, timeoutMs = 15000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
