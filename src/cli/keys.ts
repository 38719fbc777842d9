/** `atelier keys create NAME [--admin] | list | revoke NAME`: accounts and API keys, on the library `serve` uses. */
import { parseArgs } from 'node:util';
import { newApiKey } from '../accounts/api-keys.js';
import { ACCOUNT_NAME } from '../accounts/viewer.js';
import type { Config } from '../config.js';
import type { ApiKeyRecord } from '../library/index.js';
import { UsageError, withLibrary } from './import-export.js';

const USAGE = 'usage: keys create NAME [--admin] | keys list | keys revoke NAME';

export async function runKeys(config: Config, args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { admin: { type: 'boolean', default: false } }, strict: true });
  } catch {
    throw new UsageError(USAGE);
  }
  const { positionals, values } = parsed;
  const [action, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(USAGE);
  await withLibrary(config, async ({ accounts }) => {
    switch (action) {
      case 'create': {
        if (!name || !ACCOUNT_NAME.test(name)) throw new UsageError(`${USAGE}\nNAME: 1 to 64 letters, digits, dots, dashes or underscores`);
        const existed = (await accounts.findAccount(name)) !== null;
        const key = newApiKey();
        const record = await accounts.addKey(name, key, values.admin ? 'ADMIN' : undefined);
        const what = existed ? `a new key for ${name}` : `account ${name}`;
        process.stdout.write(`created ${what} (${record.account.role}); the key is shown this once, keep it:\n${key.key}\n`);
        return;
      }
      case 'list': {
        const keys = await accounts.listKeys();
        if (keys.length === 0) process.stdout.write('no API keys yet: npm run keys -- create NAME --admin\n');
        for (const key of keys) process.stdout.write(`${describeKey(key)}\n`);
        return;
      }
      case 'revoke': {
        if (!name) throw new UsageError(USAGE);
        const revoked = await accounts.revokeKeys(name);
        if (!revoked) throw new UsageError(`there is no account named ${name}`);
        process.stdout.write(`revoked ${revoked.length} key${revoked.length === 1 ? '' : 's'} of ${name}\n`);
        return;
      }
      default:
        throw new UsageError(USAGE);
    }
  });
}

function describeKey(key: ApiKeyRecord): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
  return [key.account.name, key.account.role, `${key.prefix}...`, `created ${key.createdAt.toISOString()}`, state].join('\t');
}
