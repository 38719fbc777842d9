import { EventEmitter } from 'node:events';
import type { EventBus, GenerationEvent, Unsubscribe } from './events.js';

const ALL = '*';

export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open subscription is a listener; the default limit of 10 is a leak heuristic, not a limit.
    this.emitter.setMaxListeners(0);
  }

  publish(event: GenerationEvent): void {
    this.emitter.emit(event.generationId, event);
    this.emitter.emit(ALL, event);
  }

  subscribe(generationId: string, listener: (event: GenerationEvent) => void): Unsubscribe {
    this.emitter.on(generationId, listener);
    return () => this.emitter.off(generationId, listener);
  }

  subscribeAll(listener: (event: GenerationEvent) => void): Unsubscribe {
    this.emitter.on(ALL, listener);
    return () => this.emitter.off(ALL, listener);
  }
}
