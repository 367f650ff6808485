import type { Knex } from 'knex';
import type {
  ControlResult,
  EntityComplianceSummary,
  HistoryPoint,
  StatusCounts,
} from 'backstage-plugin-compliance-common';
import type {
  EntityEvaluationWrite,
  EvaluationStore,
  StoredFact,
} from './ComplianceStore';
import { resolveResultEvidence } from './resultEvidence';
import {
  EntityRow,
  HistoryRow,
  countsOf,
  historyRow,
  summaryFromRow,
} from './rows';
import { updateScores } from './scoreUpdate';
import {
  Dialect,
  chunks,
  groupBy,
  lockEntities,
  parse,
  retryOnConflict,
  selectInChunks,
} from './util';
import { insertRows } from './insertRows';
import {
  ChangeRow,
  ResultRow,
  changeRow,
  controlResult,
  resultRow,
  statusChange,
} from './resultRows';

function historyPoint(r: HistoryRow): HistoryPoint {
  return {
    day: r.day,
    score: r.score === null ? null : Number(r.score),
    coverage: Number(r.coverage),
    level: r.level,
    counts: parse(r.counts, {} as StatusCounts),
  };
}

const ROLLUP_PAGE = 1000;

/** The knex implementation of {@link EvaluationStore}. */
export class DatabaseEvaluationStore implements EvaluationStore {
  constructor(private readonly db: Knex, private readonly dialect: Dialect) {}

