/** The server secret image URLs are signed with: ATELIER_SECRET, or a random one kept in the data folder. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const SECRET_FILE = 'server-secret';

/**
 * `configured` (ATELIER_SECRET) when set; otherwise `<dataDir>/server-secret`, made on first use (32 random
 * bytes, hex, mode 0600) so signed URLs stay valid across restarts. Several servers sharing one database need
 * the same secret: set ATELIER_SECRET on each.
 */
export async function loadServerSecret(dataDir: string, configured: string | undefined): Promise<Buffer> {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  const file = path.join(dataDir, SECRET_FILE);
  try {
    return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32);
  // Written whole under a private name, then linked into place: link() fails when the file exists, so servers
  // sharing the data folder and starting at once agree on the first secret, and none reads a half-written one.
  const draft = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(draft, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(draft, file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'hex');
  } finally {
    await fs.rm(draft, { force: true });
  }
}
