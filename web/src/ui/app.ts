// The page's controller: signs in, keeps the WebSocket, moves between screens, and owns the
// live call. Screens render; this decides.

import {
  ConversationApi,
  CLOSE_USER_REMOVED,
  ConversationSocket,
  isApiError,
  isExpired,
  isLive,
  readClaims,
  socketUrl,
} from '../protocol';
import type {
  ConversationSession,
  EndReason,
  JoinBody,
  JoinResult,
  MatchFoundMessage,
  Relayed,
  ServerMessage,
  SignalMessage,
  SocketState,
} from '../protocol';
import { CallSession } from '../call/call-session';
import type { LiveSession } from '../call/call-session';
import { loadConfig } from './config';
import type { ClientConfig } from './config';
import { byId, clear, h, setText } from './dom';
import { listenForHandoff, takeTokenFromFragment } from './handoff';
import { describeError, errorMessage, MICROPHONE_BLOCKED } from './messages';
import type { Perspective } from './messages';
import {
  loadLive,
  loadPrefs,
  loadQueue,
  loadToken,
  saveLive,
  savePrefs,
  saveQueue,
  saveToken,
} from './storage';
import type { Prefs, QueuedWait } from './storage';
import { heading } from './screens/common';
import type { Screen } from './screens/common';
import { renderSignIn } from './screens/signin';
import { renderLobby } from './screens/lobby';
import { renderWaiting } from './screens/waiting';
import { renderTimeout } from './screens/timeout';
import { renderCall } from './screens/call';
import { renderOutcome } from './screens/outcome';
import type { Outcome, UploadState } from './screens/outcome';
import { renderHistory } from './screens/history';

export type ScreenName = 'loading' | 'signin' | 'lobby' | 'waiting' | 'timeout' | 'call' | 'outcome' | 'history' | 'elsewhere' | 'removed';

interface Ended {
  sessionId: string;
  status: 'completed' | 'cancelled';
  endReason: EndReason | null;
  actualDurationSeconds: number;
}

const MATCH_FALLBACK_MS = 3000;
const MAX_PENDING_SIGNALS = 200;

export class App {
  cfg: ClientConfig = { heartbeatIntervalS: 10, trustedHostOrigins: [], serviceOrigin: '' };
  token: string | null = null;
  userId = '';
  api!: ConversationApi;
  socket: ConversationSocket | null = null;
  screenName: ScreenName = 'loading';
  call: CallSession | null = null;
  upload: UploadState = { kind: 'none', why: '' };
  lastError: string | null = null;
  /** peer-status changes seen in this page, oldest first (shown to tests through __conv) */
  readonly peerStatusLog: string[] = [];

  private screen: Screen = {};
  private localStream: MediaStream | null = null;
  private wait: QueuedWait | null = null;
  private starting: string | null = null;
  private pendingSignals: Relayed<SignalMessage>[] = [];
  private readonly finished = new Set<string>();
  private readonly endedByMe = new Set<string>();
  private readonly reportedByMe = new Set<string>();
  private matchFallback: ReturnType<typeof setTimeout> | null = null;
  private stopHandoff: (() => void) | null = null;
  private recording: { sessionId: string; blob: Blob; type: string } | null = null;
  private readonly main: HTMLElement;
  private readonly status: HTMLElement;

  constructor() {
    this.main = byId('main');
    this.status = byId('status');
  }

  log(msg: string, extra?: unknown): void {
    if (extra !== undefined) console.info(`[conv] ${msg}`, extra);
    else console.info(`[conv] ${msg}`);
  }

