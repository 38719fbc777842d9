// What the error masking lets through to clients, and that it logs what it hides.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { DatabaseError } from 'pg';
import { pino } from 'pino';
import { CLIENT_ERROR_CODES } from '../../src/graphql/errors.js';
import { maskInternalErrors, maskWsResult } from '../../src/http/error-masking.js';

function capturingLogger(): { lines: string[]; logger: pino.Logger } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
  return { lines, logger: pino({ level: 'error' }, sink) };
}

test('every client error code and the request errors pass through unchanged', () => {
  const { lines, logger } = capturingLogger();
  const mask = maskInternalErrors(logger);
  const codes = [...CLIENT_ERROR_CODES, 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE'];
  for (const code of codes) {
    const formatted = { message: `m ${code}`, path: ['x'], extensions: { code, field: 'f' } };
    assert.equal(mask(formatted, new GraphQLError(formatted.message)), formatted);
  }
  assert.deepEqual(lines, []);
});

test('anything else becomes INTERNAL_SERVER_ERROR without its message, and is logged', async () => {
  const { lines, logger } = capturingLogger();
  const mask = maskInternalErrors(logger);
  const secret = new Error('connection to /var/db refused');
  for (const extensions of [{ code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] }, {}, { code: 42 }]) {
    const masked = mask({ message: secret.message, path: ['generation'], extensions }, secret);
    assert.deepEqual(masked, { message: 'Internal server error', path: ['generation'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /connection to \/var\/db refused/);
});

test('over graphql-ws, an exception inside a resolver is masked and logged; graphql-js and client errors are not', async () => {
  const { lines, logger } = capturingLogger();
  const format = maskWsResult(maskInternalErrors(logger));
  const internal = new GraphQLError('connection to /var/db refused', { path: ['generate'], originalError: new Error('connection to /var/db refused') });
  const client = new GraphQLError('steps must be between 1 and 150', { path: ['generate'], extensions: { code: 'BAD_USER_INPUT', field: 'steps' } });
  const coercion = new GraphQLError('Variable "$id" got invalid value 1; ID cannot represent value');
  const result = format({ data: null, errors: [internal, client, coercion] });
  assert.deepEqual(result.errors, [
    { message: 'Internal server error', path: ['generate'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    client.toJSON(),
    coercion.toJSON(),
  ]);
  assert.deepEqual(format({ data: { ok: true } }), { data: { ok: true } });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /connection to \/var\/db refused/);
});

test('the database not answering is SERVICE_UNAVAILABLE, retryable, over HTTP and graphql-ws alike, and logged as a warning', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
  const mask = maskInternalErrors(pino({ level: 'warn' }, sink));
  // What pg reports when PostgreSQL terminates the connection a statement ran on (pg_terminate_backend, a restart).
  const terminated = Object.assign(new DatabaseError('terminating connection due to administrator command', 116, 'error'), { code: '57P01', severity: 'FATAL' });
  const expected = { message: 'the database did not answer; try again', path: ['generate'], extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } };
  assert.deepEqual(mask({ message: terminated.message, path: ['generate'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, new GraphQLError(terminated.message, { path: ['generate'], originalError: terminated })), expected);
  const overWs = maskWsResult(mask)({ data: null, errors: [new GraphQLError(terminated.message, { path: ['generate'], originalError: terminated })] });
  assert.deepEqual(overWs.errors, [expected]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.length, 2);
  for (const line of lines) {
    assert.equal(JSON.parse(line).level, 40);
    assert.match(line, /the database did not answer a GraphQL operation/);
  }
});
