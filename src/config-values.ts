/** Reading one environment variable as a checked value: the parsers behind config.ts's settings. */
import type { CorsOrigins } from './config.js';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid setting ${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `expected an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `${value} is outside ${min}..${max}`);
  return value;
}

export function readChoice<T extends string>(env: Env, name: string, fallback: T, choices: readonly T[]): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `expected one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function readDeviceList(env: Env, name: string): number[] {
  const raw = env[name]?.trim();
  if (!raw) return [0];
  const ids = raw.split(',').map((part) => part.trim());
  if (ids.some((id) => !/^\d+$/.test(id))) throw new ConfigError(name, `expected comma-separated GPU ordinals such as "0,1", got "${raw}"`);
  return ids.map(Number);
}

/** A name such as ATELIER_NODE_ID (stored on claimed jobs) or ATELIER_REDIS_PREFIX: 1 to 100 printable characters, no spaces. */
export function readName(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^[\x21-\x7e]{1,100}$/.test(raw)) throw new ConfigError(name, 'expected 1 to 100 printable characters without spaces');
  return raw;
}

/** ATELIER_CORS_ORIGINS: comma-separated origins (scheme://host[:port], as browsers send them), or '*' alone. */
export function readOrigins(env: Env, name: string): CorsOrigins {
  const raw = env[name]?.trim();
  if (!raw) return [];
  if (raw === '*') return '*';
  const origins = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    // An origin has no path, query or trailing slash: compared as text with what a browser sends.
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(name, `"${origin}" is not an origin such as https://app.example.com (scheme, host and port only; "*" alone allows every origin)`);
    }
  }
  return origins;
}

const BYTE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** A size such as ATELIER_WORKER_MEMORY: bytes, or a number with K, M, G or T (powers of 1024), e.g. "6G". */
export function readBytes(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(raw);
  if (!match) throw new ConfigError(name, `expected a size such as 6G, 512M or a number of bytes, got "${raw}"`);
  return Math.round(Number(match[1]) * BYTE_UNITS[match[2]!.toUpperCase()]!);
}
