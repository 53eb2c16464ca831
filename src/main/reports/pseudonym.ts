import { hash } from 'node:crypto';

/**
 * caller_ref: HMAC-SHA256 of the caller's normalised number (its digits, international, as the
 * call log keeps them), keyed with the organisation's pseudonym key from policy — the same on every
 * laptop, so a repeat caller has the same ref everywhere — or, without one, with this
 * installation's own key (its refs cannot be linked with other laptops' and the export says so).
 * The first 128 bits, as hex: no collisions in practice, and the number cannot be got back without
 * the key (a number has few digits: an unkeyed hash could be reversed by trying them all).
 *
 * HMAC is computed from the key's inner and outer pads prepared once (RFC 2104), with Node's
 * one-shot hash: about six times as fast as a `createHmac` per row, which matters for a million
 * rows; recent numbers are remembered (repeat callers).
 */

export type PseudonymKeySource = 'organisation' | 'installation';

const BLOCK = 64;
const CACHE_LIMIT = 50_000;

/** Numbers' digits fit this easily; a longer text takes the general way. */
const SCRATCH = 64;

export class Pseudonymizer {
  private readonly inner: Buffer;
  private readonly outer: Buffer;
  private readonly cache = new Map<string, string>();
  /** The inner pad with room for the message after it, and the outer pad with room for the inner hash. */
  private readonly innerScratch = Buffer.alloc(BLOCK + SCRATCH);
  private readonly outerScratch = Buffer.alloc(BLOCK + 32);

  constructor(
    key: Uint8Array,
    readonly source: PseudonymKeySource,
  ) {
    if (key.length < 16) throw new RangeError('a pseudonym key needs at least 128 bits');
    const block = Buffer.alloc(BLOCK);
    // A key longer than the block is hashed first (RFC 2104).
    block.set(key.length > BLOCK ? hash('sha256', key, 'buffer') : key);
    this.inner = Buffer.alloc(BLOCK);
    this.outer = Buffer.alloc(BLOCK);
    for (let index = 0; index < BLOCK; index += 1) {
      this.inner[index] = block[index]! ^ 0x36;
      this.outer[index] = block[index]! ^ 0x5c;
    }
    this.inner.copy(this.innerScratch, 0);
    this.outer.copy(this.outerScratch, 0);
  }

  /** The ref of a number's digits. */
  ref(digits: string): string {
    const known = this.cache.get(digits);
    if (known !== undefined) return known;
    let inner: Buffer;
    // Digits written into the scratch buffer behind the pad: no buffers made per row.
    if (digits.length < SCRATCH && /^[\x20-\x7e]*$/.test(digits)) {
      const length = this.innerScratch.write(digits, BLOCK, 'latin1');
      inner = hash('sha256', this.innerScratch.subarray(0, BLOCK + length), 'buffer');
    } else inner = hash('sha256', Buffer.concat([this.inner, Buffer.from(digits, 'utf8')]), 'buffer');
    inner.copy(this.outerScratch, BLOCK);
    const ref = hash('sha256', this.outerScratch, 'hex').slice(0, 32);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(digits, ref);
    return ref;
  }
}

/** The organisation's key from policy (Base64, as `reports.pseudonymKey` takes it), or null for none. */
export function organisationKey(setting: string): Uint8Array | null {
  if (setting === '') return null;
  const bytes = Buffer.from(setting.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length >= 32 ? bytes : null;
}

export function pseudonymizer(organisationSetting: string, installationKeyHex: string): Pseudonymizer {
  const organisation = organisationKey(organisationSetting);
  return organisation !== null
    ? new Pseudonymizer(organisation, 'organisation')
    : new Pseudonymizer(Buffer.from(installationKeyHex, 'hex'), 'installation');
}
