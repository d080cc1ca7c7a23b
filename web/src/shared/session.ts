// Who is signed in, in this tab. The bearer token lives in sessionStorage: it is gone when the tab
// closes and no other site can read it. Demo sign-in: `npm start` prints a link per role with the
// token in the URL fragment (/order#token=…); browsers never send a fragment to a server, and the
// page removes it from the address bar at once. In production an identity provider's login gives
// the token instead (docs/web.md, "Sign-in").

import { HOME_OF, type Role } from './pages';

export { HOME_OF, type Role };

export interface Session {
  token: string;
  role: Role;
  subject: string;
  customerCode: string | null;
  /** ms since the epoch; null when the token never expires */
  expiresAt: number | null;
}

/** Why someone was sent back to sign-in (shown there once). */
export type Notice = 'needSignIn' | 'signedOut' | 'expired' | 'unauthenticated' | 'forbidden' | 'wrongPage';

const TOKEN_KEY = 'orderHub.token';
const NOTICE_KEY = 'orderHub.notice';

/** Keeps a token arriving in the fragment (#token=…) and takes it out of the address bar. */
export function takeTokenFromFragment(): void {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, match[1]);
  history.replaceState(history.state, '', location.pathname + location.search);
}

/** Keeps a token pasted on the home page (from `npm run token`); false when it is not a JWT. */
export function keepToken(token: string): boolean {
  const text = token.trim().replace(/^Bearer\s+/i, '');
  if (!decode(text)) return false;
  sessionStorage.setItem(TOKEN_KEY, text);
  return true;
}

function decode(token: string): Session | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof payload.role !== 'string' || !(payload.role in HOME_OF)) return null;
    return {
      token,
      role: payload.role as Role,
      subject: String(payload.sub ?? ''),
      customerCode: typeof payload.customerCode === 'string' ? payload.customerCode : null,
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    };
  } catch {
    return null;
  }
}

/**
 * The session, read from the token (for the page's own decisions only: the gateway verifies it on
 * every request). An expired token is dropped here rather than sent.
 */
export function currentSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const session = token ? decode(token) : null;
  if (token && (!session || (session.expiresAt !== null && session.expiresAt <= Date.now()))) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.setItem(NOTICE_KEY, 'expired');
    return null;
  }
  return session;
}

/** Back to sign-in (the home page), saying why; the token is dropped unless only the page was wrong. */
export function backToSignIn(notice: Notice): void {
  if (notice !== 'forbidden' && notice !== 'wrongPage') sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.setItem(NOTICE_KEY, notice);
  location.assign('/');
}

/** The notice left for the home page, read once. */
export function takeNotice(): Notice | null {
  const notice = sessionStorage.getItem(NOTICE_KEY) as Notice | null;
  sessionStorage.removeItem(NOTICE_KEY);
  return notice;
}

/** The session a page needs: a signed-in caller of one of these roles (admin always), else back to sign-in. */
export function requireSession(roles: Role[]): Session | null {
  takeTokenFromFragment();
  const session = currentSession();
  if (!session) {
    backToSignIn(sessionStorage.getItem(NOTICE_KEY) === 'expired' ? 'expired' : 'needSignIn');
    return null;
  }
  if (session.role !== 'admin' && !roles.includes(session.role)) {
    backToSignIn('wrongPage');
    return null;
  }
  return session;
}
