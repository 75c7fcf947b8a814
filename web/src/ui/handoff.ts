// How a host app hands this page a token when development sign-in is off:
//  1. a URL fragment `#token=…` (removed from the address bar and history at once), or
//  2. window.postMessage({type: "conversation-token", token}) from the window that opened this
//     page (or a parent frame), whose origin must be this page's own or one listed in
//     config.json's `trustedHostOrigins`. The page says {type: "conversation-ready"} to the
//     opener when it is ready to receive it.

export function takeTokenFromFragment(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const token = params.get('token');
  if (token === null) return null;
  // Out of the address bar, the history entry and any later Referer before anything else runs.
  params.delete('token');
  const rest = params.toString();
  const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
  window.history.replaceState(window.history.state, '', url);
  return token.trim() || null;
}

export function listenForHandoff(trusted: string[], onToken: (token: string) => void): () => void {
  const allowed = new Set([window.location.origin, ...trusted]);
  const handler = (ev: MessageEvent) => {
    if (!allowed.has(ev.origin)) return;
    const fromHost = ev.source !== null && (ev.source === window.opener || (window.parent !== window && ev.source === window.parent));
    if (!fromHost) return;
    const data = ev.data as { type?: unknown; token?: unknown } | null;
    if (!data || data.type !== 'conversation-token' || typeof data.token !== 'string' || !data.token) return;
    onToken(data.token);
  };
  window.addEventListener('message', handler);
  // Tell the host we are listening (only to origins we would accept a token from).
  const host = (window.opener as Window | null) ?? (window.parent !== window ? window.parent : null);
  if (host) {
    for (const origin of allowed) {
      try {
        host.postMessage({ type: 'conversation-ready' }, origin);
      } catch {
        // a host on another origin: postMessage to a wrong targetOrigin is silently dropped
      }
    }
  }
  return () => window.removeEventListener('message', handler);
}
