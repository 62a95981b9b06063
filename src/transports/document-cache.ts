import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

export type CheckedDocument = { document: DocumentNode; invalid: readonly GraphQLError[] } | { parseError: string };

/**
 * What an entry is counted as: its text at two bytes a character (a string's most), which also
 * stands for its syntax tree and errors (bounded by `LIMIT_TOKENS`, not by the text).
 */
const BYTES_PER_CHARACTER = 2;

/**
 * Documents already parsed and validated, by their text: subscribers of one document share its
 * syntax tree. Bounded by bytes, not by count, so a client sending large documents (valid or not)
 * cannot grow it past `maxBytes`: the least recently used go first, and a document larger than a
 * quarter of the bound is checked but not kept.
 */
export class DocumentCache {
  readonly #entries = new Map<string, CheckedDocument>();
  #bytes = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly maxTokens: number,
    private readonly maxBytes: number,
  ) {}

  /** Bytes the kept documents count for (never more than `maxBytes`). */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(query: string): CheckedDocument {
    const hit = this.#entries.get(query);
    if (hit) {
      // Most recently used last, so the oldest goes first when full.
      this.#entries.delete(query);
      this.#entries.set(query, hit);
      return hit;
    }
    let checked: CheckedDocument;
    try {
      const document = parse(query, { maxTokens: this.maxTokens });
      checked = { document, invalid: validate(this.schema, document, this.rules) };
    } catch (error) {
      checked = { parseError: error instanceof GraphQLError ? error.message : 'Cannot parse the document.' };
    }
    const bytes = query.length * BYTES_PER_CHARACTER;
    if (bytes > this.maxBytes / 4) return checked;
    for (const [oldest] of this.#entries) {
      if (this.#bytes + bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= oldest.length * BYTES_PER_CHARACTER;
    }
    this.#entries.set(query, checked);
    this.#bytes += bytes;
    return checked;
  }
}