  async start(): Promise<void> {
    this.cfg = await loadConfig(window.location.search);
    this.api = new ConversationApi({
      baseUrl: this.cfg.serviceOrigin,
      token: () => this.token,
      onUnauthorized: () => this.signOut(errorMessage('UNAUTHORIZED')),
    });
    setInterval(() => this.screen.tick?.(), 1000);
    window.addEventListener('online', () => this.socket?.reconnectNow());
    // beforeunload comes first on a reload (before the next page is even requested);
    // pagehide is what mobile browsers fire reliably.
    window.addEventListener('beforeunload', () => this.socket?.closeForUnload());
    window.addEventListener('pagehide', () => this.socket?.closeForUnload());
    // A host app may also set the fragment on a page already open (no reload).
    window.addEventListener('hashchange', () => {
      const t = takeTokenFromFragment();
      if (t && !this.token) void this.signIn(t);
    });
    const handed = takeTokenFromFragment();
    const token = handed ?? loadToken();
    if (token) await this.signIn(token);
    else await this.showSignIn(null);
  }

  // ------------------------------------------------------------------------------- screens

  private show(name: ScreenName, render: (root: HTMLElement) => Screen, title: string): void {
    this.screen.dispose?.();
    clear(this.main);
    this.screenName = name;
    this.main.dataset['screen'] = name;
    this.screen = render(this.main);
    document.title = `${title} · Conversation practice`;
    const h1 = this.main.querySelector<HTMLElement>('.screen-title');
    h1?.focus({ preventScroll: false });
  }

  private refresh(): void {
    this.screen.update?.();
  }

  announce(text: string): void {
    // Emptied first so the same sentence twice is still read out.
    setText(this.status, '');
    setTimeout(() => setText(this.status, text), 50);
  }

  private async showSignIn(notice: string | null): Promise<void> {
    const devAuth = await this.api.devAuthAvailable();
    // A host app may hand a token over even when the name box is offered.
    if (!this.stopHandoff)
      this.stopHandoff = listenForHandoff(this.cfg.trustedHostOrigins, (t) => void this.signIn(t));
    this.show(
      'signin',
      (root) =>
        renderSignIn(root, {
          devAuth,
          notice,
          onDevSignIn: async (name) => {
            const { token } = await this.api.devToken(name);
            await this.signIn(token);
          },
        }),
      'Sign in',
    );
  }

  private showLobby(notice: string | null = null, info: string | null = null): void {
    this.show(
      'lobby',
      (root) =>
        renderLobby(root, {
          api: this.api,
          userId: this.userId,
          prefs: loadPrefs(),
          notice,
          info,
          onJoin: (p) => this.join(p),
          onHistory: () => this.showHistory(),
          onSignOut: () => this.signOut(null),
        }),
      'Find a partner',
    );
  }

  private showWaiting(wait: QueuedWait): void {
    // match-found can overtake the answer to the join: the call already on screen wins.
    if (this.call || this.starting) return;
    this.wait = wait;
    saveQueue(wait);
    if (this.screenName === 'waiting') return;
    this.show('waiting', (root) => renderWaiting(root, { wait, onCancel: () => this.cancelWait() }), 'Looking for a partner');
    this.announce('Looking for a partner.');
  }

  private showTimeout(wait: QueuedWait): void {
    this.wait = null;
    saveQueue(null);
    this.show(
      'timeout',
      (root) =>
        renderTimeout(root, {
          wait,
          onRetry: () => this.join({ language: wait.language, level: wait.level, topicId: loadPrefs().topicId }),
          onBack: () => this.showLobby(),
        }),
      'No partner found',
    );
  }

  private showHistory(): void {
    this.show(
      'history',
      (root) => renderHistory(root, { api: this.api, userId: this.userId, onBack: () => this.showLobby() }),
      'Past conversations',
    );
  }

  private showElsewhere(): void {
    this.show(
      'elsewhere',
      (root) => {
        root.append(
          h(
            'section',
            { class: 'card center' },
            heading('Open in another tab'),
            h('p', { class: 'lead' }, 'You opened Conversation practice in another tab or on another device, so this tab is paused.'),
            h('button', { type: 'button', class: 'primary', onclick: () => this.useThisTab() }, 'Use this tab instead'),
          ),
        );
        return {};
      },
      'Paused',
    );
  }

