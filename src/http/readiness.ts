// GET /ready for load balancers and orchestrators: 200 only when every readiness check passes (the database
// answers, Redis answers where configured, the default model is usable), else 503 naming each failing check.
// /health stays liveness: the process serves. A plain handler, mountable on any node's HTTP server.
import type { Logger } from '../logger.js';
import { TimedOutError, withTimeout } from '../timeout.js';
import { sendJson } from './json.js';
import { at, type Route, type RouteHandler } from './router.js';

export interface ReadinessCheck {
  /** Names the check in the 503 body, e.g. "database". */
  name: string;
  /** Resolves when the dependency is usable; rejects (or takes too long) when it is not. */
  check(): Promise<void>;
}

/**
 * A failure whose message is meant for whoever asks /ready (a model's problem, say). Other errors (a driver's,
 * which may name internal hosts) are logged, and the body says only that the check failed.
 */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

/** No check may hold /ready longer than this: a hung dependency is a failed one. */
export const READINESS_TIMEOUT_MS = 2000;

export function readinessHandler(checks: readonly ReadinessCheck[], logger: Logger, timeoutMs = READINESS_TIMEOUT_MS): RouteHandler {
  return async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), timeoutMs);
          return [name, 'ok'] as const;
        } catch (error) {
          logger.warn({ err: error, check: name }, `readiness check ${name} failed`);
          return [name, problemText(error)] as const;
        }
      }),
    );
    const failing = results.filter(([, result]) => result !== 'ok');
    sendJson(res, failing.length === 0 ? 200 : 503, {
      status: failing.length === 0 ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results),
    });
  };
}

export function readinessRoute(checks: readonly ReadinessCheck[], logger: Logger, timeoutMs?: number): Route {
  return at('/ready', readinessHandler(checks, logger, timeoutMs));
}

function problemText(error: unknown): string {
  if (error instanceof NotReadyError) return error.message;
  if (error instanceof TimedOutError) return `no answer within ${error.ms} ms`;
  return 'failed (the server log says why)';
}
