/** The per-account bounds on accepting jobs: how many one account has queued now, and in the last minute. */
import type { AccountLimits } from '../config.js';
import type { AccountUsage } from './job.js';
import { JobRateLimitedError, QueueFullError } from './request-errors.js';

/** Jobs per minute are counted over the 60 seconds before a request (a sliding window, in the database). */
export const JOB_RATE_WINDOW_MS = 60_000;

/** The start of the window whose jobs count against `now`. */
export function jobRateWindowStart(now: Date): Date {
  return new Date(now.getTime() - JOB_RATE_WINDOW_MS);
}

/**
 * Throws QueueFullError (scope account) or JobRateLimitedError when one more job would go over the account's
 * limits. `retryAfter` is when the oldest job of the window leaves it, so a retry then is accepted.
 */
export function checkAccountUsage(usage: AccountUsage, limits: AccountLimits, now: Date): void {
  if (usage.queued >= limits.maxQueuedJobsPerAccount) throw new QueueFullError(limits.maxQueuedJobsPerAccount, 'account');
  if (usage.recent >= limits.maxJobsPerMinute) {
    const leavesAt = (usage.oldestRecent?.getTime() ?? now.getTime()) + JOB_RATE_WINDOW_MS;
    throw new JobRateLimitedError(limits.maxJobsPerMinute, Math.max(1, Math.ceil((leavesAt - now.getTime()) / 1000)));
  }
}
