// GraphQL enums in one call each: the members registered with type-graphql under their SDL name, and returned
// as a plain object that doubles as the TypeScript type of its values.
import { registerEnumType } from 'type-graphql';

/** The value type of an enum made here, e.g. `EnumValue<typeof ModelFamilyEnum>` = 'sd1' | 'sd2' | 'sdxl'. */
export type EnumValue<TMembers> = TMembers[keyof TMembers];

/** An enum whose SDL names map to other values (`SD1` -> 'sd1'). */
export function graphqlEnum<const TMembers extends Record<string, string>>(name: string, members: TMembers, description?: string): TMembers {
  registerEnumType(members, { name, description });
  return members;
}

/** An enum whose SDL names are the values themselves, made from the domain's list of them (QUEUED, RUNNING, ...). */
export function enumOf<const TValue extends string>(name: string, values: readonly TValue[], description?: string): { [K in TValue]: K } {
  return graphqlEnum(name, Object.fromEntries(values.map((value) => [value, value])) as { [K in TValue]: K }, description);
}
