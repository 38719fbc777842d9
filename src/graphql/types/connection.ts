// Relay cursor connections: one PageInfo, factories for a node type's edge and connection classes (so each
// paged list names only its node and its description), the usual paging arguments, how to fill a page, and
// the error for a cursor a list did not hand out.
import type { GraphQLError } from 'graphql';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../errors.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * Base of `XEdge`: the node and its cursor. An edge that says more (a score) adds fields in its subclass. The
 * base itself never reaches the SDL: only the named subclasses are referenced from the schema.
 */
export function EdgeType<TNode extends object>(nodeType: ClassType<TNode>) {
  @ObjectType()
  abstract class Edge {
    @Field(() => nodeType)
    node!: TNode;

    @Field(() => String)
    cursor!: string;
  }
  return Edge;
}

/** Base of `XConnection`: a page of edges, where the next page starts, and how many there are in all. */
export function ConnectionType<TEdge extends object>(edgeType: ClassType<TEdge>) {
  @ObjectType()
  abstract class Connection {
    @Field(() => [edgeType])
    edges!: TEdge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return Connection;
}

/** `first` and `after` of a paged query, 20 to a page unless asked otherwise. */
@ArgsType()
export class PageArgs {
  // Declared in the order the SDL lists them (type-graphql keeps declaration order).
  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { defaultValue: 20 })
  first!: number;
}

/** A connection of built edges; its end cursor is the page's own where it states one, else the last edge's. */
export function connection<TEdge extends { cursor: string }>(
  edges: TEdge[],
  page: { hasNextPage: boolean; totalCount: number; endCursor?: string | null },
): { edges: TEdge[]; pageInfo: PageInfo; totalCount: number } {
  const endCursor = page.endCursor === undefined ? (edges.at(-1)?.cursor ?? null) : page.endCursor;
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor }, totalCount: page.totalCount };
}

/** BAD_USER_INPUT on `after` for a cursor that `list` did not hand out (`detail`: what the decoder said). */
export function foreignCursor(list: string, detail?: string): GraphQLError {
  return badInput('after', `after is not a cursor from ${list}${detail === undefined ? '' : `: ${detail}`}`);
}
