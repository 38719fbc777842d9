/**
 * Signed image URLs, so that `<img src>` works in a browser without an Authorization header: an HMAC-SHA256 of
 * the picture id, variant and expiry under the server secret. Expiries are rounded up to a boundary, so one
 * image keeps one URL for a while and browsers can cache it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignedVariant = 'full' | 'thumb';

export interface ImageSignature {
  /** Unix seconds after which the URL is refused. */
  exp: number;
  sig: string;
}

export class ImageSigner {
  /** Expiries are multiples of this: the same URL for `step` seconds, valid at least `ttlSeconds`. */
  private readonly step: number;

  constructor(
    private readonly secret: Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.step = Math.max(1, Math.floor(ttlSeconds / 4));
  }

  sign(id: string, variant: SignedVariant, nowMs: number = Date.now()): ImageSignature {
    const earliest = Math.floor(nowMs / 1000) + this.ttlSeconds;
    const exp = Math.ceil(earliest / this.step) * this.step;
    return { exp, sig: this.mac(id, variant, exp) };
  }

  /** Whether `sig` is this server's signature of (id, variant, exp) and `exp` has not passed. */
  verify(id: string, variant: SignedVariant, exp: string | null, sig: string | null, nowMs: number = Date.now()): boolean {
    if (exp === null || sig === null || !/^\d{1,12}$/.test(exp)) return false;
    const expiry = Number(exp);
    if (expiry * 1000 <= nowMs) return false;
    const expected = Buffer.from(this.mac(id, variant, expiry));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(id: string, variant: SignedVariant, exp: number): string {
    return createHmac('sha256', this.secret).update(`${id}\n${variant}\n${exp}`).digest('base64url');
  }
}
