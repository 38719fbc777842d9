/** The one rule for what a generation's live state is after each event, shared by every EventBus. */
import type { GenerationEvent } from './events.js';
import { TERMINAL_EVENT_TYPES } from './events.js';

/** A generation in flight as a bus keeps it: plain data, so a Redis bus can store it as JSON. */
export interface LiveStateData {
  /** QUEUED with its place, or STARTED once a worker runs it. */
  phase: Extract<GenerationEvent, { type: 'QUEUED' | 'STARTED' }>;
  images: Extract<GenerationEvent, { type: 'IMAGE' }>[];
  latestStep: Extract<GenerationEvent, { type: 'STEP' }> | null;
}

/**
 * The state after `event`, or undefined when the generation is over (a terminal event) and the bus should
 * forget it. A QUEUED event starts afresh: a job queued again (a retry) begins a new run.
 */
export function foldLiveState(state: LiveStateData | undefined, event: GenerationEvent): LiveStateData | undefined {
  if (TERMINAL_EVENT_TYPES.has(event.type)) return undefined;
  switch (event.type) {
    case 'QUEUED':
      return { phase: event, images: [], latestStep: null };
    case 'STARTED':
      return { phase: event, images: [], latestStep: null };
    case 'STEP':
      return { ...startedState(state, event.generationId), latestStep: event };
    case 'IMAGE': {
      const started = startedState(state, event.generationId);
      return { ...started, images: [...started.images, event] };
    }
    default:
      return state;
  }
}

/** The events a subscriber joining now needs to be up to date, in the order it would have seen them. */
export function liveStateEvents(state: LiveStateData): GenerationEvent[] {
  return [state.phase, ...state.images, ...(state.latestStep ? [state.latestStep] : [])];
}

/** A STEP or IMAGE implies the job started, even if this bus missed STARTED. */
function startedState(state: LiveStateData | undefined, generationId: string): LiveStateData {
  if (state && state.phase.type === 'STARTED') return state;
  return { phase: { type: 'STARTED', generationId }, images: state?.images ?? [], latestStep: state?.latestStep ?? null };
}
