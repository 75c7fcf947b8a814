// Reads the claims of a JWT without verifying it: the service verifies; the client only needs
// to know who it is (`sub`) and when to ask for a new token (`exp`).

export interface TokenClaims {
  sub: string;
  exp?: number;
  roles?: string[];
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** The token's claims, or null when it is not a JWT with a string `sub`. */
export function readClaims(token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1])) as Partial<TokenClaims>;
    if (typeof claims.sub !== 'string' || claims.sub === '') return null;
    const out: TokenClaims = { sub: claims.sub };
    if (typeof claims.exp === 'number') out.exp = claims.exp;
    if (Array.isArray(claims.roles)) out.roles = claims.roles.filter((r): r is string => typeof r === 'string');
    return out;
  } catch {
    return null;
  }
}

/** True when the token has expired (or will within `marginS` seconds). */
export function isExpired(claims: TokenClaims, nowMs: number, marginS = 30): boolean {
  return claims.exp !== undefined && claims.exp * 1000 <= nowMs + marginS * 1000;
}
