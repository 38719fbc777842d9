/** generationEvents: a late subscriber gets the current state first, then the live events after it, until the end. */
import type { EventBus, GenerationEvent } from '../generation/events.js';
import { TERMINAL_EVENT_TYPES } from '../generation/events.js';

/** Lifecycle order, used to drop live events that the snapshot already covers. */
const PHASE: Record<GenerationEvent['type'], number> = {
  QUEUED: 0,
  STARTED: 1,
  STEP: 2,
  IMAGE: 2,
  COMPLETED: 3,
  FAILED: 3,
  CANCELLED: 3,
};

/**
 * The events of one generation as an async iterator for a subscription. A subscriber that joins late first
 * gets the current state (`loadSnapshot`, read after subscribing so nothing falls in between), then live
 * events. The stream ends after a terminal event. Written as a plain iterator, not an async generator, so
 * that a client unsubscribing releases the bus listener at once instead of at the next event.
 */
export function generationEventStream(
  bus: EventBus,
  generationId: string,
  loadSnapshot: () => Promise<GenerationEvent[]>,
): AsyncIterableIterator<GenerationEvent> {
  const ready: GenerationEvent[] = [];
  let pendingLive: GenerationEvent[] | undefined = []; // live events held back until the snapshot is out
  let waiter: { resolve: (r: IteratorResult<GenerationEvent>) => void; reject: (e: unknown) => void } | undefined;
  let failure: unknown;
  let done = false;
  let phase = -1;
  const sentImages = new Set<string>();

  const unsubscribe = bus.subscribe(generationId, (event) => {
    if (pendingLive) pendingLive.push(event);
    else deliver(event);
  });

  function deliver(event: GenerationEvent): void {
    if (done) return;
    if (event.type === 'IMAGE') {
      if (sentImages.has(event.image.id)) return;
      sentImages.add(event.image.id);
    } else if ((event.type === 'QUEUED' || event.type === 'STARTED') && PHASE[event.type] < phase) {
      return; // stale relative to the snapshot
    }
    phase = Math.max(phase, PHASE[event.type]);
    ready.push(event);
    if (TERMINAL_EVENT_TYPES.has(event.type)) finish();
    flush();
  }

  function finish(): void {
    done = true;
    unsubscribe();
  }

  function flush(): void {
    if (!waiter) return;
    const next = ready.shift();
    if (next) {
      const w = waiter;
      waiter = undefined;
      w.resolve({ value: next, done: false });
    } else if (failure !== undefined) {
      const w = waiter;
      const error = failure;
      waiter = undefined;
      failure = undefined;
      w.reject(error);
    } else if (done) {
      const w = waiter;
      waiter = undefined;
      w.resolve({ value: undefined, done: true });
    }
  }

  loadSnapshot().then(
    (snapshot) => {
      for (const event of snapshot) deliver(event);
      const held = pendingLive ?? [];
      pendingLive = undefined;
      for (const event of held) deliver(event);
    },
    (error: unknown) => {
      failure = error;
      finish();
      flush();
    },
  );

  const iterator: AsyncIterableIterator<GenerationEvent> = {
    next() {
      if (ready.length > 0) return Promise.resolve({ value: ready.shift()!, done: false });
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    return() {
      finish();
      ready.length = 0;
      flush();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
