import type { Knex } from 'knex';
import { resolveResultEvidence } from '../database/resultEvidence';

/**
 * Reads the compliance tables as comparable, time-free rows, counts rows
 * that break a key, and lists half-written entities. Shared by the
 * multi-replica and crash tests.
 */

/** The primary or unique key of every compliance table that has one. */
export const TABLE_KEYS: Record<string, string[]> = {
  compliance_entities: ['entity_ref'],
  compliance_facts: ['entity_ref', 'fact_id'],
  compliance_results: ['entity_ref', 'control_id'],
  compliance_framework_scores: ['entity_ref', 'framework'],
  compliance_history: ['entity_ref', 'day'],
  compliance_status_changes: [
    'entity_ref',
    'control_id',
    'changed_at',
    'to_status',
  ],
  compliance_collector_state: ['collector_id', 'key'],
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const time = (v: unknown) =>
  v === null || v === undefined ? 0 : new Date(v as any).getTime();

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Evidence without observation times, which differ between runs. */
function timelessEvidence(text: unknown): string {
  const evidence = parseJson(text);
  if (!Array.isArray(evidence)) return JSON.stringify(evidence);
  return JSON.stringify(
    evidence.map(e => {
      const { observedAt: _o, ...rest } = e as Record<string, unknown>;
      return rest;
    }),
  );
}

/** The comparable state of a compliance database: sorted lines per aspect. */
export interface ComplianceState {
  entities: string[];
  scores: string[];
  results: string[];
  frameworkScores: string[];
  facts: string[];
  factHistory: string[];
  ledger: string[];
  history: string[];
}

/** Reads the time-free state; `ledgerSince` keeps ledger rows changed after it. */
export async function readState(
  knex: Knex,
  options: { ledgerSince?: Date } = {},
): Promise<ComplianceState> {
  const sorted = (lines: string[]) => lines.sort();
  const entities = await knex('compliance_entities').select();
  const results = await knex('compliance_results').select();
  // Results reference fact states by hashes that cover observation times:
  // compared as the evidence they resolve to.
  const evidence = await resolveResultEvidence(knex, results);
  const frameworks = await knex('compliance_framework_scores').select();
  const facts = await knex('compliance_facts').select();
  const factHistory = await knex('compliance_fact_history').select();
  const ledger = await knex('compliance_status_changes').select();
  const history = await knex('compliance_history').select();
  const lastDay = new Map<string, string>();
  for (const h of history) {
    if ((lastDay.get(h.entity_ref) ?? '') < h.day) {
      lastDay.set(h.entity_ref, h.day);
    }
  }
  const since = options.ledgerSince?.getTime() ?? -Infinity;
  return {
    entities: sorted(
      entities.map(e =>
        [e.entity_ref, e.kind, e.owner, e.system, e.entity_hash].join('|'),
      ),
    ),
    scores: sorted(
      entities.map(e =>
        JSON.stringify([
          e.entity_ref,
          num(e.score),
          num(e.coverage),
          e.level,
          num(e.pass_count),
          num(e.warn_count),
          num(e.fail_count),
          num(e.unknown_count),
          num(e.na_count),
          num(e.waived_count),
          // The inputs hash covers observation times, which differ between runs.
          e.inputs_hash !== null,
          parseJson(e.summary_json),
          Boolean(e.dirty),
        ]),
      ),
    ),
    results: sorted(
      results.map((r, i) =>
        [
          r.entity_ref,
          r.control_id,
          r.status,
          r.unknown_reason,
          r.reason,
          r.control_version,
          timelessEvidence(JSON.stringify(evidence[i])),
        ].join('|'),
      ),
    ),
    frameworkScores: sorted(
      frameworks.map(f =>
        JSON.stringify([
          f.entity_ref,
          f.framework,
          num(f.score),
          num(f.coverage),
        ]),
      ),
    ),
    facts: sorted(
      facts.map(f =>
        [
          f.entity_ref,
          f.fact_id,
          f.collector_id,
          f.value,
          f.value_hash,
          f.unknown_reason,
          f.message,
          f.last_good_value,
        ].join('|'),
      ),
    ),
    factHistory: sorted(
      factHistory.map(h =>
        [h.entity_ref, h.fact_id, h.value, h.unknown_reason].join('|'),
      ),
    ),
    ledger: sorted(
      ledger
        .filter(c => time(c.changed_at) > since)
        .map(c =>
          [
            c.entity_ref,
            c.control_id,
            c.from_status,
            c.to_status,
            c.cause,
            c.reason,
            c.control_version,
          ].join('|'),
        ),
    ),
    history: sorted(
      history
        .filter(h => lastDay.get(h.entity_ref) === h.day)
        .map(h =>
          JSON.stringify([
            h.entity_ref,
            num(h.score),
            num(h.coverage),
            h.level,
            parseJson(h.counts),
          ]),
        ),
    ),
  };
}

/** Lines only on one side of each aspect (as multisets), with a few examples. */
export function diffStates(
  left: ComplianceState,
  right: ComplianceState,
): Record<string, { onlyLeft: number; onlyRight: number; examples: string[] }> {
  const out: Record<
    string,
    { onlyLeft: number; onlyRight: number; examples: string[] }
  > = {};
  for (const aspect of Object.keys(left) as Array<keyof ComplianceState>) {
    const counts = new Map<string, number>();
    for (const l of left[aspect]) counts.set(l, (counts.get(l) ?? 0) + 1);
    for (const r of right[aspect]) counts.set(r, (counts.get(r) ?? 0) - 1);
    let onlyLeft = 0;
    let onlyRight = 0;
    const examples: string[] = [];
    for (const [line, n] of counts) {
      if (n === 0) continue;
      if (n > 0) onlyLeft += n;
      else onlyRight -= n;
      if (examples.length < 4) examples.push(`${n > 0 ? '-' : '+'} ${line}`);
    }
    if (onlyLeft || onlyRight) out[aspect] = { onlyLeft, onlyRight, examples };
  }
  return out;
}

/** Rows beyond the first per key, per table (0 everywhere when none). */
export async function duplicateRows(
  knex: Knex,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [table, key] of Object.entries(TABLE_KEYS)) {
    const groups = await knex(table)
      .select(key)
      .count({ n: '*' })
      .groupBy(key)
      .havingRaw('count(*) > 1');
    out[table] = groups.reduce((sum, g) => sum + Number(g.n) - 1, 0);
  }
  return out;
}

