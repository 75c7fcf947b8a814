// Records both voices: the microphone and the partner's stream are mixed with Web Audio into
// one MediaStream that MediaRecorder encodes (audio/webm;codecs=opus where supported).
// Nothing is routed to the speakers here (the partner plays through an <audio> element; the
// microphone must not echo back).

const PREFERRED_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

export function pickRecordingType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  for (const t of PREFERRED_TYPES) if (MediaRecorder.isTypeSupported(t)) return t;
  return '';
}

export class CallRecorder {
  private readonly ctx: AudioContext;
  private readonly dest: MediaStreamAudioDestinationNode;
  private local: MediaStreamAudioSourceNode | null = null;
  private remote: MediaStreamAudioSourceNode | null = null;
  private recorder: MediaRecorder | null = null;
  private chunks: Blob[] = [];
  private size = 0;
  readonly mimeType: string;

  constructor() {
    this.ctx = new AudioContext();
    this.dest = this.ctx.createMediaStreamDestination();
    this.mimeType = pickRecordingType() ?? '';
  }

  /** False when the browser held the audio engine back until the learner interacts. */
  get running(): boolean {
    return this.ctx.state === 'running';
  }

  resume(): Promise<void> {
    return this.ctx.resume();
  }

  get bytes(): number {
    return this.size;
  }

  get active(): boolean {
    return this.recorder !== null && this.recorder.state !== 'inactive';
  }

  setLocal(stream: MediaStream): void {
    this.local?.disconnect();
    this.local = stream.getAudioTracks().length ? this.ctx.createMediaStreamSource(stream) : null;
    this.local?.connect(this.dest);
  }

  setRemote(stream: MediaStream): void {
    this.remote?.disconnect();
    this.remote = stream.getAudioTracks().length ? this.ctx.createMediaStreamSource(stream) : null;
    this.remote?.connect(this.dest);
  }

  start(): boolean {
    if (this.recorder || typeof MediaRecorder === 'undefined') return this.recorder !== null;
    try {
      this.recorder = this.mimeType
        ? new MediaRecorder(this.dest.stream, { mimeType: this.mimeType, audioBitsPerSecond: 32000 })
        : new MediaRecorder(this.dest.stream);
    } catch {
      return false;
    }
    this.recorder.ondataavailable = (ev) => {
      if (ev.data.size > 0) {
        this.chunks.push(ev.data);
        this.size += ev.data.size;
      }
    };
    this.recorder.start(1000);
    return true;
  }

  /** Stops and returns the recording (null when nothing was recorded). */
  stop(): Promise<Blob | null> {
    const rec = this.recorder;
    const finish = (): Blob | null => {
      if (!this.chunks.length) return null;
      return new Blob(this.chunks, { type: rec?.mimeType || this.mimeType || 'audio/webm' });
    };
    if (!rec || rec.state === 'inactive') return Promise.resolve(finish());
    return new Promise((resolve) => {
      rec.onstop = () => resolve(finish());
      rec.onerror = () => resolve(finish());
      rec.stop();
    });
  }

  close(): void {
    this.local?.disconnect();
    this.remote?.disconnect();
    void this.ctx.close().catch(() => {});
  }
}
