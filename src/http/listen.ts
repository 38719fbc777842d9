// Opens a server's listening socket and spells the base URL clients reach it at (the API server and a worker's).
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `host`:`port` (0: a free port); a wildcard host is reached at loopback. */
export async function listen(server: http.Server, host: string, port: number): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { url: `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}`, port: bound };
}
