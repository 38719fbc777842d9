/** generationEvents: a subscriber gets the current state first, then every later event once, in order, until the end. */
import type { EventBus, GenerationEvent, SequencedEvent } from '../generation/events.js';
import { TERMINAL_EVENT_TYPES } from '../generation/events.js';

/** Lifecycle order, used to drop events a stored snapshot (which has no `seq`) already covers. */
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
 * The events of one generation as an async iterator for a subscription, following the EventBus contract
 * (generation/events.ts): subscribe first and hold the events back; then read the stored generation
 * (`loadStored`, which also checks that the viewer may see it, so nothing of the bus reaches another
 * account) and the bus's live state; send the current state, then the held and later events whose `seq`
 * the state does not cover. A generation the bus holds no state for (ended, or from before a restart) is
 * told from the database. When the bus says events may have been lost (`rejoin`), the same join runs
 * again: a newer live state fills the gap as the first one did (what was told already is not told again),
 * and a generation that ended meanwhile is told its end from the database. The stream ends after a terminal
 * event. Written as a plain iterator, not an async generator, so that a client unsubscribing releases the
 * bus listener at once instead of at the next event.
 */
export function generationEventStream(
  bus: EventBus,
  generationId: string,
  loadStored: () => Promise<GenerationEvent[]>,
): AsyncIterableIterator<GenerationEvent> {
  const ready: GenerationEvent[] = [];
  let pendingLive: SequencedEvent[] | undefined = []; // bus events held back until the current state is out
  let coveredSeq = 0; // the last bus event already told, by itself or as part of the live state
  let waiter: { resolve: (r: IteratorResult<GenerationEvent>) => void; reject: (e: unknown) => void } | undefined;
  let failure: unknown;
  let done = false;
  let phase = -1;
  let toldPosition: number | undefined; // the place the last QUEUED told
  let toldStep: GenerationEvent | undefined; // the last STEP told: a rejoin's state may hold it again
  const sentImages = new Set<string>();
  let joining = false;
  let joinAgain = false;

  const unsubscribe = bus.subscribe(
    generationId,
    (delivered) => {
      if (pendingLive) pendingLive.push(delivered);
      else deliverLive(delivered);
    },
    () => join(),
  );

  function deliverLive({ seq, event }: SequencedEvent): void {
    if (seq <= coveredSeq) return;
    coveredSeq = seq;
    deliver(event);
  }

  function deliver(event: GenerationEvent): void {
    if (done) return;
    if (event.type === 'IMAGE') {
      if (sentImages.has(event.image.id)) return;
      sentImages.add(event.image.id);
    } else if (event.type === 'STEP') {
      if (toldStep && sameStep(toldStep, event)) return;
      toldStep = event;
    } else if (event.type === 'QUEUED' ? phase > PHASE.QUEUED || event.position === toldPosition : event.type === 'STARTED' && phase >= PHASE.STARTED) {
      // Stale, or already told by the stored snapshot; QUEUED repeats only to move the place, and nodes of a
      // cluster may each publish the same place.
      return;
    }
    if (event.type === 'QUEUED') toldPosition = event.position;
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

  /** Holds bus events back, tells the current state, then the held events it does not cover. */
  function join(): void {
    if (done) return;
    if (joining) {
      joinAgain = true; // the state being read may predate the gap: read it again once this join is done
      return;
    }
    joining = true;
    pendingLive ??= [];
    currentState().then(
      (state) => {
        for (const event of state) deliver(event);
        const held = pendingLive ?? [];
        pendingLive = undefined;
        for (const delivered of held) deliverLive(delivered);
        joining = false;
        if (joinAgain) {
          joinAgain = false;
          join();
        }
      },
      (error: unknown) => {
        failure = error;
        finish();
        flush();
      },
    );
  }
  join();

  /** Read after subscribing: the stored generation first (ownership), then the newer live state if any. */
  async function currentState(): Promise<GenerationEvent[]> {
    const stored = await loadStored();
    const last = stored.at(-1);
    if (last && TERMINAL_EVENT_TYPES.has(last.type)) return stored; // over, whatever a bus still holds
    const live = await bus.liveState(generationId);
    if (!live) return stored;
    if (live.seq <= coveredSeq) return []; // a rejoin that missed nothing
    coveredSeq = live.seq;
    // Still queued: the place worked out now is fresher than the last one published (those are coalesced).
    const [only] = live.events;
    if (live.events.length === 1 && only?.type === 'QUEUED' && last?.type === 'QUEUED') return [last];
    return live.events;
  }

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

/** The same step of the same run (a live state read on a rejoin repeats the step last told). */
function sameStep(a: GenerationEvent, b: Extract<GenerationEvent, { type: 'STEP' }>): boolean {
  return a.type === 'STEP' && a.step === b.step && a.totalSteps === b.totalSteps && a.attempts === b.attempts;
}
