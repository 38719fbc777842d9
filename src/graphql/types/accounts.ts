// Accounts as the API shows them: the viewer, roles, API keys, visibility and search scopes.
import { Field, ID, Int, ObjectType } from 'type-graphql';
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

@ObjectType({ description: 'What applies to the viewer today.' })
export class ViewerLimits {
  @Field(() => Int, { description: 'Jobs the server queue holds at most (QUEUE_FULL beyond).' })
  maxQueuedJobs!: number;
}

@ObjectType({ description: 'Who the request acts as: the account of its API key (with auth off, the built-in admin `local`).' })
export class ViewerInfo {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ViewerLimits)
  limits!: ViewerLimits;
}

@ObjectType({ description: 'An account, as admins see it.' })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'An API key, without the key itself (only its hash is stored).' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @Field(() => Account)
  account!: Account;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was revoked; a revoked key authenticates nobody.' })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A new API key: `key` is shown this once and cannot be read again.' })
export class CreatedApiKey {
  @Field(() => String, { description: 'Send it as `Authorization: Bearer KEY` (graphql-ws: connection params { authorization: "Bearer KEY" }).' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

export type { SearchScope, Visibility };
