/** The progress events of a generation and the bus that carries them. */
import type { StoredImage } from './pictures.js';

/**
 * Progress of one generation, in the order a subscriber sees them. `attempts` is the job's attempts counter
 * (runs started, the lease's fencing token) when the event was made: 0 while a new job waits, n for run n's
 * STARTED, STEP and IMAGE, and n again for the QUEUED of a job requeued after run n. It orders the events of
 * different runs (generation/live-state.ts); it is absent only where nobody knows it (a state told from the
 * database) and is not part of the GraphQL payloads.
 */
export type GenerationEvent =
  | { type: 'QUEUED'; generationId: string; position: number; attempts?: number }
  | { type: 'STARTED'; generationId: string; attempts?: number }
  /** `pass`: 2 on a hires fix's second pass (absent: the first). */
  | { type: 'STEP'; generationId: string; step: number; totalSteps: number; pass?: 2; preview: string | null; attempts?: number }
  | { type: 'IMAGE'; generationId: string; image: StoredImage; attempts?: number }
  | { type: 'COMPLETED'; generationId: string; warnings: string[] }
  | { type: 'FAILED'; generationId: string; message: string }
  | { type: 'CANCELLED'; generationId: string };

export type GenerationEventType = GenerationEvent['type'];

export const TERMINAL_EVENT_TYPES: ReadonlySet<GenerationEventType> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export type Unsubscribe = () => void;

/** An event as the bus delivers it: `seq` increases with every event the bus carries for one generation. */
export interface SequencedEvent {
  seq: number;
  event: GenerationEvent;
  /** When it was published (ms since the epoch, the publisher's clock): the bus lag is delivery time minus this. */
  publishedAt: number;
}

/**
 * What the bus knows of a generation still in flight: its current state as the events a late subscriber
 * needs (QUEUED with its place, or STARTED, the images so far and the latest STEP with its preview), and the
 * `seq` of the last event folded into it. Built by `foldLiveState` (generation/live-state.ts).
 */
export interface LiveState {
  seq: number;
  events: GenerationEvent[];
}

/**
 * Publish/subscribe of progress events by generation id. In-process for a single server; a Redis
 * implementation lets API nodes and worker nodes live on different machines.
 *
 * The contract every implementation keeps, so that a subscriber gets the current state and then every event
 * once, in order, whenever it joins (followed in graphql/generation-event-stream.ts):
 * - `publish` gives the event the next `seq` of its generation (strictly increasing per generation) and
 *   folds it into that generation's live state with `foldLiveState`, atomically with sending it: a reader of
 *   `liveState` sees either the state before the event and then receives the event, or the state with it.
 * - A terminal event drops the live state (memory stays bounded by the jobs in flight; a Redis bus also
 *   gives the state an expiry).
 * - A subscriber subscribes first, then reads `liveState`, then skips delivered events whose `seq` is not
 *   above the state's: nothing falls between the two and nothing arrives twice.
 * - A bus that may lose events for a subscription (a Redis bus whose subscriber connection dropped) calls its
 *   `rejoin` once it receives the generation's events again; the subscriber then joins as above, reading
 *   `liveState` afresh, and goes on from there: what it missed is in that state.
 */
export interface EventBus {
  publish(event: GenerationEvent): void;
  subscribe(generationId: string, listener: (delivered: SequencedEvent) => void, rejoin?: () => void): Unsubscribe;
  /** The generation's live state, or undefined when the bus holds none (not in flight, or ended). */
  liveState(generationId: string): Promise<LiveState | undefined>;
}
