import { mulberry32 } from '../../src/main/calllog/seed';

/**
 * The tests' seeded random source: the call log seed's own PRNG (mulberry32), so a failing case
 * comes back the same on every run, with the helpers the fuzz tests draw from.
 */
export function seededRandom(seed: number) {
  const next = mulberry32(seed);
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const bytes = (length: number) => Uint8Array.from({ length }, () => int(256));
  return { next, int, pick, bytes };
}
export type SeededRandom = ReturnType<typeof seededRandom>;
