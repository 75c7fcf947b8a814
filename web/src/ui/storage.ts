// What the page remembers. localStorage: the learner's choices (kept across visits).
// sessionStorage (this tab only, gone when it closes): the token, and the live session or the
// pending wait, so a reload mid-call rejoins the same conversation.

import type { CefrLevel } from '../protocol';
import { isCefrLevel } from '../protocol';
import type { LiveSession } from '../call/call-session';

const PREFS = 'conv.prefs';
const TOKEN = 'conv.token';
const LIVE = 'conv.live';
const QUEUE = 'conv.queue';

export interface Prefs {
  language: string;
  level: CefrLevel;
  topicId: string;
}

export interface QueuedWait {
  language: string;
  level: CefrLevel;
  /** local ms when the wait began */
  since: number;
}

function read<T>(store: Storage, key: string): T | null {
  try {
    const raw = store.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(store: Storage, key: string, value: unknown): void {
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled (private mode): the page still works, it just forgets
  }
}

export function loadPrefs(): Prefs {
  const p = read<Partial<Prefs>>(localStorage, PREFS) ?? {};
  return {
    language: typeof p.language === 'string' && p.language ? p.language : 'en',
    level: isCefrLevel(p.level) ? p.level : 'B1',
    topicId: typeof p.topicId === 'string' ? p.topicId : '',
  };
}
export const savePrefs = (p: Prefs): void => write(localStorage, PREFS, p);

export const loadToken = (): string | null => read<string>(sessionStorage, TOKEN);
export const saveToken = (t: string | null): void => write(sessionStorage, TOKEN, t);

export const loadLive = (): LiveSession | null => read<LiveSession>(sessionStorage, LIVE);
export const saveLive = (l: LiveSession | null): void => write(sessionStorage, LIVE, l);

export const loadQueue = (): QueuedWait | null => read<QueuedWait>(sessionStorage, QUEUE);
export const saveQueue = (q: QueuedWait | null): void => write(sessionStorage, QUEUE, q);
