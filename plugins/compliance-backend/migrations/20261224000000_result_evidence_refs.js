// @ts-check

/**
 * Results reference the evidence they were evaluated on instead of copying
 * it. A result's `evidence` becomes a JSON array of `[factId, hash]`
 * references (the first 16 hex digits of the sha256 of the evidence's
 * canonical JSON), resolved when reading against the current fact and,
 * when the fact changed since, its history. The fact history therefore
 * records every state a fact row takes, with the message and the age of a
 * kept last good value (new columns), so each state is rebuilt exactly.
 *
 * Up: adds the history columns; records the current state of each fact
 * the history cannot rebuild yet; turns each copied piece of evidence that
 * matches a stored fact state into a reference (one that matches none
 * stays a copy, which readers show as it is). Down: resolves references
 * back into copies and drops the columns.
 *
 * The hashing and the rebuilding of evidence mirror src/lib/hash.ts and
 * src/lib/evidenceRefs.ts, which must stay in step with this file.
 */

const crypto = require('node:crypto');

const PAGE = 500;
const HEX = 16;

/** @param {unknown} value @returns {string} */
function stableStringify(value) {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => {
      if (a === b) return 0;
      return a < b ? -1 : 1;
    });
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`)
    .join(',')}}`;
}

/** @param {any} e */
function refHash(e) {
  const { people: _people, ...shown } = e;
  return crypto
    .createHash('sha256')
    .update(stableStringify(shown))
    .digest('hex')
    .slice(0, HEX);
}

