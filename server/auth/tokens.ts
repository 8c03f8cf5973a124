// JWT access tokens (jsonwebtoken; HS256 only, algorithm allow-list, iss/aud/exp/iat/sub/sid) and opaque refresh
// tokens (stored hashed).
import { createHash, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../errors.js';

const ISSUER = 'messenger';
const AUDIENCE = 'messenger-api';

export interface AccessClaims {
  userId: number;
  sessionId: number;
  expiresAt: Date;
}

export class TokenService {
  private readonly successorKey: Buffer;
  /**
   * The HMAC key as a KeyObject, made once: given the secret as a string, jsonwebtoken first tries (and fails) to parse
   * it as a public key on every verify, a thrown exception per socket handshake and request (bench/storm.ts profile).
   */
  private readonly verifyKey: KeyObject;

  constructor(
    private readonly secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    // A key of its own for refresh successors, derived from the secret, so it never doubles as the JWT key.
    this.successorKey = createHmac('sha256', secret).update('refresh-successor/v1').digest();
    this.verifyKey = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  signAccess(userId: number, sessionId: number): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.accessTtlSeconds;
    const token = jwt.sign({ sid: sessionId, iat: now, exp }, this.secret, {
      algorithm: 'HS256',
      subject: String(userId),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    return Promise.resolve({ token, expiresAt: new Date(exp * 1000) });
  }

  /** Throws TOKEN_EXPIRED for an expired token and UNAUTHENTICATED for anything else that is not ours. */
  verifyAccess(token: unknown): Promise<AccessClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      return Promise.reject(new AppError('UNAUTHENTICATED', 'an access token is required'));
    }
    let payload: jwt.JwtPayload;
    try {
      const decoded = jwt.verify(token, this.verifyKey, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, complete: false });
      if (typeof decoded === 'string') throw new Error('not a claims object');
      payload = decoded;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) return Promise.reject(new AppError('TOKEN_EXPIRED', 'the access token has expired'));
      return Promise.reject(new AppError('UNAUTHENTICATED', 'invalid access token'));
    }
    // jsonwebtoken checks exp only when present: a token without exp or iat is not one of ours.
    const userId = Number(payload.sub);
    const sessionId = Number(payload['sid']);
    if (
      typeof payload.exp !== 'number' ||
      typeof payload.iat !== 'number' ||
      !Number.isSafeInteger(userId) ||
      userId < 1 ||
      !Number.isSafeInteger(sessionId) ||
      sessionId < 1
    ) {
      return Promise.reject(new AppError('UNAUTHENTICATED', 'invalid access token'));
    }
    return Promise.resolve({ userId, sessionId, expiresAt: new Date(payload.exp * 1000) });
  }

  /**
   * The refresh token that succeeds `spent`: an HMAC of it under a server key. Deterministic, so a client whose
   * refresh answer was lost gets the very same successor again within the grace window, without the server keeping
   * any refresh token in the clear; unpredictable without both the spent token and the server's secret.
   */
  successorOf(spent: string): string {
    return createHmac('sha256', this.successorKey).update(spent).digest('base64url');
  }
}

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
