/**
 * The event bus with its delivery lag measured: every event handed to a subscriber is observed as delivery
 * time minus its `publishedAt`. A wrapper, so that every bus (in-process, Redis) is measured the same way.
 */
import type { EventBus } from '../generation/events.js';

export function withDeliveryLag(bus: EventBus, observe: (seconds: number) => void): EventBus {
  return {
    publish: (event) => bus.publish(event),
    liveState: (generationId) => bus.liveState(generationId),
    subscribe: (generationId, listener, rejoin) =>
      bus.subscribe(
        generationId,
        (delivered) => {
          // Clocks of different machines may disagree by a little: a lag below 0 is counted as 0.
          observe(Math.max(0, Date.now() - delivered.publishedAt) / 1000);
          listener(delivered);
        },
        rejoin,
      ),
  };
}
