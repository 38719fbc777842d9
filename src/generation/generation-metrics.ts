/**
 * What the generation layer reports for /metrics, as a port: generation/ knows no Prometheus client. The
 * composition root passes an implementation (src/metrics/atelier-metrics.ts) to the service's JobObserver.
 */
import type { JobOutcome } from './worker-pool.js';

export interface GenerationMetrics {
  /** A job was claimed after waiting this long in the queue (claim time minus its createdAt). */
  queueWait(seconds: number): void;
  /** A job ran on a worker for this long (model load included) and ended so. */
  jobRun(status: JobOutcome['status'], seconds: number): void;
  /** One denoising step (UNet and scheduler, previews not included) took this long. */
  denoisingStep(seconds: number): void;
  /** One image was stored (file and row). */
  imageStored(): void;
}
