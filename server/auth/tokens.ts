// JWT access tokens (HS256 only, algorithm allowlist, exp/iat/sub/sid) and opaque refresh tokens (stored hashed).
import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.js';

const ISSUER = 'messenger';
const AUDIENCE = 'messenger-api';

export interface AccessClaims {
  userId: number;
  sessionId: number;
  expiresAt: Date;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async signAccess(userId: number, sessionId: number): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.accessTtlSeconds;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(userId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Throws TOKEN_EXPIRED for an expired token and UNAUTHENTICATED for anything else that is not ours. */
  async verifyAccess(token: unknown): Promise<AccessClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new AppError('UNAUTHENTICATED', 'an access token is required');
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const userId = Number(payload.sub);
      const sessionId = Number(payload['sid']);
      if (!Number.isSafeInteger(userId) || userId < 1 || !Number.isSafeInteger(sessionId) || sessionId < 1) {
        throw new AppError('UNAUTHENTICATED', 'invalid access token');
      }
      return { userId, sessionId, expiresAt: new Date((payload.exp ?? 0) * 1000) };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'the access token has expired');
      throw new AppError('UNAUTHENTICATED', 'invalid access token');
    }
  }
}

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
