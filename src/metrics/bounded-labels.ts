/**
 * Label values chosen by clients (GraphQL operation names), kept to a bounded set: a name must look like a
 * GraphQL name of at most 64 characters, and only the first `max` distinct names get their own series; every
 * other name is counted as "other". Without the bound, a client sending random names would grow the
 * registry, and the scrape, without end.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const OTHER_LABEL = 'other';
/** An operation sent without a name. */
export const ANONYMOUS_LABEL = 'anonymous';

export class BoundedLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  label(name: string | null | undefined): string {
    if (name === null || name === undefined || name === '') return ANONYMOUS_LABEL;
    if (!NAME.test(name)) return OTHER_LABEL;
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.max) return OTHER_LABEL;
    this.seen.add(name);
    return name;
  }
}