/** @param {any} value @returns {string | undefined} */
function toIso(value) {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const d = new Date(
    /^\d+$/.test(value) ? Number(value) : value.replace(' ', 'T'),
  );
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** @param {string | null} text @param {any} fallback */
function parse(text, fallback) {
  if (text === null || text === undefined) return fallback;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/**
 * The evidence a fact state gives a result (toEvaluationFact + toEvidence).
 * @param {any} r a row of compliance_facts or compliance_fact_history
 */
function evidenceOf(r) {
  const known = r.value !== null;
  const stale = known && r.unknown_reason !== null;
  const lastGood = toIso(r.last_good_observed_at);
  const observedAt = lastGood && stale ? lastGood : toIso(r.observed_at);
  const evidence = r.evidence ? parse(r.evidence, {}) : undefined;
  return {
    factId: r.fact_id,
    value: known ? parse(r.value, null) : null,
    ...(r.unknown_reason ? { unknownReason: r.unknown_reason } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(observedAt ? { observedAt } : {}),
    ...(evidence ? { evidence } : {}),
  };
}

const key = (/** @type {string} */ ref, /** @type {string} */ id) =>
  `${ref}\u0000${id}`;

/** @param {any[]} items @param {number} size */
function chunks(items, size = 400) {
  const out = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/**
 * Candidate evidence by entity, fact and hash: the current facts of the
 * given entities, then their history (newest first).
 * @param {import('knex').Knex} knex
 * @param {string[]} refs
 * @param {string[]} factIds
 * @param {boolean} withHistory
 */
async function candidates(knex, refs, factIds, withHistory) {
  /** @type {Map<string, Map<string, any>>} */
  const out = new Map();
  /** @param {any} row */
  const add = row => {
    const e = evidenceOf(row);
    const k = key(row.entity_ref, row.fact_id);
    const byHash = out.get(k) ?? new Map();
    const h = refHash(e);
    if (!byHash.has(h)) byHash.set(h, e);
    out.set(k, byHash);
  };
  for (const part of chunks(refs)) {
    for (const ids of chunks(factIds)) {
      const current = await knex('compliance_facts')
        .whereIn('entity_ref', part)
        .whereIn('fact_id', ids);
      current.forEach(add);
      if (withHistory) {
        const history = await knex('compliance_fact_history')
          .whereIn('entity_ref', part)
          .whereIn('fact_id', ids)
          .orderBy('id', 'desc');
        history.forEach(add);
      }
    }
  }
  return out;
}

/**
 * Every result row, a page at a time, rewritten by `convert` (which
 * returns the new evidence text, or undefined to keep the row).
 * @param {import('knex').Knex} knex
 * @param {(rows: any[]) => Promise<Array<string | undefined>>} convert
 */
async function eachResultPage(knex, convert) {
  let after = { entity_ref: '', control_id: '' };
  for (;;) {
    const { entity_ref: ref, control_id: id } = after;
    const rows = await knex('compliance_results')
      .where(q =>
        q
          .where('entity_ref', '>', ref)
          .orWhere(w =>
            w.where('entity_ref', ref).where('control_id', '>', id),
          ),
      )
      .orderBy(['entity_ref', 'control_id'])
      .limit(PAGE)
      .select('entity_ref', 'control_id', 'evidence');
    if (rows.length === 0) return;
    const next = await convert(rows);
    for (let i = 0; i < rows.length; i++) {
      if (next[i] === undefined || next[i] === rows[i].evidence) continue;
      await knex('compliance_results')
        .where({
          entity_ref: rows[i].entity_ref,
          control_id: rows[i].control_id,
        })
        .update({ evidence: next[i] });
    }
    after = rows[rows.length - 1];
  }
}

/** Records the current state of each fact its latest history row does not rebuild. @param {import('knex').Knex} knex */
async function recordCurrentStates(knex) {
  let after = { entity_ref: '', fact_id: '' };
  for (;;) {
    const { entity_ref: ref, fact_id: id } = after;
    const facts = await knex('compliance_facts')
      .where(q =>
        q
          .where('entity_ref', '>', ref)
          .orWhere(w => w.where('entity_ref', ref).where('fact_id', '>', id)),
      )
      .orderBy(['entity_ref', 'fact_id'])
      .limit(PAGE);
    if (facts.length === 0) return;
    const refs = [...new Set(facts.map(f => f.entity_ref))];
    const ids = [...new Set(facts.map(f => f.fact_id))];
    /** @type {Map<string, any>} */
    const latest = new Map();
    for (const part of chunks(refs)) {
      for (const idPart of chunks(ids)) {
        const rows = await knex('compliance_fact_history')
          .whereIn('entity_ref', part)
          .whereIn('fact_id', idPart)
          .orderBy('id', 'desc');
        for (const h of rows) {
          const k = key(h.entity_ref, h.fact_id);
          if (!latest.has(k)) latest.set(k, h);
        }
      }
    }
    const missing = facts.filter(f => {
      const h = latest.get(key(f.entity_ref, f.fact_id));
      return !h || refHash(evidenceOf(h)) !== refHash(evidenceOf(f));
    });
    const records = missing.map(f => {
      const stale = f.value !== null && f.unknown_reason !== null;
      return {
        entity_ref: f.entity_ref,
        fact_id: f.fact_id,
        collector_id: f.collector_id,
        value: f.value,
        value_hash: crypto
          .createHash('sha256')
          .update(
            stableStringify({
              value: f.value === null ? null : parse(f.value, null),
              unknownReason: f.unknown_reason ?? null,
            }),
          )
          .digest('hex'),
        unknown_reason: f.unknown_reason,
        message: f.message,
        last_good_observed_at: stale ? f.last_good_observed_at : null,
        evidence: f.evidence,
        observed_at: f.observed_at,
      };
    });
    for (const part of chunks(records, 100)) {
      await knex('compliance_fact_history').insert(part);
    }
    after = facts[facts.length - 1];
  }
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('compliance_fact_history', table => {
    table.text('message').nullable();
    table
      .timestamp('last_good_observed_at', { useTz: true })
      .nullable()
      .comment('For a kept last good value: when it was observed');
  });
  await recordCurrentStates(knex);
  await eachResultPage(knex, async rows => {
    const parsed = rows.map(r => parse(r.evidence, []));
    const refs = new Set();
    const ids = new Set();
    rows.forEach((r, i) => {
      if (!Array.isArray(parsed[i])) return;
      for (const e of parsed[i]) {
        if (e && typeof e === 'object' && !Array.isArray(e)) {
          refs.add(r.entity_ref);
          ids.add(e.factId);
        }
      }
    });
    const found = await candidates(knex, [...refs], [...ids], true);
    return rows.map((r, i) => {
      if (!Array.isArray(parsed[i])) return undefined;
      return JSON.stringify(
        parsed[i].map((/** @type {any} */ e) => {
          if (!e || typeof e !== 'object' || Array.isArray(e)) return e;
          const h = refHash(e);
          return found.get(key(r.entity_ref, e.factId))?.has(h)
            ? [e.factId, h]
            : e;
        }),
      );
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await eachResultPage(knex, async rows => {
    const parsed = rows.map(r => parse(r.evidence, []));
    const refs = new Set();
    const ids = new Set();
    rows.forEach((r, i) => {
      if (!Array.isArray(parsed[i])) return;
      for (const e of parsed[i]) {
        if (Array.isArray(e)) {
          refs.add(r.entity_ref);
          ids.add(e[0]);
        }
      }
    });
    const found = await candidates(knex, [...refs], [...ids], true);
    return rows.map((r, i) => {
      if (!Array.isArray(parsed[i])) return undefined;
      return JSON.stringify(
        parsed[i].map((/** @type {any} */ e) => {
          if (!Array.isArray(e)) return e;
          return (
            found.get(key(r.entity_ref, e[0]))?.get(e[1]) ?? {
              factId: e[0],
              value: null,
              message:
                'The evidence this result was evaluated on is no longer stored (fact history retention).',
            }
          );
        }),
      );
    });
  });
  await knex.schema.alterTable('compliance_fact_history', table => {
    table.dropColumn('last_good_observed_at');
    table.dropColumn('message');
  });
};
