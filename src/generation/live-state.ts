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

type RunEvent = Extract<GenerationEvent, { type: 'STEP' | 'IMAGE' }>;

/**
 * The state after `event`, or undefined when the generation is over (a terminal event) and the bus should
 * forget it. An event of an earlier stage than the state (`stage`) changes nothing: a place computed before
 * the claim, or a requeued job's old QUEUED, arriving after STARTED. A QUEUED of the same or a later stage
 * starts afresh: a job queued again (a retry) begins a new run.
 */
export function foldLiveState(state: LiveStateData | undefined, event: GenerationEvent): LiveStateData | undefined {
  if (TERMINAL_EVENT_TYPES.has(event.type)) return undefined;
  if (state && compareStages(event, state.phase) < 0) return state;
  switch (event.type) {
    case 'QUEUED':
      return { phase: event, images: [], latestStep: null };
    case 'STARTED':
      return { phase: event, images: [], latestStep: null };
    case 'STEP':
      return { ...startedState(state, event), latestStep: event };
    case 'IMAGE': {
      const started = startedState(state, event);
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

/**
 * Where an event stands in the job's life, from its `attempts`: the QUEUED events made while the job waited
 * for run n (attempts n - 1) come before run n's STARTED, STEP and IMAGE (attempts n), which come before the
 * QUEUED of a requeue after run n (attempts n). Undefined without attempts.
 */
function stage(event: GenerationEvent): number | undefined {
  if (!('attempts' in event) || event.attempts === undefined) return undefined;
  return event.type === 'QUEUED' ? 2 * event.attempts + 1 : 2 * event.attempts;
}

/** Below 0 when `a` belongs to an earlier stage than `b`; 0 when either is unknown (never taken for stale). */
function compareStages(a: GenerationEvent, b: GenerationEvent): number {
  const [first, second] = [stage(a), stage(b)];
  return first === undefined || second === undefined ? 0 : first - second;
}

/** A STEP or IMAGE implies its run started, even if this bus missed STARTED (or only saw an earlier run's). */
function startedState(state: LiveStateData | undefined, event: RunEvent): LiveStateData {
  if (state && state.phase.type === 'STARTED' && compareStages(event, state.phase) === 0) return state;
  const attempts = event.attempts === undefined ? {} : { attempts: event.attempts };
  return { phase: { type: 'STARTED', generationId: event.generationId, ...attempts }, images: [], latestStep: null };
}
