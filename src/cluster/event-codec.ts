/** Events and live states as the JSON text a Redis bus stores and publishes (bigints, such as image seeds, kept exact). */
import type { SequencedEvent } from '../generation/events.js';
import type { LiveStateData } from '../generation/live-state.js';

/** A live state as stored: the state and the `seq` of the last event folded into it. */
export interface StoredLiveState {
  seq: number;
  state: LiveStateData;
}

const BIGINT_TAG = '$bigint';

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { [BIGINT_TAG]: value.toString() } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = (value as Record<string, unknown>)[BIGINT_TAG];
    if (typeof tagged === 'string' && Object.keys(value).length === 1) return BigInt(tagged);
  }
  return value;
}

export function encodeDelivered(delivered: SequencedEvent): string {
  return JSON.stringify(delivered, replacer);
}

export function decodeDelivered(text: string): SequencedEvent {
  return JSON.parse(text, reviver) as SequencedEvent;
}

export function encodeLiveState(stored: StoredLiveState): string {
  return JSON.stringify(stored, replacer);
}

export function decodeLiveState(text: string): StoredLiveState {
  return JSON.parse(text, reviver) as StoredLiveState;
}
