import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type {
  ComplianceStatus,
  ControlResult,
  EntityComplianceSummary,
  HistoryPoint,
  JsonValue,
  StatusChange,
  StatusCounts,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import type { EntitySnapshot } from '../lib/evaluate';
import { hashOf } from '../lib/hash';
import type {
  ComplianceStore,
  EntityEvaluationWrite,
  FactWrite,
  OverviewFilter,
  RunRecord,
  StoredFact,
} from './ComplianceStore';

const migrationsDir = resolvePackagePath(
  'backstage-plugin-compliance-backend',
  'migrations',
);

/** Unknown reasons that keep the last good value for evaluation. */
const TRANSIENT_REASONS: ReadonlySet<string> = new Set([
  'rate_limited',
  'error',
]);
const CHUNK = 400;

type Timestamp = Date | string | number;

interface EntityRow {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  lifecycle: string | null;
  type: string | null;
  entity_json: string;
  entity_hash: string;
  score: number | null;
  coverage: number;
  level: string | null;
  pass_count: number;
  warn_count: number;
  fail_count: number;
  unknown_count: number;
  na_count: number;
  waived_count: number;
  summary_json: string | null;
  inputs_hash: string | null;
  dirty: boolean | number;
  facts_changed_at: Timestamp | null;
  evaluated_at: Timestamp | null;
  last_seen_at: Timestamp;
}

interface FactRow {
  entity_ref: string;
  fact_id: string;
  collector_id: string;
  value: string | null;
  value_hash: string;
  unknown_reason: string | null;
  message: string | null;
  last_good_value: string | null;
  last_good_observed_at: Timestamp | null;
  evidence: string | null;
  observed_at: Timestamp;
  changed_at: Timestamp;
}

interface ResultRow {
  entity_ref: string;
  control_id: string;
  status: string;
  reason: string;
  unknown_reason: string | null;
  evidence: string;
  control_version: string;
  result_hash: string;
  evaluated_at: Timestamp;
  status_since: Timestamp;
}

interface ChangeRow {
  entity_ref: string;
  control_id: string;
  from_status: string | null;
  to_status: string;
  cause: string;
  reason: string;
  control_version: string;
  changed_at: Timestamp;
}

interface HistoryRow {
  entity_ref: string;
  day: string;
  score: number | null;
  coverage: number;
  level: string | null;
  counts: string;
}

interface RunRow {
  id: string | number;
  collector_id: string;
  status: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  entities_processed: number;
  facts_written: number;
  errors: number;
  message: string | null;
}

function toIso(value: Timestamp): string;
function toIso(value: Timestamp | null | undefined): string | undefined;
function toIso(value: Timestamp | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const d = new Date(
    /^\d+$/.test(value) ? Number(value) : value.replace(' ', 'T'),
  );
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

function parse<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

function countsOf(row: EntityRow): StatusCounts {
  return {
    pass: Number(row.pass_count),
    warn: Number(row.warn_count),
    fail: Number(row.fail_count),
    unknown: Number(row.unknown_count),
    not_applicable: Number(row.na_count),
    waived: Number(row.waived_count),
  };
}

/**
 * The knex implementation of {@link ComplianceStore}, on the host database
 * (SQLite, PostgreSQL, MySQL).
 */
export class DatabaseComplianceStore implements ComplianceStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseComplianceStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseComplianceStore(client);
  }

  readonly #db: Knex;
  /**
   * Rows per multi-row INSERT. SQLite compiles long statements slowly, while
   * a network round trip dominates on PostgreSQL and MySQL.
   */
  readonly #writeChunk: number;
  readonly #isSqlite: boolean;

  private constructor(db: Knex) {
    this.#db = db;
    const client = String(db.client.config.client ?? '');
    this.#isSqlite = client.includes('sqlite');
    this.#writeChunk = this.#isSqlite ? 50 : 500;
  }

  async upsertEntities(
    entities: EntitySnapshot[],
    now: Date,
  ): Promise<string[]> {
    if (entities.length === 0) return [];
    const rows = entities.map(e => {
      const json = JSON.stringify(e);
      return { e, json, hash: hashOf(e) };
    });
    const existing = new Map<string, string>();
    for (const part of chunks(rows.map(r => r.e.entityRef))) {
      const found: Array<{ entity_ref: string; entity_hash: string }> =
        await this.#db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'entity_hash');
      found.forEach(f => existing.set(f.entity_ref, f.entity_hash));
    }
    const changed = rows.filter(r => existing.get(r.e.entityRef) !== r.hash);
    for (const part of chunks(changed, 200)) {
      await this.#db('compliance_entities')
        .insert(
          part.map(({ e, json, hash }) => ({
            entity_ref: e.entityRef,
            kind: e.kind.toLocaleLowerCase('en-US'),
            namespace: e.namespace,
            name: e.name,
            title: e.title ?? null,
            owner: e.owner ?? null,
            system: e.system ?? null,
            lifecycle: e.lifecycle ?? null,
            type: e.type ?? null,
            entity_json: json,
            entity_hash: hash,
            dirty: true,
            facts_changed_at: now,
            last_seen_at: now,
          })),
        )
        .onConflict('entity_ref')
        .merge([
          'kind',
          'namespace',
          'name',
          'title',
          'owner',
          'system',
          'lifecycle',
          'type',
          'entity_json',
          'entity_hash',
          'dirty',
          'facts_changed_at',
          'last_seen_at',
        ]);
    }
    return changed.map(r => r.e.entityRef);
  }

  async deleteEntitiesNotIn(keep: Set<string>): Promise<number> {
    const all: Array<{ entity_ref: string }> = await this.#db(
      'compliance_entities',
    ).select('entity_ref');
    const gone = all.map(r => r.entity_ref).filter(ref => !keep.has(ref));
    for (const part of chunks(gone)) {
      await this.#db.transaction(async tx => {
        for (const table of [
          'compliance_facts',
          'compliance_results',
          'compliance_framework_scores',
          'compliance_entities',
        ]) {
          await tx(table).whereIn('entity_ref', part).delete();
        }
      });
    }
    return gone.length;
  }

  async getEntitySnapshots(
    entityRefs: string[],
  ): Promise<Map<string, EntitySnapshot>> {
    const out = new Map<string, EntitySnapshot>();
    for (const part of chunks(entityRefs)) {
      const rows: Array<{ entity_ref: string; entity_json: string }> =
        await this.#db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'entity_json');
      for (const r of rows) {
        const snapshot = parse<EntitySnapshot | undefined>(
          r.entity_json,
          undefined,
        );
        if (snapshot) out.set(r.entity_ref, snapshot);
      }
    }
    return out;
  }

  async writeFacts(
    collectorId: string,
    facts: FactWrite[],
  ): Promise<{ written: number }> {
    if (facts.length === 0) return { written: 0 };
    const keyOf = (ref: string, id: string) => `${ref}\u0000${id}`;
    const existing = new Map<string, FactRow>();
    const refs = [...new Set(facts.map(f => f.entityRef))];
    const factIds = [...new Set(facts.map(f => f.factId))];
    for (const part of chunks(refs)) {
      const rows: FactRow[] = await this.#db('compliance_facts')
        .whereIn('entity_ref', part)
        .whereIn('fact_id', factIds);
      rows.forEach(r => existing.set(keyOf(r.entity_ref, r.fact_id), r));
    }

    const upserts: Array<Record<string, unknown>> = [];
    const history: Array<Record<string, unknown>> = [];
    const dirty = new Map<string, Date>();
    for (const fact of facts) {
      const prev = existing.get(keyOf(fact.entityRef, fact.factId));
      const unknown = fact.unknownReason !== undefined;
      let value: string | null;
      let lastGood: string | null;
      let lastGoodAt: Date | Timestamp | null;
      let reason: string | null = unknown ? fact.unknownReason! : null;
      if (!unknown) {
        value = JSON.stringify(fact.value ?? null);
        lastGood = value;
        lastGoodAt = fact.observedAt;
      } else if (
        prev &&
        TRANSIENT_REASONS.has(fact.unknownReason!) &&
        prev.last_good_value !== null
      ) {
        // A transient failure never replaces a good value: keep it, note the failure.
        value = prev.last_good_value;
        lastGood = prev.last_good_value;
        lastGoodAt = prev.last_good_observed_at;
      } else {
        value = null;
        lastGood = prev?.last_good_value ?? null;
        lastGoodAt = prev?.last_good_observed_at ?? null;
      }
      if (!unknown) reason = null;
      const valueHash = hashOf([
        value,
        reason,
        unknown ? null : fact.evidence?.url ?? null,
      ]);
      const evidence = fact.evidence
        ? JSON.stringify(fact.evidence)
        : prev?.evidence ?? null;
      const changed = !prev || prev.value_hash !== valueHash;
      const messageChanged = (prev?.message ?? null) !== (fact.message ?? null);
      if (!changed && !messageChanged) continue;
      upserts.push({
        entity_ref: fact.entityRef,
        fact_id: fact.factId,
        collector_id: collectorId,
        value,
        value_hash: valueHash,
        unknown_reason: reason,
        message: fact.message ?? null,
        last_good_value: lastGood,
        last_good_observed_at: lastGoodAt,
        evidence,
        observed_at: fact.observedAt,
        changed_at: changed ? fact.observedAt : prev!.changed_at,
      });
      if (changed) {
        history.push({
          entity_ref: fact.entityRef,
          fact_id: fact.factId,
          value,
          unknown_reason: reason,
          observed_at: fact.observedAt,
        });
        dirty.set(fact.entityRef, fact.observedAt);
      }
    }
    if (upserts.length === 0) return { written: 0 };
    await this.#db.transaction(async tx => {
      for (const part of chunks(upserts, 200)) {
        await tx('compliance_facts')
          .insert(part)
          .onConflict(['entity_ref', 'fact_id'])
          .merge();
      }
      for (const part of chunks(history, 200)) {
        await tx('compliance_fact_history').insert(part);
      }
      for (const part of chunks([...dirty.keys()])) {
        await tx('compliance_entities')
          .whereIn('entity_ref', part)
          .update({ dirty: true, facts_changed_at: new Date() });
      }
    });
    return { written: upserts.length + history.length };
  }

  async getFacts(
    entityRefs: string[],
    prefix?: string,
  ): Promise<Map<string, StoredFact[]>> {
    const out = new Map<string, StoredFact[]>();
    for (const part of chunks(entityRefs)) {
      let q = this.#db<FactRow>('compliance_facts').whereIn('entity_ref', part);
      if (prefix)
        q = q.where('fact_id', 'like', `${prefix.replace(/[%_]/g, '')}%`);
      const rows: FactRow[] = await q.orderBy('fact_id');
      for (const r of rows) {
        const list = out.get(r.entity_ref) ?? [];
        const known = r.value !== null;
        list.push({
          entityRef: r.entity_ref,
          factId: r.fact_id,
          collectorId: r.collector_id,
          value: known ? parse<JsonValue>(r.value, null) : null,
          ...(r.unknown_reason
            ? { unknownReason: r.unknown_reason as UnknownReason }
            : {}),
          ...(r.message ? { message: r.message } : {}),
          observedAt: toIso(r.observed_at),
          ...(r.last_good_observed_at
            ? { lastGoodObservedAt: toIso(r.last_good_observed_at) }
            : {}),
          ...(r.evidence ? { evidence: parse(r.evidence, {}) } : {}),
          known,
          stale: known && r.unknown_reason !== null,
        });
        out.set(r.entity_ref, list);
      }
    }
    return out;
  }

  async markAllDirty(): Promise<void> {
    await this.#db('compliance_entities').update({ dirty: true });
  }

  async getDirtyEntityRefs(limit: number, after?: string): Promise<string[]> {
    let q = this.#db('compliance_entities').where('dirty', true);
    if (after) q = q.where('entity_ref', '>', after);
    const rows: Array<{ entity_ref: string }> = await q
      .orderBy('entity_ref')
      .limit(limit)
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async getResults(
    entityRefs: string[],
  ): Promise<Map<string, ControlResult[]>> {
    const out = new Map<string, ControlResult[]>();
    for (const part of chunks(entityRefs)) {
      const rows: ResultRow[] = await this.#db('compliance_results')
        .whereIn('entity_ref', part)
        .orderBy('control_id');
      for (const r of rows) {
        const list = out.get(r.entity_ref) ?? [];
        list.push({
          entityRef: r.entity_ref,
          controlId: r.control_id,
          status: r.status as ComplianceStatus,
          reason: r.reason,
          ...(r.unknown_reason
            ? { unknownReason: r.unknown_reason as UnknownReason }
            : {}),
          evidence: parse(r.evidence, []),
          controlVersion: r.control_version,
          evaluatedAt: toIso(r.evaluated_at),
          statusSince: toIso(r.status_since),
        });
        out.set(r.entity_ref, list);
      }
    }
    return out;
  }

  async getInputsHashes(
    entityRefs: string[],
  ): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (const part of chunks(entityRefs)) {
      const rows: Array<{ entity_ref: string; inputs_hash: string | null }> =
        await this.#db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'inputs_hash');
      rows.forEach(r => out.set(r.entity_ref, r.inputs_hash));
    }
    return out;
  }

  async saveEvaluations(
    writes: EntityEvaluationWrite[],
    evaluatedRefs: string[],
    startedAt: Date,
    now: Date,
  ): Promise<{ rowsWritten: number }> {
    let rowsWritten = 0;
    const day = now.toISOString().slice(0, 10);
    await this.#db.transaction(async tx => {
      const results = writes.flatMap(w => w.upsertResults);
      for (const part of chunks(results, this.#writeChunk)) {
        await tx('compliance_results')
          .insert(
            part.map(r => ({
              entity_ref: r.entityRef,
              control_id: r.controlId,
              status: r.status,
              reason: r.reason,
              unknown_reason: r.unknownReason ?? null,
              evidence: JSON.stringify(r.evidence),
              control_version: r.controlVersion,
              result_hash: hashOf([
                r.status,
                r.reason,
                r.unknownReason,
                r.evidence,
                r.controlVersion,
              ]),
              evaluated_at: new Date(r.evaluatedAt),
              status_since: new Date(r.statusSince),
            })),
          )
          .onConflict(['entity_ref', 'control_id'])
          .merge();
        rowsWritten += part.length;
      }
      for (const w of writes) {
        if (w.deleteResults.length) {
          rowsWritten += await tx('compliance_results')
            .where('entity_ref', w.entityRef)
            .whereIn('control_id', w.deleteResults)
            .delete();
        }
      }
      const changes = writes.flatMap(w => w.changes);
      for (const part of chunks(changes, this.#writeChunk)) {
        await tx('compliance_status_changes').insert(
          part.map(c => ({
            entity_ref: c.entityRef,
            control_id: c.controlId,
            from_status: c.from,
            to_status: c.to,
            cause: c.cause,
            reason: c.reason,
            control_version: c.controlVersion,
            changed_at: new Date(c.changedAt),
          })),
        );
        rowsWritten += part.length;
      }
      const scores = writes.filter(w => w.score).map(w => w.score!);
      // One multi-row upsert instead of an UPDATE per entity. The rows exist
      // (evaluation only visits known entities), so only the score columns
      // are merged; the other values satisfy NOT NULL and are never applied.
      for (const part of chunks(scores, 100)) {
        await tx('compliance_entities')
          .insert(
            part.map(s => {
              const [kind, rest] = s.entityRef.split(':');
              const [namespace, name] = rest.split('/');
              return {
                entity_ref: s.entityRef,
                kind,
                namespace,
                name,
                entity_json: '{}',
                entity_hash: '',
                last_seen_at: now,
                score: s.score,
                coverage: s.coverage,
                level: s.level,
                pass_count: s.counts.pass,
                warn_count: s.counts.warn,
                fail_count: s.counts.fail,
                unknown_count: s.counts.unknown,
                na_count: s.counts.not_applicable,
                waived_count: s.counts.waived,
                summary_json: JSON.stringify(s.summary),
                inputs_hash: s.inputsHash,
                evaluated_at: now,
              };
            }),
          )
          .onConflict('entity_ref')
          .merge([
            'score',
            'coverage',
            'level',
            'pass_count',
            'warn_count',
            'fail_count',
            'unknown_count',
            'na_count',
            'waived_count',
            'summary_json',
            'inputs_hash',
            'evaluated_at',
          ]);
      }
      const frameworkRows = scores.flatMap(s =>
        Object.entries(s.summary.frameworks).map(([framework, b]) => ({
          entity_ref: s.entityRef,
          framework,
          score: b.score,
          coverage: b.coverage,
        })),
      );
      for (const part of chunks(scores.map(s => s.entityRef))) {
        await tx('compliance_framework_scores')
          .whereIn('entity_ref', part)
          .delete();
      }
      for (const part of chunks(frameworkRows, 200)) {
        await tx('compliance_framework_scores').insert(part);
      }
      for (const part of chunks(scores, 200)) {
        await tx('compliance_history')
          .insert(
            part.map(s => ({
              entity_ref: s.entityRef,
              day,
              score: s.score,
              coverage: s.coverage,
              level: s.level,
              counts: JSON.stringify(s.counts),
            })),
          )
          .onConflict(['entity_ref', 'day'])
          .merge();
      }
      rowsWritten += scores.length * 2 + frameworkRows.length;
      for (const part of chunks(evaluatedRefs)) {
        await tx('compliance_entities')
          .whereIn('entity_ref', part)
          .where(q =>
            q
              .whereNull('facts_changed_at')
              .orWhere('facts_changed_at', '<=', startedAt),
          )
          .update({ dirty: false });
      }
    });
    return { rowsWritten };
  }

  #summaryFromRow(
    row: EntityRow,
    collectedAt: Record<string, string>,
  ): EntityComplianceSummary {
    const summary = parse<{
      knownWeight?: number;
      applicableWeight?: number;
      categories?: EntityComplianceSummary['categories'];
      frameworks?: EntityComplianceSummary['frameworks'];
      nextLevel?: EntityComplianceSummary['nextLevel'];
      levelTitle?: string;
    }>(row.summary_json, {});
    return {
      entityRef: row.entity_ref,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
      ...(row.title ? { title: row.title } : {}),
      ...(row.owner ? { owner: row.owner } : {}),
      ...(row.system ? { system: row.system } : {}),
      ...(row.lifecycle ? { lifecycle: row.lifecycle } : {}),
      ...(row.type ? { type: row.type } : {}),
      score: row.score === null ? null : Number(row.score),
      coverage: Number(row.coverage),
      knownWeight: summary.knownWeight ?? 0,
      applicableWeight: summary.applicableWeight ?? 0,
      counts: countsOf(row),
      level: row.level ? { id: row.level, title: row.level } : null,
      ...(summary.nextLevel ? { nextLevel: summary.nextLevel } : {}),
      categories: summary.categories ?? {},
      frameworks: summary.frameworks ?? {},
      evaluatedAt: toIso(row.evaluated_at) ?? null,
      collectedAt,
    };
  }

  async getSummary(
    entityRef: string,
  ): Promise<EntityComplianceSummary | undefined> {
    const row: EntityRow | undefined = await this.#db('compliance_entities')
      .where('entity_ref', entityRef)
      .first();
    if (!row) return undefined;
    const collected: Array<{ collector_id: string; at: Timestamp }> =
      await this.#db('compliance_facts')
        .where('entity_ref', entityRef)
        .groupBy('collector_id')
        .select('collector_id', this.#db.raw('max(observed_at) as at'));
    return this.#summaryFromRow(
      row,
      Object.fromEntries(collected.map(c => [c.collector_id, toIso(c.at)])),
    );
  }

  async getHistory(entityRef: string, since: string) {
    const rows: HistoryRow[] = await this.#db('compliance_history')
      .where('entity_ref', entityRef)
      .where('day', '>=', since)
      .orderBy('day');
    const changes: ChangeRow[] = await this.#db('compliance_status_changes')
      .where('entity_ref', entityRef)
      .where('changed_at', '>=', new Date(`${since}T00:00:00Z`))
      .orderBy('changed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(500);
    return {
      points: rows.map(
        (r): HistoryPoint => ({
          day: r.day,
          score: r.score === null ? null : Number(r.score),
          coverage: Number(r.coverage),
          level: r.level,
          counts: parse(r.counts, {} as StatusCounts),
        }),
      ),
      changes: changes.map(
        (c): StatusChange => ({
          entityRef: c.entity_ref,
          controlId: c.control_id,
          from: c.from_status as ComplianceStatus | null,
          to: c.to_status as ComplianceStatus,
          cause: c.cause as StatusChange['cause'],
          reason: c.reason,
          controlVersion: c.control_version,
          changedAt: toIso(c.changed_at),
        }),
      ),
    };
  }

  #filtered(filter: OverviewFilter) {
    const db = this.#db;
    return (q: Knex.QueryBuilder) => {
      if (filter.owners)
        q.whereIn('e.owner', filter.owners.length ? filter.owners : ['']);
      if (filter.system?.length) q.whereIn('e.system', filter.system);
      if (filter.kind?.length) {
        q.whereIn(
          'e.kind',
          filter.kind.map(k => k.toLocaleLowerCase('en-US')),
        );
      }
      if (filter.lifecycle?.length) q.whereIn('e.lifecycle', filter.lifecycle);
      if (filter.level?.length) {
        const levels = filter.level.filter(l => l !== 'none');
        q.where(w => {
          if (levels.length) w.whereIn('e.level', levels);
          if (filter.level!.includes('none')) w.orWhereNull('e.level');
        });
      }
      if (filter.search) {
        const term = `%${filter.search
          .toLocaleLowerCase('en-US')
          .replace(/[%_]/g, '')}%`;
        q.where(w =>
          w
            .where(db.raw('lower(e.name)'), 'like', term)
            .orWhere(db.raw('lower(e.title)'), 'like', term),
        );
      }
      if (filter.allowedRefs) {
        q.whereIn(
          'e.entity_ref',
          filter.allowedRefs.length ? filter.allowedRefs : [''],
        );
      }
      if (filter.framework) {
        q.join('compliance_framework_scores as f', join =>
          join
            .on('f.entity_ref', '=', 'e.entity_ref')
            .andOn('f.framework', '=', db.raw('?', [filter.framework!])),
        );
      }
      return q;
    };
  }

  async getOverview(filter: OverviewFilter) {
    const db = this.#db;
    const apply = this.#filtered(filter);
    const scoreCol = filter.framework ? 'f.score' : 'e.score';
    const coverageCol = filter.framework ? 'f.coverage' : 'e.coverage';
    const sortCols: Record<OverviewFilter['sort'], string> = {
      score: scoreCol,
      coverage: coverageCol,
      name: 'e.name',
      owner: 'e.owner',
      level: 'e.level',
      evaluatedAt: 'e.evaluated_at',
      failing: 'e.fail_count',
    };
    const sortCol = sortCols[filter.sort];
    const order = filter.order;

    const pageQuery = apply(db('compliance_entities as e'))
      .select('e.*')
      .orderByRaw(`case when ${sortCol} is null then 1 else 0 end`)
      .orderBy(sortCol, order)
      .orderBy('e.entity_ref', 'asc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize);
    if (filter.framework) {
      pageQuery.select({ f_score: 'f.score', f_coverage: 'f.coverage' });
    }

    const bucketExpr = `case when ${scoreCol} is null then 'none' when ${scoreCol} >= 90 then '90-100' ${[
      80, 70, 60, 50, 40, 30, 20, 10,
    ]
      .map(b => `when ${scoreCol} >= ${b} then '${b}-${b + 9}'`)
      .join(' ')} else '0-9' end`;
    const buckets = [
      '0-9',
      '10-19',
      '20-29',
      '30-39',
      '40-49',
      '50-59',
      '60-69',
      '70-79',
      '80-89',
      '90-100',
      'none',
    ];

    const unfiltered =
      !filter.owners &&
      !filter.system?.length &&
      !filter.kind?.length &&
      !filter.lifecycle?.length &&
      !filter.level?.length &&
      !filter.search &&
      !filter.allowedRefs &&
      !filter.framework;
    // Unfiltered, the (status, control_id) index answers alone; filtered,
    // the entity filters pick the entities first.
    const failing: Knex.QueryBuilder = unfiltered
      ? db('compliance_results as r').where('r.status', 'fail')
      : apply(db('compliance_entities as e'))
          .join('compliance_results as r', 'r.entity_ref', 'e.entity_ref')
          // SQLite would otherwise walk every failing result through the
          // status index for each entity; "+" makes it use the primary key.
          .where(
            this.#isSqlite
              ? db.raw("+r.status = 'fail'")
              : db.raw("r.status = 'fail'"),
          );

    // Independent queries, run concurrently (PostgreSQL uses several
    // connections; SQLite runs them one after another).
    const [countRow, rows, dist, levelRows, topFailing] = await Promise.all([
      apply(db('compliance_entities as e')).count({ n: '*' }).first(),
      pageQuery as Promise<
        Array<EntityRow & { f_score?: number | null; f_coverage?: number }>
      >,
      apply(db('compliance_entities as e'))
        .select(db.raw(`${bucketExpr} as bucket`))
        .count({ n: '*' })
        .groupByRaw(bucketExpr) as unknown as Promise<
        Array<{ bucket: string; n: number | string }>
      >,
      apply(db('compliance_entities as e'))
        .select('e.level')
        .count({ n: '*' })
        .groupBy('e.level') as unknown as Promise<
        Array<{ level: string | null; n: number | string }>
      >,
      failing
        .groupBy('r.control_id')
        .select('r.control_id')
        .count({ n: '*' })
        .orderBy('n', 'desc')
        .orderBy('r.control_id')
        .limit(10) as unknown as Promise<
        Array<{ control_id: string; n: number | string }>
      >,
    ]);
    const totalCount = Number(countRow?.n ?? 0);
    const distMap = new Map(dist.map(d => [d.bucket, Number(d.n)]));

    return {
      items: rows.map(r => {
        const s = this.#summaryFromRow(r, {});
        if (filter.framework) {
          s.score =
            r.f_score === null || r.f_score === undefined
              ? null
              : Number(r.f_score);
          s.coverage = Number(r.f_coverage ?? 0);
        }
        return s;
      }),
      totalCount,
      distribution: buckets.map(b => ({
        bucket: b,
        count: distMap.get(b) ?? 0,
      })),
      topFailing: topFailing.map(t => ({
        controlId: t.control_id,
        count: Number(t.n),
      })),
      levels: Object.fromEntries(
        levelRows.map(l => [l.level ?? 'none', Number(l.n)]),
      ),
    };
  }

  async countEntities(): Promise<number> {
    const row = await this.#db('compliance_entities').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async rollUp(day: string): Promise<number> {
    const missing: EntityRow[] = await this.#db('compliance_entities as e')
      .whereNotNull('e.evaluated_at')
      .whereNotExists(
        this.#db('compliance_history as h')
          .whereRaw('h.entity_ref = e.entity_ref')
          .where('h.day', day),
      )
      .select('e.*');
    for (const part of chunks(missing, 200)) {
      await this.#db('compliance_history')
        .insert(
          part.map(r => ({
            entity_ref: r.entity_ref,
            day,
            score: r.score,
            coverage: r.coverage,
            level: r.level,
            counts: JSON.stringify(countsOf(r)),
          })),
        )
        .onConflict(['entity_ref', 'day'])
        .ignore();
    }
    return missing.length;
  }

  async applyRetention(cutoffs: {
    history: string;
    ledger: Date;
    factHistory: Date;
    runs: Date;
  }) {
    return {
      history: await this.#db('compliance_history')
        .where('day', '<', cutoffs.history)
        .delete(),
      ledger: await this.#db('compliance_status_changes')
        .where('changed_at', '<', cutoffs.ledger)
        .delete(),
      factHistory: await this.#db('compliance_fact_history')
        .where('observed_at', '<', cutoffs.factHistory)
        .delete(),
      runs: await this.#db('compliance_collector_runs')
        .where('started_at', '<', cutoffs.runs)
        .delete(),
    };
  }

  async startRun(collectorId: string, now: Date): Promise<string> {
    const [row] = await this.#db('compliance_collector_runs')
      .insert({ collector_id: collectorId, status: 'running', started_at: now })
      .returning('id');
    return String(typeof row === 'object' ? row.id : row);
  }

  async finishRun(
    id: string,
    data: {
      status: 'succeeded' | 'failed';
      entitiesProcessed: number;
      factsWritten: number;
      errors: number;
      message?: string;
    },
    now: Date,
  ): Promise<void> {
    const row: RunRow | undefined = await this.#db('compliance_collector_runs')
      .where('id', id)
      .first();
    if (!row) return;
    const started = new Date(toIso(row.started_at)).getTime();
    await this.#db('compliance_collector_runs')
      .where('id', id)
      .update({
        status: data.status,
        finished_at: now,
        duration_ms: Math.max(0, now.getTime() - started),
        entities_processed: data.entitiesProcessed,
        facts_written: data.factsWritten,
        errors: data.errors,
        message: data.message?.slice(0, 2000) ?? null,
      });
  }

  async getLatestRuns(): Promise<Map<string, RunRecord>> {
    const latest = this.#db('compliance_collector_runs')
      .groupBy('collector_id')
      .select(this.#db.raw('max(id) as id'));
    const rows: RunRow[] = await this.#db('compliance_collector_runs').whereIn(
      'id',
      latest,
    );
    return new Map(
      rows.map(r => [
        r.collector_id,
        {
          id: String(r.id),
          startedAt: toIso(r.started_at),
          ...(r.finished_at ? { finishedAt: toIso(r.finished_at) } : {}),
          ...(r.duration_ms !== null
            ? { durationMs: Number(r.duration_ms) }
            : {}),
          entitiesProcessed: Number(r.entities_processed),
          factsWritten: Number(r.facts_written),
          errors: Number(r.errors),
          status: r.status as RunRecord['status'],
          ...(r.message ? { message: r.message } : {}),
        },
      ]),
    );
  }

  async getState(
    collectorId: string,
    keys: string[],
  ): Promise<Map<string, JsonValue>> {
    const out = new Map<string, JsonValue>();
    for (const part of chunks(keys)) {
      const rows: Array<{ key: string; value: string }> = await this.#db(
        'compliance_collector_state',
      )
        .where('collector_id', collectorId)
        .whereIn('key', part)
        .select('key', 'value');
      rows.forEach(r => out.set(r.key, parse<JsonValue>(r.value, null)));
    }
    return out;
  }

  async setState(
    collectorId: string,
    entries: Array<{ key: string; value: JsonValue }>,
    now: Date,
  ): Promise<void> {
    for (const part of chunks(entries, 200)) {
      await this.#db('compliance_collector_state')
        .insert(
          part.map(e => ({
            collector_id: collectorId,
            key: e.key,
            value: JSON.stringify(e.value),
            updated_at: now,
          })),
        )
        .onConflict(['collector_id', 'key'])
        .merge();
    }
  }

  async deleteState(collectorId: string, keys: string[]): Promise<void> {
    for (const part of chunks(keys)) {
      await this.#db('compliance_collector_state')
        .where('collector_id', collectorId)
        .whereIn('key', part)
        .delete();
    }
  }
}
