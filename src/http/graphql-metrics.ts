// Counts every GraphQL operation over HTTP for /metrics: its name, how long it took, the codes of its errors
// as the client got them (after masking). An Apollo plugin; graphql-ws operations are not counted here.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** Where the plugin reports (src/metrics/atelier-metrics.ts `AtelierMetrics`, which bounds the names). */
export interface OperationRecorder {
  graphqlOperation(name: string | null | undefined, seconds: number, errorCodes: readonly string[]): void;
}

export function graphqlMetricsPlugin<TContext extends BaseContext>(recorder: OperationRecorder): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async ({ request }) => {
      const started = performance.now();
      return {
        willSendResponse: async ({ response, operationName }) => {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR'));
          // The resolved operation's name; before parsing succeeded, the name the request asked for.
          recorder.graphqlOperation(operationName ?? request.operationName, (performance.now() - started) / 1000, codes);
        },
      };
    },
  };
}
