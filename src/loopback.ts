/** Which addresses and Host names are this machine's loopback: the one rule behind the auth default and DNS-rebinding refusals. */

/** Whether a listening address (HOST) is the loopback interface: only this machine can connect. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase() === 'localhost' || bare === '::1' || isIPv4Loopback(bare);
}

/** Whether a Host header names this machine's loopback (localhost, 127.x.x.x, [::1]), with any port. */
export function isLoopbackHostHeader(hostHeader: string): boolean {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return /^\[::1\](:\d{1,5})?$/.test(host);
  const name = host.replace(/:\d{1,5}$/, '');
  return name === 'localhost' || isIPv4Loopback(name);
}

function isIPv4Loopback(name: string): boolean {
  const parts = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return parts !== null && parts.slice(1).every((part) => Number(part) <= 255);
}
