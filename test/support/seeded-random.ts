// Seeded randomness for tests: the same seed makes the same values (requests, scrambled weights) again.

export type Random = () => number;

/** mulberry32: a small seeded generator, so a failing request can be made again. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
export const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

/** Text of every kind a client might send: letters, CJK, emoji, lone surrogates, control characters. */
export function randomText(random: Random, length: number): string {
  // Long texts repeat a random kilobyte: as hostile to the server, much cheaper to make.
  if (length > 1000) return randomText(random, 1000).repeat(Math.ceil(length / 1000)).slice(0, length);
  const alphabets = [
    () => String.fromCharCode(int(random, 97, 122)),
    () => String.fromCharCode(int(random, 0x4e00, 0x9fff)),
    () => String.fromCodePoint(int(random, 0x1f300, 0x1f64f)),
    () => String.fromCharCode(int(random, 0xd800, 0xdfff)),
    () => String.fromCharCode(int(random, 1, 31)),
    () => ' ',
  ];
  let text = '';
  while (text.length < length) text += pick(random, alphabets)();
  return text.slice(0, length);
}

/** Every byte %-escaped (encodeURIComponent refuses lone surrogates, which a client may still send). */
export const percentEncoded = (text: string): string => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
