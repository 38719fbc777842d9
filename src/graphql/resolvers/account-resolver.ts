// Who you are (viewer), and the API keys admins hand out and take back.
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { newApiKey } from '../../accounts/api-keys.js';
import { ACCOUNT_NAME, isAdmin, type Role } from '../../accounts/viewer.js';
import { LIMITS, USER_PRIORITY } from '../../generation/request-limits.js';
import type { ApiKeyRecord } from '../../library/index.js';
import type { AppContext } from '../context.js';
import { badInput, clientError, notFound } from '../errors.js';
import { ApiKey, CreatedApiKey, RoleEnum, ViewerInfo } from '../types/accounts.js';

@Resolver()
export class AccountResolver {
  @Query(() => ViewerInfo, { description: 'Who this request acts as, with the role and the limits that apply.' })
  async viewer(@Ctx() ctx: AppContext): Promise<ViewerInfo> {
    const { accountId, name, role } = ctx.viewer;
    const usage = await ctx.generations.accountUsage(accountId);
    const limits = { ...ctx.limits, queuedJobs: usage.queued, jobsLastMinute: usage.recent };
    return { id: accountId, name, role, limits: { ...limits, maxPriority: isAdmin(ctx.viewer) ? LIMITS.priority.max : USER_PRIORITY.max } };
  }

  @Query(() => [ApiKey], { description: 'Admins: every API key (without the keys themselves), by account.' })
  async apiKeys(@Ctx() ctx: AppContext): Promise<ApiKey[]> {
    requireAdmin(ctx);
    return (await ctx.accounts.listKeys()).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey, {
    description: 'Admins: a new API key for the account `account`, which is created (with `role`, default USER) when it does not exist. The key is in the answer only.',
  })
  async createApiKey(
    @Arg('account', () => String) account: string,
    @Ctx() ctx: AppContext,
    @Arg('role', () => RoleEnum, { nullable: true, description: 'For a new account (default USER), or to change an existing one.' }) role?: Role | null,
  ): Promise<CreatedApiKey> {
    requireAdmin(ctx);
    if (!ACCOUNT_NAME.test(account)) throw badInput('account', 'an account name has 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit', { min: 1, max: 64 });
    const key = newApiKey();
    const record = await ctx.accounts.addKey(account, key, role ?? undefined);
    return { key: key.key, apiKey: toApiKey(record) };
  }

  @Mutation(() => [ApiKey], { description: "Admins: revokes every key of the account; returns the keys revoked. The account's work stays." })
  async revokeApiKeys(@Arg('account', () => String) account: string, @Ctx() ctx: AppContext): Promise<ApiKey[]> {
    requireAdmin(ctx);
    const revoked = await ctx.accounts.revokeKeys(account);
    if (!revoked) throw notFound('account', account);
    return revoked.map(toApiKey);
  }
}

/** Role-gated operations name no resource, so FORBIDDEN tells nothing that NOT_FOUND would hide. */
function requireAdmin(ctx: AppContext): void {
  if (!isAdmin(ctx.viewer)) throw clientError('FORBIDDEN', 'only an admin may manage API keys', { requiredRole: 'ADMIN' });
}

function toApiKey(record: ApiKeyRecord): ApiKey {
  return { id: record.id, prefix: record.prefix, createdAt: record.createdAt, revokedAt: record.revokedAt, account: record.account };
}
