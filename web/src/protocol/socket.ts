// The WebSocket side of the protocol: one connection to /ws that reconnects with backoff and
// keeps what was sent while it was down. Uses only the standard `WebSocket` constructor
// (browsers and React Native), never the DOM.

import { parseServerMessage } from './types';
import type { ClientMessage, ServerMessage } from './types';

export type SocketState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

/** Close codes the service uses (docs/websocket-protocol.md). */
export const CLOSE_REPLACED = 4000;
/** The platform deleted or banned the user: reconnecting would only be closed again. */
export const CLOSE_USER_REMOVED = 4003;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;

export interface SocketOptions {
  /** `ws(s)://host/ws`; the token is added as `?access_token=` (browsers cannot set headers). */
  url: string;
  token: () => string | null;
  /** Backoff: first delay, cap, in ms; each failure doubles it, with ±25 % jitter. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Bound on messages kept while disconnected (oldest dropped first). */
  maxQueued?: number;
  /** Injected for tests and other platforms. */
  createSocket?: (url: string) => WebSocket;
  random?: () => number;
}

export interface SocketEvents {
  message: (m: ServerMessage) => void;
  /** `reconnected` is false for the first successful open. */
  open: (info: { reconnected: boolean }) => void;
  /** Every close, with the attempt count so far; `willRetry` false when it stops for good. */
  close: (info: { code: number; reason: string; wasOpen: boolean; failures: number; willRetry: boolean }) => void;
  state: (s: SocketState) => void;
}

type Listeners = { [K in keyof SocketEvents]: Set<SocketEvents[K]> };

/** Exponential backoff with jitter: attempt 0 → ~initial, then doubling up to the cap. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  const jitter = base * 0.25 * (random() * 2 - 1);
  return Math.max(0, Math.round(base + jitter));
}

export function socketUrl(origin: string, path = '/ws'): string {
  const u = origin.replace(/^http/, 'ws');
  return u + path;
}

export class ConversationSocket {
  private ws: WebSocket | null = null;
  private stateValue: SocketState = 'idle';
  private failures = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private queue: string[] = [];
  private readonly listeners: Listeners = { message: new Set(), open: new Set(), close: new Set(), state: new Set() };
  private readonly opts: Required<Omit<SocketOptions, 'createSocket'>> & Pick<SocketOptions, 'createSocket'>;

  constructor(options: SocketOptions) {
    this.opts = {
      backoffInitialMs: 500,
      backoffMaxMs: 10000,
      maxQueued: 200,
      random: Math.random,
      ...options,
    };
  }

  get state(): SocketState {
    return this.stateValue;
  }

  get isOpen(): boolean {
    return this.stateValue === 'open';
  }

  on<K extends keyof SocketEvents>(event: K, fn: SocketEvents[K]): () => void {
    (this.listeners[event] as Set<SocketEvents[K]>).add(fn);
    return () => (this.listeners[event] as Set<SocketEvents[K]>).delete(fn);
  }

  private emit<K extends keyof SocketEvents>(event: K, ...args: Parameters<SocketEvents[K]>): void {
    for (const fn of this.listeners[event] as Set<(...a: Parameters<SocketEvents[K]>) => void>) {
      try {
        fn(...args);
      } catch (e) {
        console.error(`socket ${event} listener failed`, e);
      }
    }
  }

  private setState(s: SocketState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.emit('state', s);
  }

  /** Opens the connection (no-op when already open or connecting). */
  connect(): void {
    if (this.ws || this.stateValue === 'open' || this.stateValue === 'connecting') return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const token = this.opts.token();
    if (!token) {
      this.setState('stopped');
      return;
    }
    this.setState(this.everOpened || this.failures > 0 ? 'reconnecting' : 'connecting');
    const url = `${this.opts.url}?access_token=${encodeURIComponent(token)}`;
    const ws = this.opts.createSocket ? this.opts.createSocket(url) : new WebSocket(url);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.failures = 0;
      this.setState('open');
      // What was said while offline goes first, in order.
      const pending = this.queue;
      this.queue = [];
      for (const text of pending) ws.send(text);
      this.emit('open', { reconnected });
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      const m = parseServerMessage(ev.data);
      if (m) this.emit('message', m);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!opened) this.failures += 1;
      else this.failures = 0;
      // Replaced by a newer connection of the same user (another tab): do not fight it.
      // Removed from the platform: nothing to come back to.
      const willRetry = this.stateValue !== 'stopped' && ev.code !== CLOSE_REPLACED && ev.code !== CLOSE_USER_REMOVED;
      this.emit('close', { code: ev.code, reason: ev.reason, wasOpen: opened, failures: this.failures, willRetry });
      if (!willRetry) {
        this.setState('stopped');
        return;
      }
      this.scheduleReconnect(ev.code === CLOSE_POLICY ? Math.max(this.failures, 3) : this.failures);
    };
    ws.onerror = () => {
      // onclose follows and does the work.
    };
  }

  private scheduleReconnect(attempt: number): void {
    this.setState('reconnecting');
    const delay = backoffDelay(attempt, this.opts.backoffInitialMs, this.opts.backoffMaxMs, this.opts.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  /** Reconnects now (e.g. the device came back online), skipping the current backoff wait. */
  reconnectNow(): void {
    if (this.stateValue === 'open' || this.stateValue === 'connecting' || this.ws) return;
    this.connect();
  }

  /**
   * Sends a message. While disconnected, signaling is queued (bounded) and flushed on open;
   * heartbeats are not queued (a stale one means nothing).
   */
  send(m: ClientMessage): boolean {
    const text = JSON.stringify(m);
    if (this.ws && this.stateValue === 'open' && this.ws.readyState === 1) {
      this.ws.send(text);
      return true;
    }
    if (m.type === 'heartbeat') return false;
    this.queue.push(text);
    if (this.queue.length > this.opts.maxQueued) this.queue.shift();
    return false;
  }

  /** Closes for good (sign-out, page hidden for good). */
  close(): void {
    this.setState('stopped');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.queue = [];
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'bye');
  }

  /**
   * The page is going away (reload, navigation): close now, cleanly, so the service learns
   * it before the next page connects (the partner is then told `disconnected`, then
   * `reconnected`). If the page stays after all, the socket reconnects as after any drop.
   */
  closeForUnload(): void {
    this.ws?.close(1000, 'page unloading');
  }

  /** Test hook: drops the connection as a network failure would (the socket reconnects). */
  dropForTest(): void {
    this.ws?.close(4001, 'test drop');
  }
}
