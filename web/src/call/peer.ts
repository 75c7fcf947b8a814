// One audio call over RTCPeerConnection with "perfect negotiation"
// (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): the polite side (the one that
// did not wait in the queue) yields on glare, the impolite side (the initiator) ignores the
// colliding offer, so simultaneous offers can never wedge the call.
//
// Who offers: the initiator, on start. The polite side adds its microphone only when the
// first offer arrives (to the transceiver that offer created), so it never makes a competing
// first offer. A side that restarts (page reload mid-call) offers at once with an ICE restart,
// whatever its role. Each RTCPeerConnection has a random `pcId`, sent with every description
// and candidate: an offer from a new pcId means the partner started over, so this side starts
// over too (a live connection cannot take a new DTLS identity), and candidates or answers
// meant for an old connection are dropped. The impolite side, when it ignores a colliding
// offer, says its own pending offer again: the first copy may have reached a page of the
// partner's that no longer exists. (docs/web-client.md, "pcId / forPcId")

import type { IceServer, Relayed, SignalMessage } from '../protocol';

export interface PeerCallOptions {
  sessionId: string;
  polite: boolean;
  iceServers: IceServer[];
  localStream: MediaStream;
  send: (m: SignalMessage) => void;
  onRemoteStream: (s: MediaStream) => void;
  onState: (s: RTCPeerConnectionState) => void;
  /** A new RTCPeerConnection replaced the old one (the partner restarted). */
  onRebuilt?: (pc: RTCPeerConnection) => void;
  log?: (msg: string, extra?: unknown) => void;
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class PeerCall {
  pc!: RTCPeerConnection;
  pcId = '';
  private remotePcId: string | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private closed = false;
  private work: Promise<void> = Promise.resolve();
  private readonly log: (msg: string, extra?: unknown) => void;

  constructor(private readonly o: PeerCallOptions) {
    this.log = o.log ?? (() => {});
    this.build();
  }

  private build(): void {
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers as RTCIceServer[] });
    this.pc = pc;
    this.pcId = randomId();
    this.remotePcId = null;
    this.makingOffer = false;
    this.ignoreOffer = false;

    pc.onicecandidate = ({ candidate }) => {
      if (this.pc !== pc || this.closed) return;
      this.o.send({
        type: 'ice-candidate',
        sessionId: this.o.sessionId,
        candidate: candidate ? candidate.toJSON() : null,
        pcId: this.pcId,
      });
    };
    pc.onnegotiationneeded = async () => {
      if (this.pc !== pc || this.closed) return;
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        const sdp = pc.localDescription?.sdp;
        if (this.pc === pc && sdp && pc.localDescription?.type === 'offer')
          this.o.send({ type: 'offer', sessionId: this.o.sessionId, sdp, pcId: this.pcId });
      } catch (e) {
        this.log('offer failed', e);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.ontrack = (ev) => {
      if (this.pc !== pc) return;
      this.o.onRemoteStream(ev.streams[0] ?? new MediaStream([ev.track]));
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc || this.closed) return;
      this.o.onState(pc.connectionState);
      // A network change: the initiator restarts ICE on the same connection.
      if (pc.connectionState === 'failed' && !this.o.polite) pc.restartIce();
    };
  }

  /** Starts negotiating. `restart`: this side is coming back (reload) and offers itself. */
  start(restart: boolean): void {
    if (this.o.polite && !restart) return; // waits for the initiator's offer
    const track = this.o.localStream.getAudioTracks()[0];
    if (track) this.pc.addTrack(track, this.o.localStream);
    else this.pc.addTransceiver('audio', { direction: 'recvonly' });
    if (restart) this.pc.restartIce();
  }

  /** Feeds a relayed offer, answer or candidate; handled one at a time, in order. */
  handle(m: Relayed<SignalMessage>): void {
    this.work = this.work.then(
      () => this.process(m),
    ).catch((e) => this.log(`${m.type} failed`, e));
  }

  private async process(m: Relayed<SignalMessage>): Promise<void> {
    if (this.closed) return;
    if (m.type === 'ice-candidate') {
      if (m.pcId !== undefined && m.pcId !== this.remotePcId) return; // for a connection we dropped
      try {
        await this.pc.addIceCandidate(m.candidate ?? undefined);
      } catch (e) {
        if (!this.ignoreOffer && m.candidate) this.log('candidate refused', e);
      }
      return;
    }
    if (m.type === 'answer' && m.forPcId !== undefined && m.forPcId !== this.pcId) return;
    if (m.type === 'offer' && m.pcId !== undefined && this.remotePcId !== null && m.pcId !== this.remotePcId) {
      this.log('the partner restarted: starting a new connection');
      this.pc.close();
      this.build();
      this.o.onRebuilt?.(this.pc);
      this.o.onState(this.pc.connectionState);
    }
    const pc = this.pc;
    const collision = m.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = !this.o.polite && collision;
    if (this.ignoreOffer) {
      // Glare: the polite side will roll back and answer ours. Say ours again in case the
      // first copy went to a page of the partner's that no longer exists (reload).
      this.log('ignored a colliding offer (impolite side)');
      const mine = pc.localDescription;
      if (!this.makingOffer && mine?.type === 'offer')
        this.o.send({ type: 'offer', sessionId: this.o.sessionId, sdp: mine.sdp, pcId: this.pcId });
      return;
    }
    if (m.type === 'answer' && pc.signalingState !== 'have-local-offer') return; // stale
    await pc.setRemoteDescription({ type: m.type, sdp: m.sdp });
    if (m.pcId !== undefined) this.remotePcId = m.pcId;
    if (m.type === 'offer') {
      await this.attachMicrophone();
      await pc.setLocalDescription();
      const sdp = pc.localDescription?.sdp;
      if (sdp) {
        const answer: SignalMessage = { type: 'answer', sessionId: this.o.sessionId, sdp, pcId: this.pcId };
        if (m.pcId !== undefined) answer.forPcId = m.pcId;
        this.o.send(answer);
      }
    }
  }

  /** Puts the microphone on the transceiver the remote offer created (answerer side). */
  private async attachMicrophone(): Promise<void> {
    const track = this.o.localStream.getAudioTracks()[0];
    if (!track) return;
    const pc = this.pc;
    if (pc.getSenders().some((s) => s.track === track)) return;
    const free = pc
      .getTransceivers()
      .find((t) => t.receiver.track.kind === 'audio' && !t.sender.track && t.currentDirection !== 'stopped');
    if (free) {
      await free.sender.replaceTrack(track);
      free.direction = 'sendrecv';
      free.sender.setStreams?.(this.o.localStream);
    } else {
      pc.addTrack(track, this.o.localStream);
    }
  }

  close(): void {
    this.closed = true;
    this.pc.close();
  }
}
