/**
 * The rules for text a client sends, whatever the field: no NUL character (U+0000), which PostgreSQL text
 * cannot hold, no lone UTF-16 surrogate (not text; the embedded database's driver mangles it), and no ID
 * longer than any id we issue.
 */
import {
  getNamedType,
  GraphQLID,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { isStorableText } from '../library/index.js';
import { badInput } from './errors.js';

/** Longer than any id the library issues (cuids are 25 characters): a longer one names nothing. */
export const MAX_ID_LENGTH = 128;

/** A value of type ID longer than MAX_ID_LENGTH: where it is, as findUnstorableText names places; null when none is. */
export function findOverlongId(schema: GraphQLSchema, document: DocumentNode, variables: unknown): string | null {
  let found: string | null = null;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node, _key, _parent, _path, ancestors) {
        const type = typeInfo.getInputType();
        if (found === null && type && getNamedType(type) === GraphQLID && node.value.length > MAX_ID_LENGTH) found = literalPath(ancestors);
      },
      VariableDefinition(node) {
        const type = typeFromAST(schema, node.type) as GraphQLInputType | undefined;
        const value = variables !== null && typeof variables === 'object' ? (variables as Record<string, unknown>)[node.variable.name.value] : undefined;
        if (found === null && type) found = overlongIdIn(value, type, `$${node.variable.name.value}`);
      },
    }),
  );
  return found;
}

export function overlongIdError(field: string): ReturnType<typeof badInput> {
  return badInput(field, `${field} is not an id: ids have at most ${MAX_ID_LENGTH} characters`, { max: MAX_ID_LENGTH });
}

function overlongIdIn(value: unknown, type: GraphQLInputType, path: string): string | null {
  const bare = isNonNullType(type) ? type.ofType : type;
  if (isListType(bare)) {
    if (!Array.isArray(value)) return overlongIdIn(value, bare.ofType, path);
    for (const [i, item] of value.entries()) {
      const found = overlongIdIn(item, bare.ofType, `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (isInputObjectType(bare)) {
    if (value === null || typeof value !== 'object') return null;
    for (const [name, field] of Object.entries(bare.getFields())) {
      const found = overlongIdIn((value as Record<string, unknown>)[name], field.type, `${path}.${name}`);
      if (found !== null) return found;
    }
    return null;
  }
  return bare === GraphQLID && typeof value === 'string' && value.length > MAX_ID_LENGTH ? path : null;
}

/**
 * Where the operation's text holds a NUL character or a lone surrogate: in a string literal of the document (named by its
 * argument and input fields) or in the variables (named `$variable.field[0]...`); null when nowhere. Checked
 * once per operation, before any resolver runs, so no such text reaches the database by any field.
 */
export function findUnstorableText(document: DocumentNode, variables: unknown): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node, _key, _parent, _path, ancestors) {
      if (found === null && !isStorableText(node.value)) found = literalPath(ancestors);
    },
  });
  return found ?? (variables !== null && typeof variables === 'object' ? findInValue(variables, '$') : null);
}

export function unstorableTextError(field: string): ReturnType<typeof badInput> {
  return badInput(field, `${field} contains a NUL character (U+0000) or a lone UTF-16 surrogate, which text here cannot hold`, { reason: 'UNSTORABLE_TEXT' });
}

/** Walked with a stack of its own: variables may nest deeper than the call stack goes (JSON.parse does not mind). */
function findInValue(root: unknown, rootPath: string): string | null {
  const pending: Array<[value: unknown, path: string]> = [[root, rootPath]];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push([value[i], `${path}[${i}]`]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value).reverse()) pending.push([item, path === '$' ? `$${key}` : `${path}.${key}`]);
    }
  }
  return null;
}

/** `input.prompt` for a literal inside `generate(input: { prompt: "..." })`. */
function literalPath(ancestors: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>): string {
  const names: string[] = [];
  for (const ancestor of ancestors) {
    if (Array.isArray(ancestor) || !('kind' in ancestor)) continue;
    const node = ancestor as ASTNode;
    if (node.kind === 'Argument' || node.kind === 'ObjectField') names.push(node.name.value);
    else if (node.kind === 'VariableDefinition') names.push(`$${node.variable.name.value}`);
  }
  return names.join('.') || 'query';
}
