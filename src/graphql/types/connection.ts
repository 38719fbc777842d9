// Relay cursor connections: one PageInfo, factories for a node type's edge (plain or scored) and connection
// classes (so each paged list names only its node and its description), the usual paging arguments, how to
// fill a page, and the error for a cursor a list did not hand out.
import type { GraphQLError } from 'graphql';
import { ArgsType, Field, Float, Int, ObjectType, type ClassType } from 'type-graphql';
import { HYBRID_SEARCH_CANDIDATES, SEARCH_CANDIDATES } from '../../library/index.js';
import { badInput } from '../errors.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether items follow this page.' }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: "The last item's cursor: pass it as `after` for the next page. Null on an empty page." }) endCursor!: string | null;
}

/**
 * Base of `XEdge`: the node and its cursor. An edge that says more (a score) adds fields in its subclass. The
 * base itself never reaches the SDL: only the named subclasses are referenced from the schema.
 */
export function EdgeType<TNode extends object>(nodeType: ClassType<TNode>) {
  @ObjectType()
  abstract class Edge {
    @Field(() => nodeType) node!: TNode;
    @Field(() => String, { description: "The node's place in the list: pass it as `after` for the nodes after it." }) cursor!: string;
  }
  return Edge;
}

/** Base of `XEdge` for a list that can be sorted by relevance: the edge also carries its node's score. */
export function ScoredEdgeType<TNode extends object>(nodeType: ClassType<TNode>, scoreDescription: string) {
  @ObjectType()
  abstract class ScoredEdge extends EdgeType(nodeType) {
    @Field(() => Float, { nullable: true, description: scoreDescription }) score!: number | null;
  }
  return ScoredEdge;
}

/** Base of `XConnection`: a page of edges, where the next page starts, and how many there are in all. */
export function ConnectionType<TEdge extends object>(edgeType: ClassType<TEdge>) {
  @ObjectType()
  abstract class Connection {
    @Field(() => [edgeType]) edges!: TEdge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'Nodes in the whole list, not just this page (an estimate where totalCountIsExact is false).' }) totalCount!: number;
    @Field(() => Boolean, {
      description:
        `False when totalCount is an estimate: a text search ranks at most ${SEARCH_CANDIDATES} matches of each of its lists (a hybrid one ${HYBRID_SEARCH_CANDIDATES} of each word list), the most used (NEWEST: the newest), and counts a larger match from the database statistics, as search engines do.`,
    })
    totalCountIsExact!: boolean;
  }
  return Connection;
}

/** `first` and `after` of a paged query, 20 to a page unless asked otherwise. */
@ArgsType()
export class PageArgs {
  // Declared in the order the SDL lists them (type-graphql keeps declaration order).
  @Field(() => String, { nullable: true, description: "Where the page starts: the previous page's pageInfo.endCursor (none: at the start)." }) after?: string | null;
  @Field(() => Int, { defaultValue: 20, description: 'Page size, 1..100.' }) first!: number;
}

/** A connection of built edges; its end cursor is the page's own where it states one, else the last edge's. */
export function connection<TEdge extends { cursor: string }>(
  edges: TEdge[],
  page: { hasNextPage: boolean; totalCount: number; totalCountIsExact?: boolean; endCursor?: string | null },
): { edges: TEdge[]; pageInfo: PageInfo; totalCount: number; totalCountIsExact: boolean } {
  const endCursor = page.endCursor === undefined ? (edges.at(-1)?.cursor ?? null) : page.endCursor;
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor }, totalCount: page.totalCount, totalCountIsExact: page.totalCountIsExact ?? true };
}

/** BAD_USER_INPUT on `after` for a cursor that `list` did not hand out (`detail`: what the decoder said). */
export function foreignCursor(list: string, detail?: string): GraphQLError {
  return badInput('after', `after is not a cursor from ${list}${detail === undefined ? '' : `: ${detail}`}`);
}
