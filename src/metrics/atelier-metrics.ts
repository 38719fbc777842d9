/**
 * Every metric /metrics serves, in one Prometheus registry per server (tests run several servers in one
 * process, so the client's global registry is not used). The only module that knows prom-client: the
 * generation layer reports through its GenerationMetrics port, the HTTP layer through plain methods.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GenerationMetrics } from '../generation/generation-metrics.js';
import type { Logger } from '../logger.js';
import { withTimeout } from '../timeout.js';
import { BoundedLabels } from './bounded-labels.js';

export interface MetricsSources {
  /** ATELIER_NODE_ID: the `node` label of every series. */
  nodeId: string;
  /** Generations per status, counted in the database when /metrics is scraped. */
  jobCounts(): Promise<Record<string, number>>;
  /** This node's worker threads now. */
  workers(): { busy: number; idle: number };
  logger: Logger;
}

/** Distinct operation names with their own series; later ones are "other". */
const MAX_OPERATION_NAMES = 100;
/** A scrape does not wait longer than this for the database's job counts. */
const JOB_COUNT_TIMEOUT_MS = 2000;
/** Error codes are the server's own (graphql/errors.ts, Apollo's); anything else would be a bug, counted apart. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

export class AtelierMetrics implements GenerationMetrics {
  private readonly registry = new Registry();
  private readonly operations = new BoundedLabels(MAX_OPERATION_NAMES);
  private readonly queueWaitSeconds: Histogram;
  private readonly runSeconds: Histogram<'status'>;
  private readonly stepSeconds: Histogram;
  private readonly imagesStored: Counter;
  private readonly graphqlRequests: Counter<'operation'>;
  private readonly graphqlSeconds: Histogram<'operation'>;
  private readonly graphqlErrors: Counter<'operation' | 'code'>;
  private readonly busLagSeconds: Histogram;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: sources.nodeId });
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'atelier_jobs',
      help: 'Generations in the database by status (the whole cluster, read at scrape time).',
      labelNames: ['status'],
      registers,
      async collect() {
        try {
          const counts = await withTimeout(sources.jobCounts(), JOB_COUNT_TIMEOUT_MS);
          for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
        } catch (error) {
          // No numbers rather than stale ones; the rest of the scrape still answers.
          this.reset();
          sources.logger.warn({ err: error }, 'metrics: the job counts could not be read');
        }
      },
    });
    new Gauge({
      name: 'atelier_workers',
      help: "This node's worker threads by state (busy: running a job).",
      labelNames: ['state'],
      registers,
      collect() {
        const { busy, idle } = sources.workers();
        this.set({ state: 'busy' }, busy);
        this.set({ state: 'idle' }, idle);
      },
    });
    const histogram = <T extends string>(name: string, help: string, buckets: number[], labelNames: T[] = []) =>
      new Histogram<T>({ name, help, buckets, labelNames, registers });
    const counter = <T extends string>(name: string, help: string, labelNames: T[] = []) => new Counter<T>({ name, help, labelNames, registers });
    this.queueWaitSeconds = histogram(
      'atelier_job_queue_wait_seconds',
      'How long a job waited in the queue before a worker of this node claimed it.',
      [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    );
    this.runSeconds = histogram(
      'atelier_job_run_seconds',
      'How long a job ran on a worker (model load included), by how it ended.',
      [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
      ['status'],
    );
    this.stepSeconds = histogram(
      'atelier_denoising_step_seconds',
      'How long one denoising step took (UNet and scheduler, previews not included).',
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    );
    this.imagesStored = counter('atelier_images_stored_total', 'Images this node stored (file and row).');
    this.graphqlRequests = counter(
      'atelier_graphql_requests_total',
      'GraphQL operations over HTTP and graphql-ws, by operation name (client-chosen; bounded, others as "other").',
      ['operation'],
    );
    this.graphqlSeconds = histogram(
      'atelier_graphql_request_duration_seconds',
      'How long a GraphQL operation took: over HTTP from request to response, over graphql-ws until it completed (a subscription: while it was followed).',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ['operation'],
    );
    this.graphqlErrors = counter('atelier_graphql_errors_total', 'Errors sent for GraphQL operations over HTTP and graphql-ws, by operation name and error code.', ['operation', 'code']);
    this.busLagSeconds = histogram(
      'atelier_event_bus_lag_seconds',
      'From publishing a generation event to handing it to a subscriber of this node.',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    );
  }

  queueWait(seconds: number): void {
    this.queueWaitSeconds.observe(seconds);
  }

  jobRun(status: string, seconds: number): void {
    this.runSeconds.observe({ status }, seconds);
  }

  denoisingStep(seconds: number): void {
    this.stepSeconds.observe(seconds);
  }

  imageStored(): void {
    this.imagesStored.inc();
  }

  /** One GraphQL operation (HTTP or graphql-ws): its name as the client sent it, and the codes of its errors. */
  graphqlOperation(name: string | null | undefined, seconds: number, errorCodes: readonly string[]): void {
    const operation = this.operations.label(name);
    this.graphqlRequests.inc({ operation });
    this.graphqlSeconds.observe({ operation }, seconds);
    for (const code of errorCodes) this.graphqlErrors.inc({ operation, code: ERROR_CODE.test(code) ? code : 'OTHER' });
  }

  busLag(seconds: number): void {
    this.busLagSeconds.observe(seconds);
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
