// Connection quality from RTCPeerConnection.getStats(): round-trip time and packet loss.

export type QualityLevel = 'unknown' | 'good' | 'fair' | 'poor';

export interface QualitySample {
  level: QualityLevel;
  rttMs: number | null;
  /** packets lost in the last interval, in percent of those expected */
  lossPercent: number | null;
  bytesSent: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
}

/** Thresholds after ITU-T G.114 (≤ 150 ms one way is good) and common VoIP loss tolerances. */
export function rateQuality(rttMs: number | null, lossPercent: number | null): QualityLevel {
  if (rttMs === null && lossPercent === null) return 'unknown';
  const rtt = rttMs ?? 0;
  const loss = lossPercent ?? 0;
  if (rtt > 600 || loss > 8) return 'poor';
  if (rtt > 300 || loss > 3) return 'fair';
  return 'good';
}

function num(s: Record<string, unknown>, key: string): number | null {
  const v = s[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Reads a stats report; `previous` gives the loss over the interval rather than since start. */
export function sampleQuality(report: RTCStatsReport, previous: QualitySample | null): QualitySample {
  let rtt: number | null = null;
  let remoteRtt: number | null = null;
  let bytesSent = 0;
  let bytesReceived = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let selectedPair: string | null = null;
  report.forEach((raw) => {
    const s = raw as Record<string, unknown>;
    if (s['type'] === 'transport' && typeof s['selectedCandidatePairId'] === 'string')
      selectedPair = s['selectedCandidatePairId'] as string;
  });
  report.forEach((raw) => {
    const s = raw as Record<string, unknown>;
    switch (s['type']) {
      case 'candidate-pair': {
        const selected = selectedPair !== null ? s['id'] === selectedPair : s['nominated'] === true && s['state'] === 'succeeded';
        const r = num(s, 'currentRoundTripTime');
        if (selected && r !== null) rtt = r * 1000;
        break;
      }
      case 'remote-inbound-rtp': {
        const r = num(s, 'roundTripTime');
        if (r !== null) remoteRtt = r * 1000;
        break;
      }
      case 'inbound-rtp':
        if (s['kind'] === 'audio') {
          bytesReceived += num(s, 'bytesReceived') ?? 0;
          packetsReceived += num(s, 'packetsReceived') ?? 0;
          packetsLost += Math.max(0, num(s, 'packetsLost') ?? 0);
        }
        break;
      case 'outbound-rtp':
        if (s['kind'] === 'audio') bytesSent += num(s, 'bytesSent') ?? 0;
        break;
    }
  });
  const rttMs = rtt ?? remoteRtt;
  let lossPercent: number | null = null;
  const dLost = packetsLost - (previous?.packetsLost ?? 0);
  const dRecv = packetsReceived - (previous?.packetsReceived ?? 0);
  if (dLost + dRecv > 0) lossPercent = (100 * Math.max(0, dLost)) / (Math.max(0, dLost) + Math.max(0, dRecv));
  return {
    level: rateQuality(rttMs, lossPercent),
    rttMs: rttMs === null ? null : Math.round(rttMs),
    lossPercent: lossPercent === null ? null : Math.round(lossPercent * 10) / 10,
    bytesSent,
    bytesReceived,
    packetsReceived,
    packetsLost,
  };
}
