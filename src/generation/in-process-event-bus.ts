/** The event bus of a single server process: an EventEmitter keyed by generation id, plus each job's live state. */
import { EventEmitter } from 'node:events';
import type { EventBus, GenerationEvent, LiveState, SequencedEvent, Unsubscribe } from './events.js';
import { foldLiveState, liveStateEvents, type LiveStateData } from './live-state.js';

export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter();
  /** Generations in flight; an entry goes with the generation's terminal event. */
  private readonly live = new Map<string, { seq: number; state: LiveStateData }>();
  /** One counter for the process: increasing per generation too, and never reused when a state is dropped. */
  private lastSeq = 0;

  constructor() {
    // Every open subscription is a listener; the default limit of 10 is a leak heuristic, not a limit.
    this.emitter.setMaxListeners(0);
  }

  publish(event: GenerationEvent): void {
    // Folding and emitting in one synchronous turn is what makes liveState and the events agree.
    const seq = ++this.lastSeq;
    const next = foldLiveState(this.live.get(event.generationId)?.state, event);
    if (next) this.live.set(event.generationId, { seq, state: next });
    else this.live.delete(event.generationId);
    this.emitter.emit(event.generationId, { seq, event, publishedAt: Date.now() } satisfies SequencedEvent);
  }

  subscribe(generationId: string, listener: (delivered: SequencedEvent) => void): Unsubscribe {
    this.emitter.on(generationId, listener);
    return () => this.emitter.off(generationId, listener);
  }

  liveState(generationId: string): Promise<LiveState | undefined> {
    const entry = this.live.get(generationId);
    return Promise.resolve(entry ? { seq: entry.seq, events: liveStateEvents(entry.state) } : undefined);
  }

  /** Generations the bus holds a live state for (to check that ended jobs are forgotten). */
  get liveCount(): number {
    return this.live.size;
  }
}
