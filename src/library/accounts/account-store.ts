/** Accounts and their API keys in the database: what `npm run keys` and the admin mutations change. */
import type { Role, Viewer } from '../../accounts/viewer.js';
import type { PrismaClient } from '../db/generated/client.js';
import { Batches } from '../support/batches.js';

export interface AccountRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  account: AccountRecord;
}

const ACCOUNT_FIELDS = { id: true, name: true, role: true, createdAt: true } as const;
const KEY_FIELDS = { id: true, prefix: true, createdAt: true, revokedAt: true, account: { select: ACCOUNT_FIELDS } } as const;

export class AccountStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Every request asks viewerForKeyHash: those that arrive together are answered by one statement. */
  private readonly keyLookups = new Batches<string, Viewer | null>((hashes) => this.viewersForKeyHashes(hashes), { maxSize: 100, maxRunning: 1 });

  /** The account of an unrevoked key with this hash; null for none. */
  viewerForKeyHash(hash: string): Promise<Viewer | null> {
    return this.keyLookups.add(hash);
  }

  private async viewersForKeyHashes(hashes: string[]): Promise<(Viewer | null)[]> {
    const rows = await this.prisma.$queryRaw<(Viewer & { hash: string })[]>`
      SELECT k."hash", a."id" AS "accountId", a."name", a."role"::text AS "role"
      FROM "ApiKey" AS k JOIN "Account" AS a ON a."id" = k."accountId"
      WHERE k."hash" = ANY(${hashes}) AND k."revokedAt" IS NULL`;
    const byHash = new Map(rows.map(({ hash, ...viewer }) => [hash, viewer]));
    return hashes.map((hash) => byHash.get(hash) ?? null);
  }

  findAccount(name: string): Promise<AccountRecord | null> {
    return this.prisma.account.findUnique({ where: { name }, select: ACCOUNT_FIELDS });
  }

  /**
   * A new key for the account `name`, made with `role` when it does not exist yet (an existing account keeps
   * its role unless `role` is given). Returns the key's record; the caller shows the key itself.
   */
  async addKey(name: string, key: { hash: string; prefix: string }, role?: Role): Promise<ApiKeyRecord> {
    return this.prisma.$transaction(async (tx) => {
      const account = await tx.account.upsert({
        where: { name },
        create: { name, role: role ?? 'USER' },
        update: role ? { role } : {},
        select: { id: true },
      });
      return tx.apiKey.create({ data: { accountId: account.id, hash: key.hash, prefix: key.prefix }, select: KEY_FIELDS });
    });
  }

  /** Every key, by account name then age. */
  listKeys(): Promise<ApiKeyRecord[]> {
    return this.prisma.apiKey.findMany({ select: KEY_FIELDS, orderBy: [{ account: { name: 'asc' } }, { createdAt: 'asc' }] });
  }

  /** Revokes every unrevoked key of the account; null when there is no such account. */
  async revokeKeys(name: string): Promise<ApiKeyRecord[] | null> {
    const account = await this.findAccount(name);
    if (!account) return null;
    const now = new Date();
    const revoked = await this.prisma.apiKey.updateManyAndReturn({ where: { accountId: account.id, revokedAt: null }, data: { revokedAt: now }, select: { id: true } });
    return this.prisma.apiKey.findMany({ where: { id: { in: revoked.map((k) => k.id) } }, select: KEY_FIELDS, orderBy: { createdAt: 'asc' } });
  }
}
