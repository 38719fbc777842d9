/**
 * The settings whose rule goes beyond a type and a range: a folder that must hold a file, a URL's form, and
 * those that depend on others (a role on the database, authentication on the address, metrics on
 * authentication). loadConfig (config.ts) reads the rest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, readChoice, type Env } from './config-values.js';
import type { ConfigPurpose } from './config.js';
import { isLoopbackAddress } from './loopback.js';

export const NODE_ROLES = ['all', 'api', 'worker'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export function readTaesdDir(env: Env, cwd: string): string | undefined {
  const raw = env.ATELIER_TAESD_DIR?.trim();
  if (!raw) return undefined;
  const dir = path.resolve(cwd, raw);
  if (!fs.existsSync(path.join(dir, 'taesd_decoder.safetensors'))) {
    throw new ConfigError('ATELIER_TAESD_DIR', `${dir} has no taesd_decoder.safetensors`);
  }
  return dir;
}

/** ATELIER_REDIS_URL: a redis:// or rediss:// URL, or unset. */
export function readRedisUrl(env: Env): string | undefined {
  const raw = env.ATELIER_REDIS_URL?.trim();
  if (!raw) return undefined;
  if (!/^rediss?:\/\/[^/\s]/.test(raw) || !URL.canParse(raw)) throw new ConfigError('ATELIER_REDIS_URL', 'expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (leave it unset to run without Redis)');
  return raw;
}

/** ATELIER_ROLE; the embedded database lives in one process, so it allows `all` only. */
export function readRole(env: Env, databaseUrl: string | undefined): NodeRole {
  const role = readChoice(env, 'ATELIER_ROLE', 'all', NODE_ROLES);
  if (role !== 'all' && databaseUrl === undefined) {
    throw new ConfigError('ATELIER_ROLE', `"${role}" needs a shared PostgreSQL database: set DATABASE_URL (the embedded database allows only "all")`);
  }
  return role;
}

/** ATELIER_AUTH, or open by default only where nobody else can reach the server. */
export function readAuth(env: Env, host: string, purpose: ConfigPurpose): 'keys' | 'none' {
  if (env.ATELIER_AUTH?.trim()) return readChoice(env, 'ATELIER_AUTH', 'none', ['keys', 'none'] as const);
  if (isLoopbackAddress(host) || purpose === 'tool') return 'none';
  throw new ConfigError(
    'ATELIER_AUTH',
    `HOST is ${host}, reachable from other machines, and ATELIER_AUTH is not set. To require API keys, create one ` +
      '(npm run keys -- create NAME --admin) and set ATELIER_AUTH=keys; to run open to everyone who can reach the port on purpose, set ATELIER_AUTH=none',
  );
}

/** ATELIER_METRICS: by default, scraping needs what the API needs (a key when keys are on). */
export function readMetricsAccess(env: Env, auth: 'keys' | 'none'): 'open' | 'key' | 'off' {
  const access = readChoice(env, 'ATELIER_METRICS', auth === 'keys' ? 'key' : 'open', ['open', 'key', 'off'] as const);
  if (access === 'key' && auth === 'none') throw new ConfigError('ATELIER_METRICS', '"key" needs ATELIER_AUTH=keys (without keys there is no admin key to check)');
  return access;
}
