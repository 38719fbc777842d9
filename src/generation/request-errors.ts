/**
 * The errors a generation request can end in, as plain classes: generation/ knows no GraphQL, so the API layer
 * (graphql/errors.ts) turns each into the client error it documents.
 */

/** What a bad field may tell the client: the allowed range or values, and a reason code to tell cases apart. */
export interface AllowedValues {
  min?: number | string;
  max?: number | string;
  allowedValues?: readonly string[];
  reason?: string;
  /** Memory admission: every field that adds to the job's size, and the most pixels per image at that batchSize. */
  fields?: readonly string[];
  maxPixels?: number;
  batchSize?: number;
  /** What the request measured, where the bound is on a sum of fields (a job's cost). */
  cost?: number;
  /** The setting that raises the bound. */
  setting?: string;
}

/** One request field is unacceptable (BAD_USER_INPUT): which field, why, and what would be accepted. */
export class GenerationRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly allowed: AllowedValues = {},
  ) {
    super(message);
    this.name = 'GenerationRequestError';
  }

  /** The same error under another field name (remix: `steps` -> `overrides.steps`), optionally reworded. */
  renamed(field: string, message: string = this.message): GenerationRequestError {
    return new GenerationRequestError(field, message, this.allowed);
  }
}

/** The queue already holds its maximum of jobs (QUEUE_FULL): the server's, or the account's own share. */
export class QueueFullError extends Error {
  constructor(
    readonly max: number,
    readonly scope: 'server' | 'account' = 'server',
  ) {
    super(
      scope === 'server'
        ? `the queue already holds ${max} jobs; try again later`
        : `you already have ${max} jobs queued, the most one account may; try again when one has started`,
    );
    this.name = 'QueueFullError';
  }
}

/** The account queued as many jobs as it may in a minute (RATE_LIMITED): try again in `retryAfter` seconds. */
export class JobRateLimitedError extends Error {
  constructor(
    readonly limit: number,
    readonly retryAfter: number,
  ) {
    super(`you queued ${limit} jobs in the last minute, the most one account may; try again in ${retryAfter} s`);
    this.name = 'JobRateLimitedError';
  }
}

/** remix named no generated image (NOT_FOUND): an unknown id, or an upload, which has no parameters. */
/** upscaleImage's picture does not exist, or is not the viewer's to read (NOT_FOUND). */
export class PictureNotFoundError extends Error {
  constructor(readonly imageId: string) {
    super(`no image or upload has the id "${imageId}"`);
    this.name = 'PictureNotFoundError';
  }
}

export class RemixSourceNotFoundError extends Error {
  constructor(
    readonly imageId: string,
    readonly isUpload: boolean,
  ) {
    super(
      isUpload
        ? `"${imageId}" is an uploaded picture, not a generated image; it has no parameters to remix`
        : `image "${imageId}" does not exist`,
    );
    this.name = 'RemixSourceNotFoundError';
  }
}
