// The Seed scalar: 64-bit seeds carried exactly, as decimal strings, in and out of the API.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { badInput, clientError } from '../errors.js';

/**
 * Seeds are unsigned 64-bit integers, beyond GraphQL's 32-bit Int and JavaScript's exact numbers. Input:
 * an integer or a decimal string (use a string above 2^53). Output: always a decimal string, so no client
 * rounds a seed and loses the image it reproduces. The range itself is checked with the other inputs so the
 * error names the field.
 */
export const SeedScalar = new GraphQLScalarType<bigint, string>({
  name: 'Seed',
  description:
    'An unsigned 64-bit integer seed (0..18446744073709551615). Accepted as an Int or a decimal String; returned as a String.',
  serialize(value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    if (typeof value === 'string' && /^\d+$/.test(value)) return value;
    throw new GraphQLError(`Seed cannot represent ${String(value)}`);
  },
  parseValue(value) {
    return toBigInt(value);
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return toBigInt(ast.kind === Kind.INT ? ast.value : ast.value);
    throw clientError('BAD_USER_INPUT', 'Seed must be an integer or a string of decimal digits');
  },
});

function toBigInt(value: unknown): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw badInput('seed', 'Seed numbers above 2^53 lose precision in JSON; pass the seed as a string');
    }
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw badInput('seed', `Seed must be an integer or a string of decimal digits, got ${JSON.stringify(value)}`);
}
