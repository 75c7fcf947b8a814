// Everything that runs while one conversation is live: the peer connection, the recording,
// heartbeats, connection quality and the partner's presence. The UI reads `snapshot()` and is
// told of changes through `onChange`.

import type {
  CefrLevel,
  ConversationSocket,
  IceServer,
  Relayed,
  SignalMessage,
  Topic,
} from '../protocol';
import { PeerCall } from './peer';
import { sampleQuality } from './quality';
import type { QualitySample } from './quality';
import { CallRecorder } from './recorder';

/** What the page keeps about a live session (sessionStorage) to survive a reload. */
export interface LiveSession {
  sessionId: string;
  isInitiator: boolean;
  partner: { userId: string; level: CefrLevel | null };
  topic: Topic | null;
  iceServers: IceServer[];
  language: string;
  /** the server's startedAt (RFC 3339) once the session is active */
  startedAt: string | null;
}

export type ConnectionView = RTCPeerConnectionState;

export interface CallSnapshot {
  connection: ConnectionView;
  everConnected: boolean;
  partnerOnline: boolean;
  /** local clock ms at which the conversation started (server's startedAt), null before */
  startedAtMs: number | null;
  quality: QualitySample | null;
  muted: boolean;
  recording: boolean;
  recordedBytes: number;
  soundBlocked: boolean;
  hasMicrophone: boolean;
}

export interface CallSessionOptions {
  live: LiveSession;
  socket: ConversationSocket;
  localStream: MediaStream;
  heartbeatIntervalS: number;
  remoteAudio: HTMLAudioElement;
  onChange: () => void;
  log?: (msg: string, extra?: unknown) => void;
}

export class CallSession {
  readonly sessionId: string;
  private peer: PeerCall | null = null;
  private readonly recorder: CallRecorder | null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private connection: ConnectionView = 'new';
  private everConnected = false;
  private partnerOnline = true;
  private startedAtMs: number | null = null;
  private quality: QualitySample | null = null;
  private muted = false;
  private soundBlocked = false;
  private stopped = false;
  private readonly log: (msg: string, extra?: unknown) => void;

  constructor(private readonly o: CallSessionOptions) {
    this.sessionId = o.live.sessionId;
    this.log = o.log ?? (() => {});
    if (o.live.startedAt) this.startedAtMs = Date.parse(o.live.startedAt);
    let recorder: CallRecorder | null = null;
    try {
      recorder = new CallRecorder();
      recorder.setLocal(o.localStream);
    } catch (e) {
      this.log('recording is not available', e);
    }
    this.recorder = recorder;
  }

  get pc(): RTCPeerConnection | null {
    return this.peer?.pc ?? null;
  }

  /** id of the current RTCPeerConnection (changes when either side restarts) */
  get pcId(): string | null {
    return this.peer?.pcId ?? null;
  }

  get live(): LiveSession {
    return this.o.live;
  }

  /** restart: this page is coming back to a call already under way (reload). */
  start(restart: boolean): void {
    const send = (m: SignalMessage) => this.o.socket.send(m);
    this.peer = new PeerCall({
      sessionId: this.sessionId,
      polite: !this.o.live.isInitiator,
      iceServers: this.o.live.iceServers,
      localStream: this.o.localStream,
      send,
      onRemoteStream: (s) => this.playRemote(s),
      onState: (s) => this.onConnectionState(s),
      log: this.log,
    });
    this.peer.start(restart);
    this.heartbeat();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), Math.max(0.2, this.o.heartbeatIntervalS) * 1000);
    this.statsTimer = setInterval(() => void this.sampleStats(), 2000);
    this.checkSound();
    this.o.onChange();
  }

  handleSignal(m: Relayed<SignalMessage>): void {
    this.peer?.handle(m);
  }

  /** Beats now (the WebSocket just (re)opened) and then on the interval. */
  heartbeat(): void {
    if (!this.stopped) this.o.socket.send({ type: 'heartbeat', sessionId: this.sessionId });
  }

  onSessionStarted(startedAt: string | null): void {
    const at = startedAt ? Date.parse(startedAt) : NaN;
    // The server's clock may differ from ours: never show a negative or future start.
    this.startedAtMs = Number.isFinite(at) ? Math.min(at, Date.now()) : Date.now();
    this.o.live.startedAt = startedAt ?? new Date(this.startedAtMs).toISOString();
    this.o.onChange();
  }

  onPeerStatus(status: 'disconnected' | 'reconnected'): void {
    this.partnerOnline = status === 'reconnected';
    this.o.onChange();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    for (const t of this.o.localStream.getAudioTracks()) t.enabled = !muted;
    this.o.onChange();
  }

  /** After a click: lets the browser play the partner and run the recorder's audio engine. */
  async enableSound(): Promise<void> {
    try {
      await this.recorder?.resume();
      if (this.o.remoteAudio.srcObject) await this.o.remoteAudio.play();
    } catch (e) {
      this.log('sound still blocked', e);
    }
    this.checkSound();
  }

  snapshot(): CallSnapshot {
    return {
      connection: this.connection,
      everConnected: this.everConnected,
      partnerOnline: this.partnerOnline,
      startedAtMs: this.startedAtMs,
      quality: this.quality,
      muted: this.muted,
      recording: this.recorder?.active ?? false,
      recordedBytes: this.recorder?.bytes ?? 0,
      soundBlocked: this.soundBlocked,
      hasMicrophone: this.o.localStream.getAudioTracks().length > 0,
    };
  }

  /** Ends everything local; resolves with the recording when `keepRecording`. */
  async stop(keepRecording: boolean): Promise<Blob | null> {
    if (this.stopped) return null;
    this.stopped = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.peer?.close();
    let blob: Blob | null = null;
    if (this.recorder) {
      blob = await this.recorder.stop();
      this.recorder.close();
    }
    this.o.remoteAudio.srcObject = null;
    return keepRecording ? blob : null;
  }

  get recordingType(): string {
    return this.recorder?.mimeType || 'audio/webm';
  }

  private onConnectionState(s: RTCPeerConnectionState): void {
    this.connection = s;
    if (s === 'connected') {
      this.everConnected = true;
      this.o.socket.send({ type: 'peer-connected', sessionId: this.sessionId });
      this.recorder?.start();
      void this.sampleStats();
    }
    this.o.onChange();
  }

  private playRemote(stream: MediaStream): void {
    const audio = this.o.remoteAudio;
    audio.srcObject = stream;
    // Chrome feeds a remote WebRTC track into Web Audio only while a media element plays it:
    // the <audio> element is both the speaker and what makes the recording hear the partner.
    this.recorder?.setRemote(stream);
    audio.play().then(
      () => this.checkSound(),
      () => {
        this.soundBlocked = true;
        this.o.onChange();
      },
    );
  }

  private checkSound(): void {
    const recorderHeld = this.recorder !== null && !this.recorder.running;
    const blocked = recorderHeld || (this.o.remoteAudio.srcObject !== null && this.o.remoteAudio.paused);
    if (blocked !== this.soundBlocked) {
      this.soundBlocked = blocked;
      this.o.onChange();
    }
  }

  private async sampleStats(): Promise<void> {
    const pc = this.peer?.pc;
    if (!pc || this.stopped || pc.connectionState === 'closed') return;
    try {
      const report = await pc.getStats();
      this.quality = sampleQuality(report, this.quality);
      this.checkSound();
      this.o.onChange();
    } catch (e) {
      this.log('stats failed', e);
    }
  }
}
