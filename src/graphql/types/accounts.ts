// Accounts as the API shows them: the viewer, roles, API keys, visibility and search scopes.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ROLES, SEARCH_SCOPES, type Role, type SearchScope } from '../../accounts/viewer.js';
import { VISIBILITIES, type Visibility } from '../../generation/job.js';
import { enumOf } from './enums.js';

export const RoleEnum = enumOf('Role', ROLES, 'ADMIN: sees and manages every account\'s work and the API keys. USER: sees and touches only their own work (and the public gallery).');

export const VisibilityEnum = enumOf(
  'Visibility',
  VISIBILITIES,
  'PRIVATE (default): only its owner (and admins) see it. PUBLIC: in the shared gallery, which every account can search, view and remix.',
);

export const SearchScopeEnum = enumOf(
  'SearchScope',
  SEARCH_SCOPES,
  "Whose work a search looks at. MINE (default): your own (an admin's own is every account's). PUBLIC: the shared gallery, public generations of every account. ALL: yours and the gallery.",
);

@ObjectType({ description: 'The limits that apply to the viewer, and how much of them is used now.' })
export class ViewerLimits {
  @Field(() => Int, { description: 'Jobs the server queue holds at most, for all accounts together (QUEUE_FULL beyond).' }) maxQueuedJobs!: number;
  @Field(() => Int, { description: 'Jobs one USER account may have queued at once (QUEUE_FULL, reason ACCOUNT_QUEUE_FULL, beyond); admins are bound by maxQueuedJobs only.' }) maxQueuedJobsPerAccount!: number;
  @Field(() => Int, { description: 'Your jobs queued now (not yet running).' }) queuedJobs!: number;
  @Field(() => Int, { description: 'Jobs one USER account may queue in any 60 seconds (RATE_LIMITED with retryAfter beyond); admins are not counted.' }) maxJobsPerMinute!: number;
  @Field(() => Int, { description: 'Your jobs queued in the last 60 seconds.' }) jobsLastMinute!: number;
  @Field(() => Float, { description: 'The most one job may cost: width x height x steps x batchSize, where 512x512 x 20 steps x 1 image costs 1 (BAD_USER_INPUT on `cost` beyond).' }) maxJobCost!: number;
  @Field(() => Int, { description: 'The highest priority you may give a job: 100 for admins, 0 for users.' }) maxPriority!: number;
  @Field(() => Int, { description: 'GraphQL HTTP requests per minute (per account; per client address with auth off); the x-ratelimit-* headers count them.' }) requestsPerMinute!: number;
}

/** What every view of an account starts with: inherited fields come first, and this class alone is in no schema. */
@ObjectType()
abstract class AccountFields {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Unique: what createApiKey and revokeApiKeys take as `account`. The built-in admin is `local`.' }) name!: string;
  @Field(() => RoleEnum) role!: Role;
}

@ObjectType({ description: 'Who the request acts as: the account of its API key (with auth off, the built-in admin `local`).' })
export class ViewerInfo extends AccountFields {
  @Field(() => ViewerLimits) limits!: ViewerLimits;
}

@ObjectType({ description: 'An account, as admins see it.' })
export class Account extends AccountFields {
  @Field(() => Date, { description: 'When the account was created: with its first API key (`local` comes with the database).' }) createdAt!: Date;
}

@ObjectType({ description: 'An API key, without the key itself (only its hash is stored).' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The first characters of the key, to tell keys apart.' }) prefix!: string;
  @Field(() => Account, { description: 'The account the key acts as.' }) account!: Account;
  @Field(() => Date, { description: 'When it was made (by createApiKey or `npm run keys`).' }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When it was revoked; a revoked key authenticates nobody.' }) revokedAt!: Date | null;
}

@ObjectType({ description: 'A new API key: `key` is shown this once and cannot be read again.' })
export class CreatedApiKey {
  @Field(() => String, { description: 'Send it as `Authorization: Bearer KEY` (graphql-ws: connection params { authorization: "Bearer KEY" }).' }) key!: string;
  @Field(() => ApiKey, { description: 'The new key as `apiKeys` lists it.' }) apiKey!: ApiKey;
}

export type { SearchScope, Visibility };
