// Counts every GraphQL operation for /metrics, over HTTP (an Apollo plugin) and graphql-ws alike: its name, how
// long it took, the codes of its errors as the client got them (after masking). `OperationCount` is the one way
// an operation is counted; each transport only says when it starts, what it sent and when it is over.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getOperationAST, type DocumentNode } from 'graphql';

/** Where operations are reported (src/metrics/atelier-metrics.ts `AtelierMetrics`, which bounds the names). */
export interface OperationRecorder {
  graphqlOperation(name: string | null | undefined, seconds: number, errorCodes: readonly string[]): void;
}

/** An error as a client receives it; only its code is counted. */
interface SentError {
  readonly extensions?: { readonly [key: string]: unknown } | null | undefined;
}

/** An error sent without a code is counted as one the masking should have caught (none are, on either transport). */
const UNCODED_ERROR = 'INTERNAL_SERVER_ERROR';

/** One operation, timed from its start; reported once, by `end`. */
export class OperationCount {
  private readonly started = performance.now();
  private readonly codes: string[] = [];
  private ended = false;

  constructor(private readonly recorder: OperationRecorder) {}

  /** Errors sent to the client for this operation (every result's, for a subscription). */
  sent(errors: readonly SentError[] | undefined): void {
    for (const error of errors ?? []) this.codes.push(typeof error.extensions?.code === 'string' ? error.extensions.code : UNCODED_ERROR);
  }

  end(name: string | null | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.recorder.graphqlOperation(name, (performance.now() - this.started) / 1000, this.codes);
  }
}

export function graphqlMetricsPlugin<TContext extends BaseContext>(recorder: OperationRecorder): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async ({ request }) => {
      const count = new OperationCount(recorder);
      return {
        willSendResponse: async ({ response, operationName }) => {
          count.sent(response.body.kind === 'single' ? response.body.singleResult.errors : undefined);
          // The resolved operation's name; before parsing succeeded, the name the request asked for.
          count.end(operationName ?? request.operationName);
        },
      };
    },
  };
}

/** One graphql-ws operation being counted: the name it resolved to, and whether it ran (it then ends with onComplete). */
interface WsOperation {
  count: OperationCount;
  name: string | null | undefined;
  ran: boolean;
}

/**
 * The graphql-ws side, called from its hooks (http/subscriptions.ts) for one connection's operation `id`. An
 * operation is counted once it is over: refused before it ran (its errors, through onError), or complete
 * (onComplete: a query's one result, a subscription's end, the client stopping it or leaving). Its time runs
 * from the SUBSCRIBE message to then: for a subscription, how long it was followed.
 */
export class WsOperationMetrics {
  private readonly connections = new WeakMap<object, Map<string, WsOperation>>();

  constructor(private readonly recorder: OperationRecorder) {}

  /** SUBSCRIBE received, with the name the client asked for. */
  started(connection: object, id: string, operationName: string | null | undefined): void {
    let operations = this.connections.get(connection);
    if (!operations) this.connections.set(connection, (operations = new Map()));
    operations.set(id, { count: new OperationCount(this.recorder), name: operationName, ran: false });
  }

  /** Parsed and validated: the operation's own name, as over HTTP. */
  resolved(connection: object, id: string, document: DocumentNode): void {
    const operation = this.connections.get(connection)?.get(id);
    if (operation) operation.name = getOperationAST(document, operation.name)?.name?.value ?? operation.name;
  }

  ran(connection: object, id: string): void {
    const operation = this.connections.get(connection)?.get(id);
    if (operation) operation.ran = true;
  }

  /** A result sent (its errors, after masking). */
  sent(connection: object, id: string, errors: readonly SentError[] | undefined): void {
    this.connections.get(connection)?.get(id)?.count.sent(errors);
  }

  /** An error message sent: the end of an operation that never ran; one that ran still completes. */
  failed(connection: object, id: string, errors: readonly SentError[]): void {
    const operation = this.connections.get(connection)?.get(id);
    if (!operation) return;
    operation.count.sent(errors);
    if (!operation.ran) this.completed(connection, id);
  }

  completed(connection: object, id: string): void {
    const operations = this.connections.get(connection);
    const operation = operations?.get(id);
    if (!operation) return;
    operations!.delete(id);
    operation.count.end(operation.name);
  }
}