  private showRemoved(): void {
    this.show(
      'removed',
      (root) => {
        root.append(
          h(
            'section',
            { class: 'card center' },
            heading('Conversations are closed to this account'),
            h('p', { class: 'lead' }, 'This account can no longer take part in conversations. If you think this is a mistake, contact support.'),
          ),
        );
        return {};
      },
      'Unavailable',
    );
  }

  private showOutcome(outcome: Outcome): void {
    this.show(
      'outcome',
      (root) =>
        renderOutcome(root, {
          outcome,
          upload: () => this.upload,
          onRetryUpload: () => void this.uploadRecording(),
          onAgain: () => this.showLobby(),
          onHistory: () => this.showHistory(),
        }),
      outcome.status === 'completed' ? 'Conversation complete' : 'Conversation ended',
    );
  }

  // ------------------------------------------------------------------------------- sign-in

  async signIn(token: string): Promise<void> {
    const claims = readClaims(token);
    if (!claims || isExpired(claims, Date.now())) {
      saveToken(null);
      await this.showSignIn('That sign-in has expired. Please sign in again.');
      return;
    }
    this.stopHandoff?.();
    this.stopHandoff = null;
    this.token = token;
    this.userId = claims.sub;
    saveToken(token);
    setText(byId('who'), claims.sub);
    this.connectSocket();
    await this.restore();
  }

  private signOut(notice: string | null): void {
    if (!this.token) return;
    this.token = null;
    this.socket?.close();
    this.socket = null;
    if (this.call) void this.call.stop(false);
    this.call = null;
    this.releaseMicrophone();
    saveToken(null);
    saveLive(null);
    saveQueue(null);
    this.wait = null;
    setText(byId('who'), '');
    void this.showSignIn(notice);
  }

  /** After sign-in or a reload: back to where this tab was. */
  private async restore(): Promise<void> {
    const live = loadLive();
    if (live) {
      await this.resume(live.sessionId, live);
      return;
    }
    const queued = loadQueue();
    if (queued) {
      try {
        const r = await this.api.matchmakingStatus();
        if (r.status === 'pending') {
          this.showWaiting(queued);
          return;
        }
        if (r.status === 'matched' && r.sessionId) {
          saveQueue(null);
          await this.resume(r.sessionId, null);
          return;
        }
        saveQueue(null);
        if (r.status === 'expired') {
          this.showTimeout(queued);
          return;
        }
      } catch (e) {
        this.log('matchmaking status failed', e);
        saveQueue(null);
      }
    }
    this.showLobby();
  }

  // ------------------------------------------------------------------------------- WebSocket

  private connectSocket(): void {
    this.socket?.close();
    const origin = this.cfg.serviceOrigin || window.location.origin;
    const socket = new ConversationSocket({ url: socketUrl(origin), token: () => this.token });
    this.socket = socket;
    socket.on('message', (m) => this.onMessage(m));
    socket.on('open', (info) => void this.onSocketOpen(info.reconnected));
    socket.on('close', (info) => this.onSocketClose(info.code, info.failures));
    socket.on('state', (s) => this.onSocketState(s));
    socket.connect();
  }

  private onSocketState(s: SocketState): void {
    const link = byId('link');
    link.dataset['state'] = s;
    setText(link, s === 'open' ? 'Online' : s === 'stopped' ? 'Offline' : 'Connecting…');
    this.refresh();
  }

  private async onSocketOpen(reconnected: boolean): Promise<void> {
    this.call?.heartbeat();
    if (!reconnected) return;
    // Held messages come by themselves; what they cannot tell (they expire) we ask for.
    const call = this.call;
    if (call) {
      try {
        const s = await this.api.session(call.sessionId);
        if (!isLive(s.status)) await this.finishCall(endedFrom(s));
      } catch (e) {
        if (isApiError(e, 'SESSION_NOT_FOUND')) await this.finishCall({ sessionId: call.sessionId, status: 'cancelled', endReason: null, actualDurationSeconds: 0 });
      }
      return;
    }
    if (this.wait && this.screenName === 'waiting') {
      try {
        const r = await this.api.matchmakingStatus();
        if (r.status === 'expired' && this.wait) this.showTimeout(this.wait);
        else if (r.status === 'matched' && r.sessionId && !this.call) await this.resume(r.sessionId, null);
      } catch (e) {
        this.log('matchmaking status failed', e);
      }
    }
  }

