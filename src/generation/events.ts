import type { StoredImage } from './job.js';

/** Progress of one generation, in the order a subscriber sees them. */
export type GenerationEvent =
  | { type: 'QUEUED'; generationId: string; position: number }
  | { type: 'STARTED'; generationId: string }
  | { type: 'STEP'; generationId: string; step: number; totalSteps: number; preview: string | null }
  | { type: 'IMAGE'; generationId: string; image: StoredImage }
  | { type: 'COMPLETED'; generationId: string; warnings: string[] }
  | { type: 'FAILED'; generationId: string; message: string }
  | { type: 'CANCELLED'; generationId: string };

export type GenerationEventType = GenerationEvent['type'];

export const TERMINAL_EVENT_TYPES: ReadonlySet<GenerationEventType> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export type Unsubscribe = () => void;

/**
 * Publish/subscribe of progress events by generation id. In-process for a single server; a Redis
 * implementation lets API nodes and worker nodes live on different machines.
 */
export interface EventBus {
  publish(event: GenerationEvent): void;
  subscribe(generationId: string, listener: (event: GenerationEvent) => void): Unsubscribe;
}
