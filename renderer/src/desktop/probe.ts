// Before the web client signs in to a server other than the one that served it, find out whether it can, and if
// not, why, as a code: our page's CSP does not list it (CONNECT_BLOCKED: CONNECT_ORIGINS on this server), nothing
// answers (SERVER_UNREACHABLE), the server answers but refuses this origin (ORIGIN_REFUSED: CORS_ORIGINS over there,
// read from its public health check's Messenger-Origin header), or what answers is not a messenger server
// (NOT_A_MESSENGER_SERVER).
import type { DesktopErrorCode } from '../../../protocol/desktop.js';

export type ProbeCode = Extract<DesktopErrorCode, 'CONNECT_BLOCKED' | 'SERVER_UNREACHABLE' | 'ORIGIN_REFUSED' | 'NOT_A_MESSENGER_SERVER'>;

const TIMEOUT_MS = 8000;

function isHealth(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { status?: unknown }).status === 'string' &&
    typeof (body as { version?: unknown }).version === 'string'
  );
}

/** Null when `serverUrl` answers this page as a messenger server; otherwise the reason. */
export async function probeServer(serverUrl: string, doc: Document = document): Promise<ProbeCode | null> {
  const health = new URL('api/health', serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`).toString();
  let blocked = false;
  // A CSP refusal looks like any network failure to fetch; only this event tells them apart.
  const onViolation = (e: SecurityPolicyViolationEvent) => {
    if (e.effectiveDirective === 'connect-src' && e.blockedURI.startsWith(new URL(health).origin)) blocked = true;
  };
  doc.addEventListener('securitypolicyviolation', onViolation);
  try {
    const res = await fetch(health, { mode: 'cors', credentials: 'omit', signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body: unknown = await res.json().catch(() => null);
    if (!isHealth(body)) return 'NOT_A_MESSENGER_SERVER';
    // Health answers every origin, and says whether this one may use the server (its CORS_ORIGINS).
    return res.headers.get('Messenger-Origin') === 'refused' ? 'ORIGIN_REFUSED' : null;
  } catch {
    // The violation event is queued as a task; let it run before deciding.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return blocked ? 'CONNECT_BLOCKED' : 'SERVER_UNREACHABLE';
  } finally {
    doc.removeEventListener('securitypolicyviolation', onViolation);
  }
}