  async getResults(
    entityRefs: string[],
    currentFacts?: ReadonlyMap<string, StoredFact[]>,
  ): Promise<Map<string, ControlResult[]>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<ResultRow[]> =>
        this.db('compliance_results')
          .whereIn('entity_ref', part)
          .orderBy('control_id'),
    );
    const evidence = await resolveResultEvidence(this.db, rows, currentFacts);
    return groupBy(
      rows.map((r, i) => controlResult(r, evidence[i])),
      r => r.entityRef,
    );
  }

  async getInputsHashes(
    entityRefs: string[],
  ): Promise<Map<string, string | null>> {
    const rows = await selectInChunks(
      entityRefs,
      (
        part,
      ): Promise<Array<{ entity_ref: string; inputs_hash: string | null }>> =>
        this.db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'inputs_hash'),
    );
    return new Map(rows.map(r => [r.entity_ref, r.inputs_hash]));
  }

  /**
   * Writes the scores of the entities that still exist and locks the others
   * that still exist; returns the refs of both. What is written for an entity
   * deleted meanwhile is dropped, so it is not re-created.
   */
  async #liveEntities(
    tx: Knex.Transaction,
    writes: EntityEvaluationWrite[],
    now: Date,
  ): Promise<Set<string>> {
    const scores = writes.flatMap(w => (w.score ? [w.score] : []));
    const live = new Set(await updateScores(tx, this.dialect, scores, now));
    const unscored = writes.filter(w => !w.score).map(w => w.entityRef);
    const found = await selectInChunks(unscored, part => {
      const q = tx('compliance_entities')
        .whereIn('entity_ref', part)
        .select('entity_ref');
      return (this.dialect.isSqlite ? q : q.forUpdate()) as Promise<
        Array<{ entity_ref: string }>
      >;
    });
    found.forEach(r => live.add(r.entity_ref));
    return live;
  }

  /**
   * Clears the dirty flag of evaluated entities not marked dirty again
   * since their version was read (every one without versions).
   */
  async #clearDirty(
    tx: Knex.Transaction,
    refs: string[],
    versions: ReadonlyMap<string, number> | undefined,
  ) {
    const byVersion = new Map<number | undefined, string[]>();
    for (const ref of refs) {
      const v = versions ? versions.get(ref) ?? -1 : undefined;
      const group = byVersion.get(v) ?? [];
      group.push(ref);
      byVersion.set(v, group);
    }
    for (const [version, group] of byVersion) {
      for (const part of chunks(group)) {
        const q = tx('compliance_entities').whereIn('entity_ref', part);
        if (version !== undefined) q.where('dirty_version', version);
        await q.update({ dirty: false });
      }
    }
  }

  async saveEvaluations(
    allWrites: EntityEvaluationWrite[],
    evaluatedRefs: string[],
    dirtyVersions: ReadonlyMap<string, number> | undefined,
    now: Date,
  ): Promise<{ rowsWritten: number; skipped: string[] }> {
    const day = now.toISOString().slice(0, 10);
    const writeChunk = this.dialect.writeChunk;
    let rowsWritten = 0;
    let skipped: string[] = [];
    const save = () =>
      this.db.transaction(async tx => {
        rowsWritten = 0;
        // Entity rows locked in ref order first, like every other writer.
        await lockEntities(
          tx,
          [...evaluatedRefs, ...allWrites.map(w => w.entityRef)],
          this.dialect,
        );
        const live = await this.#liveEntities(tx, allWrites, now);
        const writes = allWrites.filter(w => live.has(w.entityRef));
        skipped = allWrites
          .filter(w => !live.has(w.entityRef))
          .map(w => w.entityRef);

        const results = writes.flatMap(w => w.upsertResults).map(resultRow);
        await insertRows(tx, this.dialect, 'compliance_results', results, {
          chunk: writeChunk,
          onConflict: { columns: ['entity_ref', 'control_id'], merge: true },
        });
        rowsWritten += results.length;
        for (const w of writes) {
          if (w.deleteResults.length) {
            rowsWritten += await tx('compliance_results')
              .where('entity_ref', w.entityRef)
              .whereIn('control_id', w.deleteResults)
              .delete();
          }
        }
        const changes = writes.flatMap(w => w.changes).map(changeRow);
        await insertRows(
          tx,
          this.dialect,
          'compliance_status_changes',
          changes,
          {
            chunk: writeChunk,
          },
        );
        rowsWritten += changes.length;

        const scores = writes.flatMap(w => (w.score ? [w.score] : []));
        for (const part of chunks(scores.map(s => s.entityRef))) {
          await tx('compliance_framework_scores')
            .whereIn('entity_ref', part)
            .delete();
        }
        const frameworkRows = scores.flatMap(s =>
          Object.entries(s.summary.frameworks).map(([framework, b]) => ({
            entity_ref: s.entityRef,
            framework,
            score: b.score,
            coverage: b.coverage,
          })),
        );
        await insertRows(
          tx,
          this.dialect,
          'compliance_framework_scores',
          frameworkRows,
          { chunk: 200 },
        );
        await insertRows(
          tx,
          this.dialect,
          'compliance_history',
          scores.map(s => historyRow(s.entityRef, day, s)),
          {
            chunk: 200,
            onConflict: { columns: ['entity_ref', 'day'], merge: true },
          },
        );
        rowsWritten += scores.length * 2 + frameworkRows.length;

        // A skipped entity was saved by another evaluation meanwhile; it stays
        // dirty so the next cycle evaluates the newest inputs.
        const lost = new Set(skipped);
        await this.#clearDirty(
          tx,
          evaluatedRefs.filter(r => !lost.has(r)),
          dirtyVersions,
        );
      });
    await retryOnConflict(save);
    return { rowsWritten, skipped };
  }

  async getSummary(
    entityRef: string,
  ): Promise<EntityComplianceSummary | undefined> {
    const row: EntityRow | undefined = await this.db('compliance_entities')
      .where('entity_ref', entityRef)
      .first();
    return row && summaryFromRow(row);
  }

  async getHistory(entityRef: string, since: string) {
    const rows: HistoryRow[] = await this.db('compliance_history')
      .where('entity_ref', entityRef)
      .where('day', '>=', since)
      .orderBy('day');
    const changes: ChangeRow[] = await this.db('compliance_status_changes')
      .where('entity_ref', entityRef)
      .where('changed_at', '>=', new Date(`${since}T00:00:00Z`))
      .orderBy('changed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(500);
    return {
      points: rows.map(historyPoint),
      changes: changes.map(statusChange),
    };
  }

  async rollUp(day: string): Promise<number> {
    // Only the columns a history row needs, a page at a time: memory stays
    // flat however large the catalog.
    const columns = [
      'e.entity_ref',
      'e.score',
      'e.coverage',
      'e.level',
      'e.pass_count',
      'e.warn_count',
      'e.fail_count',
      'e.unknown_count',
      'e.na_count',
      'e.waived_count',
    ];
    let written = 0;
    let after = '';
    for (;;) {
      const page: EntityRow[] = await this.db('compliance_entities as e')
        .whereNotNull('e.evaluated_at')
        .where('e.entity_ref', '>', after)
        .whereNotExists(
          this.db('compliance_history as h')
            .whereRaw('h.entity_ref = e.entity_ref')
            .where('h.day', day),
        )
        .orderBy('e.entity_ref')
        .limit(ROLLUP_PAGE)
        .select(columns);
      if (page.length === 0) break;
      for (const part of chunks(page, 200)) {
        await this.db('compliance_history')
          .insert(
            part.map(r =>
              historyRow(r.entity_ref, day, {
                score: r.score,
                coverage: r.coverage,
                level: r.level,
                counts: countsOf(r),
              }),
            ),
          )
          .onConflict(['entity_ref', 'day'])
          .ignore();
      }
      written += page.length;
      after = page[page.length - 1].entity_ref;
    }
    return written;
  }

  async deleteBefore(cutoffs: { history: string; ledger: Date }) {
    return {
      history: await this.db('compliance_history')
        .where('day', '<', cutoffs.history)
        .delete(),
      ledger: await this.db('compliance_status_changes')
        .where('changed_at', '<', cutoffs.ledger)
        .delete(),
    };
  }
}