/**
 * Ledger and fact-history rows that record a change twice: per entity and
 * control, every ledger entry starts where the previous one ended, never
 * stays on the same status, and the last one ends at the current result;
 * per entity and fact, consecutive history rows differ.
 */
export async function changeChainViolations(knex: Knex): Promise<string[]> {
  const out: string[] = [];
  const ledger = await knex('compliance_status_changes').select();
  ledger.sort(
    (a, b) =>
      time(a.changed_at) - time(b.changed_at) || Number(a.id) - Number(b.id),
  );
  const results = new Map<string, string>();
  for (const r of await knex('compliance_results').select()) {
    results.set(`${r.entity_ref}|${r.control_id}`, r.status);
  }
  const lastTo = new Map<string, string>();
  for (const c of ledger) {
    const key = `${c.entity_ref}|${c.control_id}`;
    if (c.from_status === c.to_status) {
      out.push(`ledger ${key}: ${c.from_status} -> ${c.to_status}`);
    }
    const prev = lastTo.get(key);
    if (prev !== undefined && prev !== c.from_status) {
      out.push(
        `ledger ${key}: entry from ${c.from_status} after one that ended at ${prev}`,
      );
    }
    lastTo.set(key, c.to_status);
  }
  for (const [key, to] of lastTo) {
    const status = results.get(key);
    if (status !== undefined && status !== to) {
      out.push(`ledger ${key}: ends at ${to}, result is ${status}`);
    }
  }
  const history = await knex('compliance_fact_history').select();
  history.sort((a, b) => Number(a.id) - Number(b.id));
  const lastValue = new Map<string, string>();
  for (const h of history) {
    const key = `${h.entity_ref}|${h.fact_id}`;
    // A state is the value, the unknown reason and the message.
    const value = `${h.value}|${h.unknown_reason}|${h.message ?? null}`;
    if (lastValue.get(key) === value) {
      out.push(`fact history ${key}: ${value} recorded twice in a row`);
    }
    lastValue.set(key, value);
  }
  return out;
}

/**
 * Entities whose evaluation is half-written: results without a score, a
 * score whose results or framework scores are missing, counts that do not
 * match the results, a clean entity never scored, data of an entity that
 * does not exist.
 */
export async function halfWrittenEntities(knex: Knex): Promise<string[]> {
  const out: string[] = [];
  const entities = await knex('compliance_entities').select();
  const byRef = new Map(entities.map(e => [e.entity_ref, e]));
  const resultCounts = new Map<string, Record<string, number>>();
  for (const r of await knex('compliance_results').select(
    'entity_ref',
    'status',
  )) {
    const c = resultCounts.get(r.entity_ref) ?? {};
    c[r.status] = (c[r.status] ?? 0) + 1;
    resultCounts.set(r.entity_ref, c);
  }
  const frameworkCounts = new Map<string, number>();
  for (const f of await knex('compliance_framework_scores').select(
    'entity_ref',
  )) {
    frameworkCounts.set(
      f.entity_ref,
      (frameworkCounts.get(f.entity_ref) ?? 0) + 1,
    );
  }
  for (const ref of new Set([
    ...resultCounts.keys(),
    ...frameworkCounts.keys(),
  ])) {
    if (!byRef.has(ref)) out.push(`${ref}: results or scores of no entity`);
  }
  for (const e of entities) {
    const ref = e.entity_ref;
    const counts = resultCounts.get(ref);
    const scored = e.inputs_hash !== null;
    if (!scored) {
      if (counts) out.push(`${ref}: results without a score`);
      if (frameworkCounts.has(ref)) {
        out.push(`${ref}: framework scores without a score`);
      }
      if (!e.dirty) out.push(`${ref}: clean but never scored`);
      continue;
    }
    if (!counts) {
      out.push(`${ref}: a score without results`);
      continue;
    }
    const expected = {
      pass: num(e.pass_count),
      warn: num(e.warn_count),
      fail: num(e.fail_count),
      unknown: num(e.unknown_count),
      not_applicable: num(e.na_count),
      waived: num(e.waived_count),
    };
    for (const [status, n] of Object.entries(expected)) {
      if ((counts[status] ?? 0) !== n) {
        out.push(
          `${ref}: ${n} ${status} in the score, ${counts[status] ?? 0} results`,
        );
      }
    }
    const summary = parseJson(e.summary_json) as {
      frameworks?: Record<string, unknown>;
    } | null;
    const frameworks = Object.keys(summary?.frameworks ?? {}).length;
    if ((frameworkCounts.get(ref) ?? 0) !== frameworks) {
      out.push(
        `${ref}: ${frameworks} frameworks in the score, ${
          frameworkCounts.get(ref) ?? 0
        } framework rows`,
      );
    }
  }
  return out;
}
