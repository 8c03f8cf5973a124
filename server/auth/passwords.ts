// bcrypt in libuv's thread pool (the native binding), so hashing never blocks the event loop.
import bcrypt from 'bcrypt';
import { LIMITS } from '../../protocol/schemas.js';
import { utf8Bytes } from '../../protocol/text.js';

export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly rounds: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.rounds);
  }

  /**
   * bcrypt reads only the first 72 bytes, so a longer candidate would match any password sharing that prefix:
   * it is refused (never equal to a stored password), after the same work, so the refusal takes the usual time.
   */
  async verify(password: string, hash: string): Promise<boolean> {
    if (utf8Bytes(password) > LIMITS.passwordMaxBytes) return this.verifyAgainstNothing(password);
    return bcrypt.compare(password, hash);
  }

  /** Spends the same work as a real check, so an unknown user answers in about the same time as a wrong password. */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummy ??= bcrypt.hash('not a real password, only a timing equaliser', this.rounds);
    await bcrypt.compare(password, await this.dummy);
    return false;
  }
}
