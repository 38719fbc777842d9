/** Storage faults while a job stores its images: how they read, and when a job so failed runs again. */

/**
 * The image store could not write a file (folder not writable or not a folder, disk full). Unlike a bad
 * request or a model error, it says nothing about the job: the same job may succeed once the fault clears,
 * so the service queues it again (see retryDelayMs) instead of failing it for good.
 */
export class ImageStorageError extends Error {
  constructor(
    /** The file-system error code, e.g. ENOSPC. */
    readonly code: string,
    cause: unknown,
  ) {
    super(describeCode(code), { cause });
    this.name = 'ImageStorageError';
  }
}

/** What a file-system error code means for the image folder, in words a client can act on. No paths: clients see this. */
function describeCode(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding the image folder is full (${code})`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `the image folder is not writable (${code})`;
    case 'ENOTDIR':
    case 'EEXIST':
    case 'ENOENT':
      return `the image folder, or a folder inside it, is missing or not a folder (${code})`;
    default:
      return `the image folder cannot be written (${code})`;
  }
}

/** A file-system error (it carries a code such as ENOSPC) as an ImageStorageError; anything else unchanged. */
export function asStorageFault(error: unknown): unknown {
  if (error instanceof ImageStorageError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new ImageStorageError(code, error) : error;
}

/** How a job's storage faults are retried: ATELIER_STORAGE_ATTEMPTS and ATELIER_STORAGE_RETRY_MS. */
export interface StorageRetryPolicy {
  /** Runs a job gets in all (the first included) before a storage fault fails it for good. */
  maxAttempts: number;
  /** The wait before the second run; it doubles for each run after that. */
  firstDelayMs: number;
}

/** Five runs, 30 s before the second (then 60, 120, 240 s): a fault cleared within about 7 minutes loses no job. */
export const DEFAULT_STORAGE_RETRY: StorageRetryPolicy = { maxAttempts: 5, firstDelayMs: 30_000 };

/** The longest wait between two runs, however many attempts are allowed. */
const MAX_RETRY_DELAY_MS = 15 * 60_000;

/** The wait before run `attempt + 1`, after run `attempt` (1-based) hit a storage fault. */
export function retryDelayMs(policy: StorageRetryPolicy, attempt: number): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
}

/** The generation's `error` while it waits to run again, and once it has failed for good. */
export function storageFaultMessage(fault: ImageStorageError, attempt: number, policy: StorageRetryPolicy, retryInMs?: number): string {
  const what = `storing an image failed: ${fault.message}`;
  if (retryInMs === undefined) return `${what}; gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
  return `${what}; attempt ${attempt} of ${policy.maxAttempts}, trying again in ${Math.ceil(retryInMs / 1000)} s`;
}
