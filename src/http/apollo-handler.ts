// GraphQL over HTTP on node:http: hands each request to Apollo and writes its answer back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { sendJson } from './json.js';

/** Room for an uploaded image (uploadImage) as a base64 data URL. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * GraphQL over HTTP for a plain node:http server: the few lines of glue an Apollo integration package would
 * provide (body parsing, headers, streaming incremental responses), without pulling in a web framework.
 */
export function apolloHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  /** The request's context; may throw a GraphQLError (UNAUTHENTICATED), which Apollo answers with its http status. */
  context: (req: IncomingMessage) => Promise<TContext>,
  /** A refusal of the request before Apollo parses it (a query text too long), answered with 400. */
  refuse: (body: unknown, url: URL) => GraphQLError | undefined = () => undefined,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    try {
      body = await readBody(req, headers.get('content-type') ?? '');
    } catch (error) {
      sendJson(res, error instanceof BodyTooLargeError ? 413 : 400, { errors: [{ message: (error as Error).message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    const refusal = refuse(body, url);
    if (refusal) {
      sendJson(res, 400, { errors: [refusal.toJSON()] });
      return;
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage, contentType: string): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (contentType.startsWith('application/json') || contentType.includes('+json')) {
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new Error('request body is not valid JSON');
    }
  }
  return text;
}
