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
  try {
    // 'wx': two servers starting at once do not overwrite each other's secret.
    await fs.writeFile(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'hex');
  }
}
