/** The rule for text a client sends: no NUL character (U+0000) anywhere, since PostgreSQL text cannot hold one. */
import { visit, type ASTNode, type DocumentNode } from 'graphql';
import { badInput } from './errors.js';

/**
 * Where the operation's text holds a NUL character: in a string literal of the document (named by its
 * argument and input fields) or in the variables (named `$variable.field[0]...`); null when nowhere. Checked
 * once per operation, before any resolver runs, so no NUL reaches the database by any field.
 */
export function findNulCharacter(document: DocumentNode, variables: unknown): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node, _key, _parent, _path, ancestors) {
      if (found === null && node.value.includes('\0')) found = literalPath(ancestors);
    },
  });
  return found ?? (variables !== null && typeof variables === 'object' ? findInValue(variables, '$') : null);
}

export function nulCharacterError(field: string): ReturnType<typeof badInput> {
  return badInput(field, `${field} contains a NUL character (U+0000), which text here cannot hold`, { reason: 'NUL_CHARACTER' });
}

function findInValue(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findInValue(item, `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findInValue(item, path === '$' ? `$${key}` : `${path}.${key}`);
      if (found !== null) return found;
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