  private onSocketClose(code: number, failures: number): void {
    if (code === 4000) {
      // Another tab (or device) of the same learner took over the connection.
      if (this.call) void this.call.stop(false);
      this.call = null;
      this.showElsewhere();
      return;
    }
    if (code === CLOSE_USER_REMOVED) {
      // The platform deleted or banned the account: the call, if any, has ended for good.
      if (this.call) void this.call.stop(false);
      this.call = null;
      this.showRemoved();
      return;
    }
    if (failures === 3 || (failures > 3 && failures % 10 === 0)) {
      // The handshake keeps failing: an expired token shows as a 401 here (onUnauthorized).
      this.api.matchmakingStatus().catch(() => {});
    }
  }

  private useThisTab(): void {
    this.connectSocket();
    void this.restore();
  }

  private onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'match-found':
        void this.onMatchFound(m);
        break;
      case 'match-timeout':
        if (this.wait && !this.call) this.showTimeout(this.wait);
        break;
      case 'offer':
      case 'answer':
      case 'ice-candidate':
        if (this.call && this.call.sessionId === m.sessionId) this.call.handleSignal(m);
        else if (!this.finished.has(m.sessionId)) {
          // The call is being set up (reload, match-found racing the join answer): keep it.
          this.pendingSignals.push(m);
          if (this.pendingSignals.length > MAX_PENDING_SIGNALS) this.pendingSignals.shift();
        }
        break;
      case 'session-started':
        if (this.call?.sessionId === m.sessionId) {
          this.call.onSessionStarted(m.startedAt);
          this.announce('The conversation has started.');
        }
        break;
      case 'session-ended':
        void this.finishCall({
          sessionId: m.sessionId,
          status: m.status,
          endReason: m.endReason,
          actualDurationSeconds: m.actualDurationSeconds,
        });
        break;
      case 'peer-status':
        this.peerStatusLog.push(`${m.status}@${new Date().toISOString().slice(17, 23)}`);
        if (this.call?.sessionId === m.sessionId) {
          this.call.onPeerStatus(m.status);
          this.announce(m.status === 'disconnected' ? 'Your partner lost their connection.' : 'Your partner is back.');
        }
        break;
      case 'feedback-ready':
        this.announce('Feedback on your conversation is ready in the app.');
        break;
      case 'heartbeat-ack':
        break;
      case 'error':
        this.onServerError(m.code, m.message);
        break;
    }
  }

  private onServerError(code: string, message: string): void {
    this.log(`service error ${code}: ${message}`);
    if (code === 'SESSION_NOT_FOUND' && this.call) {
      // Our heartbeat or signal named a session that is no longer live: find out how it ended.
      const id = this.call.sessionId;
      this.api.session(id).then(
        (s) => {
          if (!isLive(s.status)) void this.finishCall(endedFrom(s));
        },
        () => {},
      );
      return;
    }
    if (code === 'RATE_LIMITED') this.lastError = errorMessage(code);
  }

  // ------------------------------------------------------------------------------- matchmaking

  private async ensureMicrophone(): Promise<MediaStream> {
    if (this.localStream && this.localStream.getAudioTracks().some((t) => t.readyState === 'live')) return this.localStream;
    if (!navigator.mediaDevices?.getUserMedia) throw new DOMException(MICROPHONE_BLOCKED, 'NotAllowedError');
    this.localStream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: false,
    });
    return this.localStream;
  }

  private releaseMicrophone(): void {
    for (const t of this.localStream?.getTracks() ?? []) t.stop();
    this.localStream = null;
  }

  async join(prefs: Prefs): Promise<void> {
    savePrefs(prefs);
    // Ask for the microphone first: a refusal is better learnt before a partner waits for us.
    await this.ensureMicrophone();
    const body: JoinBody = { targetLanguageCode: prefs.language, userLevel: prefs.level };
    if (prefs.topicId) body.preferredTopicId = prefs.topicId;
    const wait: QueuedWait = { language: prefs.language, level: prefs.level, since: Date.now() };
    let result: JoinResult;
    try {
      result = await this.api.join(body);
    } catch (e) {
      if (isApiError(e, 'ALREADY_IN_QUEUE')) {
        const r = await this.api.matchmakingStatus().catch(() => null);
        const since = r ? Math.min(Date.now(), Date.parse(r.createdAt) || Date.now()) : Date.now();
        this.showWaiting({ ...wait, since });
        return;
      }
      if (isApiError(e, 'ALREADY_IN_SESSION')) {
        const live = await this.findLiveSession();
        if (live) {
          this.announce('You are already in a conversation: rejoining it.');
          await this.resume(live.id, null);
          return;
        }
      }
      throw e;
    }
    if (result.status === 'pending') {
      this.showWaiting(wait);
      return;
    }
    // Matched at once: match-found (over the WebSocket) carries everything. If it is slow to
    // come, the same facts are read over REST.
    saveQueue(null);
    this.showWaiting(wait);
    const session = result.session;
    const isInitiator = result.isInitiator;
    this.clearMatchFallback();
    this.matchFallback = setTimeout(() => {
      if (this.call?.sessionId === session.id || this.starting === session.id || this.finished.has(session.id)) return;
      void this.liveFromSession(session, isInitiator).then((live) => this.startCall(live, false));
    }, MATCH_FALLBACK_MS);
  }

  private clearMatchFallback(): void {
    if (this.matchFallback) clearTimeout(this.matchFallback);
    this.matchFallback = null;
  }

  private async findLiveSession(): Promise<ConversationSession | null> {
    for (const status of ['active', 'waiting'] as const) {
      const page = await this.api.sessions({ status, limit: 1 }).catch(() => null);
      const s = page?.items[0];
      if (s) return s;
    }
    return null;
  }

  private async cancelWait(): Promise<void> {
    try {
      await this.api.leave();
    } catch (e) {
      if (!isApiError(e, 'NOT_IN_QUEUE')) throw e;
    }
    this.wait = null;
    saveQueue(null);
    if (this.call || this.starting) return; // matched in the meantime: the call wins
    this.releaseMicrophone();
    this.showLobby(null, 'You stopped looking for a partner.');
    this.announce('You stopped looking for a partner.');
  }

  private async onMatchFound(m: MatchFoundMessage): Promise<void> {
    if (this.finished.has(m.sessionId)) return;
    const language = this.wait?.language ?? loadPrefs().language;
    const live: LiveSession = {
      sessionId: m.sessionId,
      isInitiator: m.isInitiator,
      partner: { userId: m.partner.userId, level: m.partner.level ?? null },
      topic: m.topic,
      iceServers: m.iceServers ?? [],
      language: m.topic?.targetLanguageCode ?? language,
      startedAt: null,
    };
    this.announce(`Partner found: ${m.partner.userId}. Connecting…`);
    await this.startCall(live, false);
  }

  private async liveFromSession(s: ConversationSession, isInitiator: boolean): Promise<LiveSession> {
    const mine = s.participant1Id === this.userId;
    const [topic, ice] = await Promise.all([
      s.topicId ? this.api.topic(s.topicId).catch(() => null) : Promise.resolve(null),
      this.api.iceServers().catch(() => null),
    ]);
    return {
      sessionId: s.id,
      isInitiator,
      partner: {
        userId: mine ? s.participant2Id : s.participant1Id,
        level: (mine ? s.participant2Level : s.participant1Level) ?? null,
      },
      topic,
      iceServers: ice?.iceServers ?? [],
      language: s.targetLanguageCode,
      startedAt: s.startedAt,
    };
  }

  // ------------------------------------------------------------------------------- the call

  /** Back into a session after a reload (or from another tab): restart the connection. */
  private async resume(sessionId: string, stored: LiveSession | null): Promise<void> {
    let s: ConversationSession;
    try {
      s = await this.api.session(sessionId);
    } catch (e) {
      saveLive(null);
      this.showLobby(isApiError(e, 'SESSION_NOT_FOUND') ? null : describeError(e));
      return;
    }
    if (!isLive(s.status)) {
      saveLive(null);
      this.finished.add(s.id);
      this.upload = { kind: 'none', why: 'No recording was kept on this device.' };
      this.showOutcome(this.outcomeOf(endedFrom(s), stored ?? null));
      return;
    }
    // The participant who waited in the queue is participant 1 and the initiator.
    const isInitiator = s.participant1Id === this.userId;
    const live = stored ? { ...stored, isInitiator, startedAt: s.startedAt } : await this.liveFromSession(s, isInitiator);
    await this.startCall(live, true);
  }

  private async startCall(live: LiveSession, restart: boolean): Promise<void> {
    if (this.finished.has(live.sessionId)) return;
    if (this.call?.sessionId === live.sessionId || this.starting === live.sessionId) return;
    this.starting = live.sessionId;
    this.clearMatchFallback();
    try {
      if (this.call) await this.call.stop(false);
      this.wait = null;
      saveQueue(null);
      saveLive(live);
      let stream: MediaStream;
      let micError: string | null = null;
      try {
        stream = await this.ensureMicrophone();
      } catch (e) {
        micError = describeError(e);
        stream = new MediaStream();
      }
      if (this.finished.has(live.sessionId)) return;
      const remoteAudio = h('audio', { autoplay: true, class: 'remote-audio', id: 'remote-audio' });
      const call = new CallSession({
        live,
        socket: this.requireSocket(),
        localStream: stream,
        heartbeatIntervalS: this.cfg.heartbeatIntervalS,
        remoteAudio,
        onChange: () => {
          if (this.call === call && this.screenName === 'call') this.refresh();
          if (this.call === call) saveLive(call.live);
        },
        log: (msg, extra) => this.log(msg, extra),
      });
      this.call = call;
      call.start(restart);
      const mine = this.pendingSignals.filter((m) => m.sessionId === live.sessionId);
      this.pendingSignals = [];
      for (const m of mine) call.handleSignal(m);
      this.show(
        'call',
        (root) =>
          renderCall(root, {
            call,
            remoteAudio,
            socketOnline: () => this.socket?.isOpen ?? false,
            onEnd: () => this.endCall(),
            onReport: (reason, details) => this.reportPartner(reason, details),
          }),
        'Conversation',
      );
      if (micError) this.announce(micError);
    } finally {
      this.starting = null;
    }
  }

  private requireSocket(): ConversationSocket {
    if (!this.socket) this.connectSocket();
    return this.socket as ConversationSocket;
  }

  private async endCall(): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.endedByMe.add(call.sessionId);
    try {
      const s = await this.api.end(call.sessionId);
      await this.finishCall(endedFrom(s));
    } catch (e) {
      if (isApiError(e, 'INVALID_STATE') || isApiError(e, 'SESSION_NOT_FOUND')) {
        // It ended a moment ago some other way: show how.
        this.endedByMe.delete(call.sessionId);
        const s = await this.api.session(call.sessionId).catch(() => null);
        if (s && !isLive(s.status)) {
          await this.finishCall(endedFrom(s));
          return;
        }
      }
      throw e;
    }
  }

  private async reportPartner(reason: string, details: string): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.reportedByMe.add(call.sessionId);
    const body = details ? { reason, details } : { reason };
    try {
      const s = await this.api.report(call.sessionId, body);
      await this.finishCall(endedFrom(s));
    } catch (e) {
      this.reportedByMe.delete(call.sessionId);
      throw e;
    }
  }

  private perspective(e: Ended): Perspective {
    if (this.reportedByMe.has(e.sessionId) || this.endedByMe.has(e.sessionId)) return 'mine';
    if (e.endReason === 'completed' || e.endReason === 'too_short' || e.endReason === 'cancelled_by_user' || e.endReason === 'reported')
      return 'partner';
    return 'unknown';
  }

  private outcomeOf(e: Ended, live: LiveSession | null): Outcome {
    return {
      sessionId: e.sessionId,
      status: e.status,
      endReason: e.endReason,
      actualDurationSeconds: e.actualDurationSeconds,
      partnerId: live?.partner.userId ?? null,
      topic: live?.topic ?? null,
      who: this.perspective(e),
    };
  }

  private async finishCall(e: Ended): Promise<void> {
    if (this.finished.has(e.sessionId)) return;
    const call = this.call?.sessionId === e.sessionId ? this.call : null;
    const stored = loadLive();
    const live = call?.live ?? (stored?.sessionId === e.sessionId ? stored : null);
    if (!call && !live && this.starting !== e.sessionId) return; // not this tab's conversation
    this.finished.add(e.sessionId);
    this.clearMatchFallback();
    this.pendingSignals = this.pendingSignals.filter((m) => m.sessionId !== e.sessionId);
    if (call) this.call = null;
    saveLive(null);
    saveQueue(null);
    this.wait = null;

    const keep = e.status === 'completed';
    this.upload = keep
      ? { kind: 'uploading', loaded: 0, total: 0 }
      : { kind: 'none', why: 'Recordings are kept only for completed conversations.' };
    this.showOutcome(this.outcomeOf(e, live));
    this.announce(`${e.status === 'completed' ? 'Conversation complete' : 'Conversation ended'}.`);
    const type = call?.recordingType ?? 'audio/webm';
    const blob = call ? await call.stop(keep) : null;
    this.releaseMicrophone();
    if (!keep) return;
    if (!blob || blob.size === 0) {
      this.upload = { kind: 'none', why: 'Nothing was recorded on this device.' };
      this.refresh();
      return;
    }
    this.recording = { sessionId: e.sessionId, blob, type: blob.type || type };
    await this.uploadRecording();
  }

  private async uploadRecording(): Promise<void> {
    const rec = this.recording;
    if (!rec) return;
    this.upload = { kind: 'uploading', loaded: 0, total: rec.blob.size };
    this.refresh();
    try {
      await this.api.uploadAudio(rec.sessionId, rec.blob, rec.type, (p) => {
        this.upload = { kind: 'uploading', loaded: p.loaded, total: p.total };
        this.refresh();
      });
      this.upload = { kind: 'saved', byPartner: false };
      this.recording = null;
      this.announce('Recording saved.');
    } catch (e) {
      if (isApiError(e, 'AUDIO_ALREADY_UPLOADED')) {
        this.upload = { kind: 'saved', byPartner: true };
        this.recording = null;
      } else {
        const final = isApiError(e) && ['INVALID_STATE', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'SESSION_NOT_FOUND'].includes(e.code);
        this.upload = { kind: 'failed', message: describeError(e), canRetry: !final };
      }
    }
    this.refresh();
  }

  /** For tests and debugging (window.__conv). */
  debugState(): Record<string, unknown> {
    return {
      screen: this.screenName,
      userId: this.userId,
      sessionId: this.call?.sessionId ?? null,
      socket: this.socket?.state ?? 'idle',
      heartbeatIntervalS: this.cfg.heartbeatIntervalS,
      call: this.call?.snapshot() ?? null,
      upload: this.upload,
      peerStatus: [...this.peerStatusLog],
      pcId: this.call?.pcId ?? null,
    };
  }
}

function endedFrom(s: ConversationSession): Ended {
  return {
    sessionId: s.id,
    status: s.status === 'completed' ? 'completed' : 'cancelled',
    endReason: s.endReason,
    actualDurationSeconds: s.actualDurationSeconds,
  };
}
