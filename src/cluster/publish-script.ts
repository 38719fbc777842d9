/** The one Redis script that publishes a generation event: compare-and-set on the generation's seq, state and PUBLISH together. */
import type { Redis } from 'ioredis';

/**
 * KEYS[1]: the generation's sequence hash (`seq`, the last seq given out; `recent`, the tokens of the last
 * events applied). KEYS[2]: its live state (JSON, written by the caller). ARGV: the seq the caller folded
 * from, the event's token, the new state ('' = drop it), the message, the state's and the sequence's
 * time-to-live in ms, the channel.
 *
 * Replies {1, seq}: applied with this seq. {2, seq}: this token was applied already (ioredis resends a script
 * that was written but not answered when a connection drops; the resend must not publish twice).
 * {0, seq, state}: someone else published since the caller's seq; fold again from this state and retry.
 */
const PUBLISH_LUA = `
local fields = redis.call('HMGET', KEYS[1], 'seq', 'recent')
local seq = tonumber(fields[1]) or 0
local recent = fields[2] or ''
if string.find(' ' .. recent .. ' ', ' ' .. ARGV[2] .. ' ', 1, true) then return {2, seq} end
if seq ~= tonumber(ARGV[1]) then return {0, seq, redis.call('GET', KEYS[2]) or ''} end
local kept = {}
for token in string.gmatch(recent, '%S+') do kept[#kept + 1] = token end
kept[#kept + 1] = ARGV[2]
local next = seq + 1
redis.call('HSET', KEYS[1], 'seq', next, 'recent', table.concat(kept, ' ', math.max(1, #kept - 15), #kept))
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if ARGV[3] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[5]) end
redis.call('PUBLISH', ARGV[7], ARGV[4])
return {1, next}
`;

const COMMAND = 'atelierPublishEvent';

/** Where one generation's events live in Redis. The hash tag keeps both keys in one Redis Cluster slot. */
export interface GenerationKeys {
  sequence: string;
  live: string;
  channel: string;
}

export function generationKeys(prefix: string, generationId: string): GenerationKeys {
  return {
    sequence: `${prefix}gen:{${generationId}}:seq`,
    live: `${prefix}gen:{${generationId}}:live`,
    channel: `${channelPrefix(prefix)}${generationId}`,
  };
}

/** Every generation's channel starts with this; the rest is the generation id. */
export function channelPrefix(prefix: string): string {
  return `${prefix}events:`;
}

export interface PublishAttempt {
  keys: GenerationKeys;
  /** The seq the new state was folded from: the script applies it only if that is still the last one. */
  fromSeq: number;
  token: string;
  /** The encoded new live state, or '' when the event ends the generation. */
  state: string;
  message: string;
  stateTtlMs: number;
  sequenceTtlMs: number;
}

export type PublishReply =
  | { outcome: 'applied'; seq: number }
  | { outcome: 'duplicate' }
  | { outcome: 'conflict'; seq: number; state: string };

type ScriptedRedis = Redis & { [COMMAND](...args: (string | number)[]): Promise<[number, number, string?]> };

/** Registers the script on a connection (EVALSHA, loaded on first use). */
export function definePublishScript(redis: Redis): void {
  redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: PUBLISH_LUA });
}

export async function runPublish(redis: Redis, attempt: PublishAttempt): Promise<PublishReply> {
  const { keys } = attempt;
  const [code, seq, state] = await (redis as ScriptedRedis)[COMMAND](
    keys.sequence,
    keys.live,
    attempt.fromSeq,
    attempt.token,
    attempt.state,
    attempt.message,
    attempt.stateTtlMs,
    attempt.sequenceTtlMs,
    keys.channel,
  );
  if (code === 1) return { outcome: 'applied', seq };
  if (code === 2) return { outcome: 'duplicate' };
  return { outcome: 'conflict', seq, state: state ?? '' };
}
