/** The EventBus of a cluster: events, their seq and each job's live state in Redis, so any node serves any subscriber. */
import type { Redis } from 'ioredis';
import type { EventBus, GenerationEvent, LiveState, SequencedEvent, Unsubscribe } from '../generation/events.js';
import { liveStateEvents } from '../generation/live-state.js';
import type { Logger } from '../logger.js';
import { decodeDelivered, decodeLiveState } from './event-codec.js';
import { channelPrefix, generationKeys } from './publish-script.js';
import { RedisEventPublisher } from './redis-event-publisher.js';

export interface RedisEventBusOptions {
  /** Prefix of every key and channel (ATELIER_REDIS_PREFIX), so clusters and test runs can share one Redis. */
  prefix: string;
  logger: Logger;
  /** Default 10 minutes: refreshed by every event, so only a job nobody publishes for (its node died) expires. */
  stateTtlMs?: number;
  /** Default one day. */
  sequenceTtlMs?: number;
}

/** One subscription in this process: where its events go, and how it joins again after a gap. */
interface Subscriber {
  deliver: (delivered: SequencedEvent) => void;
  rejoin: (() => void) | undefined;
}

/** The subscribers of one generation in this process, and the SUBSCRIBE that serves them all. */
interface Channel {
  subscribers: Set<Subscriber>;
  /** Settles once Redis has confirmed the SUBSCRIBE (the last one, after a reconnect): from then on every PUBLISH reaches this process. */
  subscribed: Promise<void>;
}

/**
 * Keeps the EventBus contract of generation/events.ts across processes. Publishing: RedisEventPublisher (one
 * script per event: the next seq, the folded live state with an expiry, and the PUBLISH). Subscribing: one
 * subscriber connection per process and one channel per generation, SUBSCRIBEd while this process has a
 * listener for it (counted here): a node receives only the jobs its clients watch, instead of every job's
 * previews on one shared channel. Redis delivers one channel's messages in the order the scripts ran, so
 * they arrive in seq order. `liveState` first waits for the generation's SUBSCRIBE to be confirmed, which is
 * what makes the subscribe-then-read join of the contract leave no gap.
 *
 * If the subscriber connection drops, events published meanwhile never reach this process. Once it is back
 * (ioredis subscribes again), every channel followed here is SUBSCRIBEd once more and, when that is
 * confirmed, each of its subscribers is asked to rejoin: it reads the live state (and the stored generation)
 * afresh, so what it missed is told from there, and a job that ended meanwhile ends its subscription. A
 * failing read of the live state counts as no live state: the subscriber is told the stored generation.
 */
export class RedisEventBus implements EventBus {
  private readonly publisher: RedisEventPublisher;
  private readonly channels = new Map<string, Channel>();
  private readonly prefix: string;
  private readonly logger: Logger;
  /** The subscriber connection closed since it was last ready: events may have been missed. */
  private dropped = false;

  constructor(
    private readonly connections: { commands: Redis; subscriber: Redis },
    options: RedisEventBusOptions,
  ) {
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.publisher = new RedisEventPublisher(connections.commands, {
      prefix: options.prefix,
      logger: options.logger,
      stateTtlMs: options.stateTtlMs ?? 10 * 60_000,
      sequenceTtlMs: options.sequenceTtlMs ?? 86_400_000,
    });
    connections.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    connections.subscriber.on('close', () => {
      this.dropped = true;
    });
    connections.subscriber.on('ready', () => {
      if (!this.dropped) return;
      this.dropped = false;
      this.resubscribe();
    });
  }

  publish(event: GenerationEvent): void {
    this.publisher.publish(event);
  }

  subscribe(generationId: string, listener: (delivered: SequencedEvent) => void, rejoin?: () => void): Unsubscribe {
    const { channel: name } = generationKeys(this.prefix, generationId);
    let channel = this.channels.get(generationId);
    if (!channel) {
      channel = { subscribers: new Set(), subscribed: this.subscribeChannel(generationId) };
      this.channels.set(generationId, channel);
    }
    const mine = channel;
    const subscriber: Subscriber = { deliver: listener, rejoin };
    mine.subscribers.add(subscriber);
    return () => {
      if (!mine.subscribers.delete(subscriber) || mine.subscribers.size > 0 || this.channels.get(generationId) !== mine) return;
      this.channels.delete(generationId);
      // A SUBSCRIBE for a new listener goes out after this on the same connection, so it is never undone by it.
      this.connections.subscriber.unsubscribe(name).catch((error: unknown) => this.logger.warn({ err: error, jobId: generationId }, 'unsubscribing on Redis failed'));
    };
  }

  async liveState(generationId: string): Promise<LiveState | undefined> {
    await this.channels.get(generationId)?.subscribed;
    try {
      const text = await this.connections.commands.get(generationKeys(this.prefix, generationId).live);
      if (text === null) return undefined;
      const { seq, state } = decodeLiveState(text);
      return { seq, events: liveStateEvents(state) };
    } catch (error) {
      this.logger.warn({ err: error, jobId: generationId }, 'reading a job\'s live state from Redis failed; its subscriber gets the stored state');
      return undefined;
    }
  }

  /** Resolves once every event published so far went out (or was given up): before the connections close. */
  flush(): Promise<void> {
    return this.publisher.idle();
  }

  /** SUBSCRIBEs to the generation's channel; resolves once Redis confirmed it (or it failed, logged). */
  private subscribeChannel(generationId: string): Promise<void> {
    return this.connections.subscriber.subscribe(generationKeys(this.prefix, generationId).channel).then(
      () => undefined,
      (error: unknown) => this.logger.error({ err: error, jobId: generationId }, 'subscribing to a job\'s events on Redis failed'),
    );
  }

  /**
   * After a reconnect: each followed channel is SUBSCRIBEd again (ioredis resubscribes too; a second SUBSCRIBE
   * changes nothing), so the confirmation says when its events flow again, and only then are its subscribers
   * asked to rejoin: a state they read from then on misses nothing.
   */
  private resubscribe(): void {
    for (const [generationId, channel] of this.channels) {
      channel.subscribed = this.subscribeChannel(generationId);
      void channel.subscribed.then(() => {
        if (this.channels.get(generationId) !== channel) return;
        for (const subscriber of [...channel.subscribers]) this.call(generationId, () => subscriber.rejoin?.());
      });
    }
  }

  private dispatch(channel: string, message: string): void {
    const prefix = channelPrefix(this.prefix);
    if (!channel.startsWith(prefix)) return;
    const subscribers = this.channels.get(channel.slice(prefix.length))?.subscribers;
    if (!subscribers) return;
    let delivered: SequencedEvent;
    try {
      delivered = decodeDelivered(message);
    } catch (error) {
      this.logger.error({ err: error, channel }, 'an event on Redis could not be read');
      return;
    }
    for (const subscriber of [...subscribers]) this.call(delivered.event.generationId, () => subscriber.deliver(delivered));
  }

  /** A subscriber's callback: one that throws is logged and the others still run. */
  private call(generationId: string, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.logger.error({ err: error, jobId: generationId }, 'an event listener failed');
    }
  }
}
