/** The longest term stored or searched (code points). */
export const MAX_TERM_LENGTH = 100;
/** At most this many terms per entity (bounded input from the catalog). */
const MAX_TERMS = 40;

/** The normalized form of a search text or term: lower case, trimmed, bounded. */
export function normalizeSearchText(text: string): string {
  return Array.from(text.normalize('NFKC').toLocaleLowerCase('en-US').trim())
    .slice(0, MAX_TERM_LENGTH)
    .join('');
}

/**
 * The search terms of an entity: every suffix of its name and title that
 * starts a word (after a space, `-`, `_`, `.`, `/` or `:`). A search for `p`
 * then matches the entities with a term starting with `p`, which a range
 * over an ordinary index answers on every database. Pure.
 */
export function searchTermsOf(name: string, title?: string | null): string[] {
  const terms = new Set<string>();
  for (const text of [name, title ?? '']) {
    const chars = Array.from(normalizeSearchText(text));
    for (let i = 0; i < chars.length && terms.size < MAX_TERMS; i++) {
      const startsWord = i === 0 || /[\s\-_./:]/.test(chars[i - 1]);
      if (startsWord && !/\s/.test(chars[i])) {
        terms.add(chars.slice(i).join('').trimEnd());
      }
    }
  }
  terms.delete('');
  return [...terms];
}

/**
 * The half-open range `[low, high)` of strings that start with `prefix`,
 * in code point order (what SQLite's BINARY and PostgreSQL's "C" collation
 * compare by): the upper bound is the prefix with its last code point
 * incremented. Undefined high means no upper bound.
 */
export function prefixRange(prefix: string): { low: string; high?: string } {
  const chars = Array.from(prefix);
  while (chars.length) {
    const last = chars.pop()!.codePointAt(0)!;
    let next = last + 1;
    // Skip the surrogate range, which no valid string holds.
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) {
      return { low: prefix, high: chars.join('') + String.fromCodePoint(next) };
    }
  }
  return { low: prefix };
}
