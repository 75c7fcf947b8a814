// A small typed client for the service's REST API. Uses only `fetch` and `XMLHttpRequest`
// (both exist in browsers and in React Native), never the DOM.

import type {
  ConversationSession,
  DevTokenResult,
  ErrorCode,
  ErrorDetail,
  IceServersResult,
  JoinBody,
  JoinResult,
  LeaveResult,
  MatchmakingRequest,
  Page,
  ReportBody,
  SessionStatus,
  Topic,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

export interface ApiOptions {
  /** Origin of the service, e.g. `https://conversation.example.com`; '' for same origin. */
  baseUrl: string;
  /** The current bearer token, or null when signed out. */
  token: () => string | null;
  /** Called on every 401 (expired or revoked token). */
  onUnauthorized?: () => void;
  /** Per-request timeout for JSON calls, in ms. */
  timeoutMs?: number;
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/** Turns a response body into an ApiError; tolerant of bodies that are not the contract's. */
export function errorFromBody(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string') {
      const details = Array.isArray(e.details) ? (e.details as ErrorDetail[]) : [];
      return new ApiError(status, e.code, typeof e.message === 'string' ? e.message : e.code, details);
    }
  } catch {
    // not JSON: fall through
  }
  const code = status === 401 ? 'UNAUTHORIZED' : status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE';
  return new ApiError(status, code, `HTTP ${status}`);
}

export class ConversationApi {
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiOptions) {
    this.timeoutMs = options.timeoutMs ?? 15000;
  }

  url(path: string): string {
    return this.options.baseUrl + path;
  }

  private async request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth) {
      const token = this.options.token();
      if (token) headers['Authorization'] = `Bearer ${token}`;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    try {
      const init: RequestInit = { method, headers, signal: controller.signal, cache: 'no-store' };
      if (body !== undefined) init.body = JSON.stringify(body);
      res = await fetch(this.url(path), init);
    } catch (e) {
      const aborted = controller.signal.aborted;
      throw new ApiError(0, aborted ? 'TIMEOUT' : 'NETWORK', aborted ? 'the request timed out' : String(e));
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text();
    if (!res.ok) {
      const err = errorFromBody(res.status, text);
      if (res.status === 401 && auth) this.options.onUnauthorized?.();
      throw err;
    }
    if (res.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'BAD_RESPONSE', 'the service answered with something that is not JSON');
    }
  }

  // --- development sign-in (only when the service runs with CONV_DEV_AUTH=true)
  devToken(userId: string): Promise<DevTokenResult> {
    return this.request('POST', '/dev/token', { userId }, false);
  }

  /** True when `POST /dev/token` exists (it answers 400 to an empty body; 404 when off). */
  async devAuthAvailable(): Promise<boolean> {
    try {
      await this.request('POST', '/dev/token', {}, false);
      return true;
    } catch (e) {
      return isApiError(e) && e.status === 400;
    }
  }

  // --- topics
  topics(q: { language?: string; level?: string; category?: string; limit?: number; cursor?: string } = {}): Promise<Page<Topic>> {
    return this.request('GET', withQuery('/topics', q));
  }
  topic(id: string): Promise<Topic> {
    return this.request('GET', `/topics/${encodeURIComponent(id)}`);
  }

  // --- matchmaking
  join(body: JoinBody): Promise<JoinResult> {
    return this.request('POST', '/matchmaking/join', body);
  }
  leave(): Promise<LeaveResult> {
    return this.request('POST', '/matchmaking/leave', {});
  }
  matchmakingStatus(): Promise<MatchmakingRequest> {
    return this.request('GET', '/matchmaking/status');
  }

  // --- sessions
  sessions(q: { status?: SessionStatus; limit?: number; cursor?: string } = {}): Promise<Page<ConversationSession>> {
    return this.request('GET', withQuery('/sessions', q));
  }
  session(id: string): Promise<ConversationSession> {
    return this.request('GET', `/sessions/${encodeURIComponent(id)}`);
  }
  end(id: string): Promise<ConversationSession> {
    return this.request('POST', `/sessions/${encodeURIComponent(id)}/end`, {});
  }
  report(id: string, body: ReportBody): Promise<ConversationSession> {
    return this.request('POST', `/sessions/${encodeURIComponent(id)}/report`, body);
  }
  iceServers(): Promise<IceServersResult> {
    return this.request('GET', '/ice-servers');
  }

  /** The recording, fetched with the bearer token (an <audio src> could not send it). */
  async downloadAudio(id: string): Promise<Blob> {
    const token = this.options.token();
    let res: Response;
    try {
      res = await fetch(this.url(`/sessions/${encodeURIComponent(id)}/audio`), {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', String(e));
    }
    if (!res.ok) {
      if (res.status === 401) this.options.onUnauthorized?.();
      throw errorFromBody(res.status, await res.text());
    }
    return res.blob();
  }

  /**
   * Uploads a recording with `PUT /sessions/{id}/audio`. XMLHttpRequest rather than fetch:
   * fetch has no upload progress.
   */
  uploadAudio(id: string, audio: Blob, contentType: string, onProgress?: (p: UploadProgress) => void): Promise<ConversationSession | null> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', this.url(`/sessions/${encodeURIComponent(id)}/audio`));
      const token = this.options.token();
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', contentType);
      xhr.upload.onprogress = (ev) => {
        if (onProgress) onProgress({ loaded: ev.loaded, total: ev.lengthComputable ? ev.total : audio.size });
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress?.({ loaded: audio.size, total: audio.size });
          try {
            resolve(xhr.responseText ? (JSON.parse(xhr.responseText) as ConversationSession) : null);
          } catch {
            resolve(null);
          }
          return;
        }
        if (xhr.status === 401) this.options.onUnauthorized?.();
        reject(errorFromBody(xhr.status, xhr.responseText));
      };
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the upload could not reach the service'));
      xhr.ontimeout = () => reject(new ApiError(0, 'TIMEOUT', 'the upload timed out'));
      xhr.send(audio);
    });
  }
}
