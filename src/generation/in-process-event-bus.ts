import { EventEmitter } from 'node:events';
import type { EventBus, GenerationEvent, Unsubscribe } from './events.js';

export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open subscription is a listener; the default limit of 10 is a leak heuristic, not a limit.
    this.emitter.setMaxListeners(0);
  }

  publish(event: GenerationEvent): void {
    this.emitter.emit(event.generationId, event);
  }

  subscribe(generationId: string, listener: (event: GenerationEvent) => void): Unsubscribe {
    this.emitter.on(generationId, listener);
    return () => this.emitter.off(generationId, listener);
  }
}
