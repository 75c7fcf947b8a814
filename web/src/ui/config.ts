// Settings the page reads at start: /config.json (deployed beside index.html, not cached) and
// the URL's query. `?hb=` overrides the heartbeat interval (the e2e tests pass small values).

export interface ClientConfig {
  /** seconds between heartbeats during a call; the service's CONV_HEARTBEAT_INTERVAL_S */
  heartbeatIntervalS: number;
  /** origins of host apps allowed to hand a token over with postMessage */
  trustedHostOrigins: string[];
  /** origin of the service; '' means the page's own origin */
  serviceOrigin: string;
}

export const DEFAULT_HEARTBEAT_S = 10;

function positive(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= 3600 ? n : null;
}

export async function loadConfig(search: string): Promise<ClientConfig> {
  const config: ClientConfig = { heartbeatIntervalS: DEFAULT_HEARTBEAT_S, trustedHostOrigins: [], serviceOrigin: '' };
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) {
      const raw = (await res.json()) as Partial<Record<keyof ClientConfig, unknown>>;
      config.heartbeatIntervalS = positive(raw.heartbeatIntervalS) ?? DEFAULT_HEARTBEAT_S;
      if (Array.isArray(raw.trustedHostOrigins))
        config.trustedHostOrigins = raw.trustedHostOrigins.filter((o): o is string => typeof o === 'string');
      if (typeof raw.serviceOrigin === 'string') config.serviceOrigin = raw.serviceOrigin.replace(/\/$/, '');
    }
  } catch {
    // no config.json: defaults
  }
  const hb = positive(new URLSearchParams(search).get('hb'));
  if (hb !== null) config.heartbeatIntervalS = hb;
  return config;
}
