import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Knex } from 'knex';

/**
 * Shared pieces of the bad-input sweeps: hostile values as fast-check
 * arbitraries, a tally of the cases tried, and a checksum of every table.
 */

/** Fixed seed: every run tries the same cases. */
export const BAD_INPUT_SEED = 20261122;

/** Cases per route or key: CI-sized by default, `BAD_INPUT_RUNS` for more. */
export function badInputRuns(fallback = 200): number {
  const n = Number(process.env.BAD_INPUT_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Strings that have broken parsers, routers, SQL and Unicode handling. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '.',
  '..',
  '../..',
  '../../etc/passwd',
  '\u0000',
  'a\u0000b',
  '%00',
  '%',
  "'",
  '"',
  '\\',
  '/',
  '?',
  '#',
  '*',
  '%_',
  'a%b_c',
  "' OR '1'='1",
  "x'); DROP TABLE compliance_results; --",
  '" OR ""="',
  '1; SELECT pg_sleep(1)',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e19',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '😀',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  'ǅ',
  'İ',
  'ß',
  'ﬀ',
  'Ⅻ',
  '\u202eevil',
  '\ufeff',
  '\ud800',
  '\udfff',
  'ＣＯＭＰＯＮＥＮＴ',
  '١٢٣',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  'component:default/payments-api',
  'a b',
  'a\nb',
  '\t',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(256),
  'a'.repeat(4000),
  '-'.repeat(100),
  `${'é'.repeat(500)}`,
];

/** A hostile string: a known troublemaker, random Unicode or a long run. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  {
    arbitrary: fc.string({
      unit: fc.constantFrom(...'.-_%/\\\'";:@!$&()*+,=[]{}<>~`^| '),
      maxLength: 24,
    }),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('a', '9', '.', '😀', 'é'), fc.nat({ max: 3000 }))
      .map(([c, n]) => c.repeat(n)),
    weight: 1,
  },
);

/** Path or query pieces sent as they are: broken or tricky percent-encodings. */
export const RAW_URL_PIECES: readonly string[] = [
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AE%C0%AE',
  '%ED%A0%80',
  '%FF',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  '%2f..%2f..',
  '%5C',
  '%25',
  '%0A',
  '%0D%0ASet-Cookie:x=1',
  '%u0000',
  '%%',
];

/**
 * Percent-encodes every byte outside the unreserved set, from the UTF-8 of
 * the string (a lone surrogate becomes U+FFFD, as a browser would send it).
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c)
      ? c
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** One URL piece, ready to put in a path or query: encoded or raw. */
export const urlPiece: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hostileString.map(percentEncode), weight: 5 },
  { arbitrary: fc.constantFrom(...RAW_URL_PIECES), weight: 1 },
);

/** Values for query parameters: numbers in every spelling, and worse. */
export const NUMBERISH: readonly string[] = [
  '1e19',
  '1e308',
  '1e309',
  '-1',
  '-0',
  '0',
  '1.5',
  '1e-7',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '0b11',
  '0o7',
  ' 1',
  '1 ',
  '1,2',
  '١',
  '１',
  '9'.repeat(400),
  '9007199254740993',
  '',
  'true',
  'null',
];

/** Checksum of every table of the database: what is there, row by row. */
export async function tableChecksums(
  knex: Knex,
): Promise<Record<string, { rows: number; sha256: string }>> {
  const client = String(knex.client.config.client);
  let names: string[];
  if (client.includes('sqlite')) {
    const rows = await knex('sqlite_master')
      .where({ type: 'table' })
      .whereNot('name', 'like', 'sqlite_%')
      .select('name');
    names = rows.map((r: { name: string }) => r.name);
  } else if (client === 'pg') {
    const rows = await knex('information_schema.tables')
      .whereRaw('table_schema = current_schema()')
      .select('table_name');
    names = rows.map((r: { table_name: string }) => r.table_name);
  } else {
    const rows = await knex('information_schema.tables')
      .whereRaw('table_schema = database()')
      .select({ table_name: 'TABLE_NAME' });
    names = rows.map((r: { table_name: string }) => r.table_name);
  }
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const name of names.sort()) {
    const rows: Array<Record<string, unknown>> = await knex(name).select();
    const lines = rows.map(r => stableJson(r)).sort();
    out[name] = {
      rows: rows.length,
      sha256: createHash('sha256').update(lines.join('\n')).digest('hex'),
    };
  }
  return out;
}

function stableJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('hex'));
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(
        k =>
          `${JSON.stringify(k)}:${stableJson(
            (value as Record<string, unknown>)[k],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** One answer that broke the rules, with what it takes to reproduce it. */
export interface BadAnswer {
  category: string;
  repro: string;
  problem: string;
}

/** Counts the cases tried per category and keeps the bad answers. */
export class SweepTally {
  readonly tried = new Map<string, number>();
  readonly serverErrors = new Map<string, number>();
  readonly bad: BadAnswer[] = [];
  readonly statuses = new Map<string, Map<string, number>>();

  count(category: string, status?: number | string) {
    this.tried.set(category, (this.tried.get(category) ?? 0) + 1);
    if (status !== undefined) {
      const byStatus = this.statuses.get(category) ?? new Map();
      byStatus.set(String(status), (byStatus.get(String(status)) ?? 0) + 1);
      this.statuses.set(category, byStatus);
    }
  }

  serverError(category: string) {
    this.serverErrors.set(category, (this.serverErrors.get(category) ?? 0) + 1);
  }

  fail(answer: BadAnswer) {
    this.bad.push(answer);
  }

  total(): number {
    return [...this.tried.values()].reduce((a, b) => a + b, 0);
  }

  /** The bad answers, one per distinct problem, for a readable failure. */
  distinctBad(limit = 20): BadAnswer[] {
    const seen = new Map<string, BadAnswer>();
    for (const b of this.bad) {
      const key = `${b.category}|${b.problem.replace(/"[^"]*"/g, '"…"')}`;
      if (!seen.has(key)) seen.set(key, b);
    }
    return [...seen.values()].slice(0, limit);
  }

  summary(): string {
    const lines = [...this.tried.entries()].map(
      ([c, n]) =>
        `  ${c}: ${n} cases, ${this.serverErrors.get(c) ?? 0} 5xx, ${
          this.bad.filter(b => b.category === c).length
        } bad (${[...(this.statuses.get(c) ?? new Map()).entries()]
          .sort()
          .map(([s, k]) => `${s}: ${k}`)
          .join(', ')})`,
    );
    return [
      `${this.total()} cases, ${[...this.serverErrors.values()].reduce(
        (a, b) => a + b,
        0,
      )} 5xx, ${this.bad.length} bad answers`,
      ...lines,
    ].join('\n');
  }
}

/** Sets a value deep in a JSON document (creating objects on the way). */
export function setIn(
  doc: unknown,
  path: ReadonlyArray<string | number>,
  value: unknown,
): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  let base: object;
  if (doc && typeof doc === 'object') base = doc;
  else base = typeof head === 'number' ? [] : {};
  const copy: any = Array.isArray(base) ? [...base] : { ...base };
  copy[head] = setIn(copy[head], rest, value);
  return copy;
}

/** An array nested `depth` deep, as JSON text and value. */
export function deepArray(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

/** An object nested `depth` deep: `{ a: { a: ... } }`. */
export function deepObject(depth: number): unknown {
  return JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}
