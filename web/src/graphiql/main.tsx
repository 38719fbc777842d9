/**
 * GraphiQL at /graphql, bundled (no CDN, no telemetry): the schema's docs, the example operations, the headers
 * editor preset for an API key when the server asks for one, subscriptions over graphql-ws.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EXAMPLE_TABS } from './examples';
import { atelierFetcher } from './fetcher';

const authRequired = document.querySelector<HTMLMetaElement>('meta[name="atelier-auth"]')?.content === 'keys';
const fetcher = atelierFetcher(new URL('/graphql', window.location.href));
const headers = authRequired ? JSON.stringify({ Authorization: 'Bearer <your API key>' }, null, 2) : undefined;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={EXAMPLE_TABS.map((tab) => ({ ...tab, ...(headers ? { headers } : {}) }))}
      {...(headers ? { defaultHeaders: headers, defaultEditorToolsVisibility: 'headers' as const } : {})}
    />
  </StrictMode>,
);
