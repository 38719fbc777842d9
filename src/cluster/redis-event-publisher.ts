/** Publishing generation events on Redis: one generation's events in the order given, each applied exactly once. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { GenerationEvent, GenerationEventType } from '../generation/events.js';
import { foldLiveState, type LiveStateData } from '../generation/live-state.js';
import type { Logger } from '../logger.js';
import { decodeLiveState, encodeDelivered, encodeLiveState } from './event-codec.js';
import { definePublishScript, generationKeys, runPublish } from './publish-script.js';

export interface PublisherOptions {
  prefix: string;
  logger: Logger;
  /** How long a live state outlives the generation's last event: a job whose node died is forgotten after it. */
  stateTtlMs: number;
  /** How long the seq counter outlives the last event; longer than the state, so a seq is never given out twice to a job still watched. */
  sequenceTtlMs: number;
}

interface Pending {
  event: GenerationEvent;
  publishedAt: number;
  /** Names this publish, so that a script ioredis resends after a reconnect is not applied twice. */
  token: string;
}

/** The last state this process saw for a generation: a guess that saves a round trip, never trusted. */
interface Known {
  seq: number;
  state: LiveStateData | undefined;
}

const NEW_GENERATION: Known = { seq: 0, state: undefined };
/** Generations whose last state is remembered (the worker's running jobs, the API's newest queued ones). */
const KNOWN_LIMIT = 1024;
/** Events of one generation waiting for Redis beyond which superseded kinds (a later step, a later place) are dropped. */
const MAX_BACKLOG = 500;
const SHEDDABLE: ReadonlySet<GenerationEventType> = new Set(['STEP', 'QUEUED']);
/**
 * Conflicts in a row before an event is given up. Each conflict is another node's event for the same job landing
 * in between, so the cluster always progresses and an event waits at most for the others' backlogs (each at most
 * MAX_BACKLOG). 50 was too few: a node publishing a burst beside another lost events (two nodes, 100 events each,
 * lost 1 or 2 in most runs on a loaded machine). The bound now only stops a bug from spinning for ever.
 */
const MAX_ATTEMPTS = 10_000;

/**
 * Why the stored state never loses an event although several nodes publish for one generation (API nodes the
 * QUEUED places, the worker node the rest): the new state is folded here, by `foldLiveState` (the one rule),
 * from a state whose seq is known, and the script applies it only if that seq is still the generation's last
 * (compare-and-set). Had another node published in between, the script answers with the state now stored
 * and the event is folded again from it. Seq, state and PUBLISH change in one script, so a reader of the
 * state sees it either before the event (and then receives the event) or with it.
 *
 * In one process the events of a generation are applied one after another in the order `publish` was called
 * (a queue per generation): a retry can never let a later event overtake an earlier one.
 *
 * While Redis is down, events wait (ioredis's offline queue holds the one in flight, the queue here the rest)
 * and go out in order once it is back. If it stays down past ioredis's retries, an event is given up with one
 * error line per outage (subscribers miss it; the next one is told with the next seq); a generation's
 * backlog past MAX_BACKLOG drops new STEP and QUEUED events, which later ones supersede. `publish` never throws
 * and never leaves a rejection unhandled.
 */
export class RedisEventPublisher {
  private readonly queues = new Map<string, Pending[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly known = new Map<string, Known>();
  private readonly shedding = new Set<string>();
  private lostSinceSuccess = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: PublisherOptions,
  ) {
    definePublishScript(redis);
  }

  publish(event: GenerationEvent): void {
    const pending: Pending = { event, publishedAt: Date.now(), token: randomBytes(8).toString('hex') };
    const id = event.generationId;
    const queue = this.queues.get(id);
    if (queue) {
      if (queue.length >= MAX_BACKLOG && SHEDDABLE.has(event.type)) return this.shed(id);
      queue.push(pending);
      return;
    }
    const fresh = [pending];
    this.queues.set(id, fresh);
    const run = this.drain(id, fresh).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every event published so far went out or was given up. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async drain(id: string, queue: Pending[]): Promise<void> {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        await this.apply(next);
        this.recovered();
      } catch (error) {
        this.lost(next, error);
      }
    }
    this.queues.delete(id);
    this.shedding.delete(id);
  }

  private async apply({ event, publishedAt, token }: Pending): Promise<void> {
    const id = event.generationId;
    const keys = generationKeys(this.options.prefix, id);
    let from = this.known.get(id) ?? NEW_GENERATION;
    for (let attempt = 1; ; attempt++) {
      const state = foldLiveState(from.state, event);
      const seq = from.seq + 1;
      const reply = await runPublish(this.redis, {
        keys,
        fromSeq: from.seq,
        token,
        state: state ? encodeLiveState({ seq, state }) : '',
        message: encodeDelivered({ seq, event, publishedAt }),
        stateTtlMs: this.options.stateTtlMs,
        sequenceTtlMs: this.options.sequenceTtlMs,
      });
      if (reply.outcome === 'applied') return this.remember(id, state && { seq, state });
      if (reply.outcome === 'duplicate') return void this.known.delete(id);
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${attempt} publishes of other nodes came in between`);
      from = { seq: reply.seq, state: reply.state ? decodeLiveState(reply.state).state : undefined };
    }
  }

  /** Most recently used last: the oldest guess goes first. A generation that ended is forgotten. */
  private remember(id: string, known: Known | undefined): void {
    this.known.delete(id);
    if (!known) return;
    this.known.set(id, known);
    if (this.known.size > KNOWN_LIMIT) this.known.delete(this.known.keys().next().value!);
  }

  private shed(id: string): void {
    if (this.shedding.has(id)) return;
    this.shedding.add(id);
    this.options.logger.warn({ jobId: id, backlog: MAX_BACKLOG }, 'Redis is behind: this job\'s step and queue-place events are dropped until it catches up');
  }

  private lost({ event }: Pending, error: unknown): void {
    this.known.delete(event.generationId);
    if (this.lostSinceSuccess++ > 0) return;
    this.options.logger.error({ err: error, jobId: event.generationId, event: event.type }, 'publishing an event on Redis failed; events are lost until Redis answers again');
  }

  private recovered(): void {
    if (this.lostSinceSuccess === 0) return;
    this.options.logger.warn({ lost: this.lostSinceSuccess }, 'events are published on Redis again');
    this.lostSinceSuccess = 0;
  }
}
