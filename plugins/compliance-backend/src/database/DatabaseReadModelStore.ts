import type { Knex } from 'knex';
import type {
  GroupEdge,
  GroupStore,
  OverviewAggregate,
  OverviewAggregates,
  ReadModelStore,
} from './ComplianceStore';
import { scoreBucketSql } from './DatabaseOverviewStore';
import { chunks, parse } from './util';

const STATE_ID = 'overview';

type Count = { n: number | string };

function emptyAggregate(): OverviewAggregate {
  return { totalCount: 0, distribution: {}, levels: {}, failing: {} };
}

function add(map: Record<string, number>, key: string, n: number) {
  map[key] = (map[key] ?? 0) + n;
}

/**
 * The overview's precomputed state: the evaluation version (ETags) and the
 * aggregates of the common filters (everything, per owner, per system).
 */
export class DatabaseReadModelStore implements ReadModelStore {
  constructor(private readonly db: Knex) {}

  async getVersion(): Promise<number> {
    const row = await this.db('compliance_read_state')
      .where('id', STATE_ID)
      .first('version');
    return Number(row?.version ?? 0);
  }

  async getVersionOf(
    entityRef: string,
  ): Promise<{ version: number; known: boolean }> {
    const db = this.db;
    const row = await db
      .select({
        version: db('compliance_read_state')
          .where('id', STATE_ID)
          .select('version'),
        known: db('compliance_entities')
          .where('entity_ref', entityRef)
          .select(db.raw('1')),
      })
      .first();
    return {
      version: Number(row?.version ?? 0),
      known: row?.known !== null && row?.known !== undefined,
    };
  }

  async bumpVersion(): Promise<number> {
    await this.db('compliance_read_state')
      .where('id', STATE_ID)
      .increment('version', 1);
    return this.getVersion();
  }

  async getAggregates(): Promise<
    { version: number; aggregates: OverviewAggregates } | undefined
  > {
    const row = await this.db('compliance_read_state')
      .where('id', STATE_ID)
      .first('version', 'aggregates');
    const aggregates = parse<OverviewAggregates | undefined>(
      row?.aggregates,
      undefined,
    );
    return aggregates
      ? { version: Number(row.version), aggregates }
      : undefined;
  }

  async refreshAggregates(now: Date): Promise<number> {
    const aggregates = await this.computeAggregates();
    await this.db('compliance_read_state')
      .where('id', STATE_ID)
      .update({ aggregates: JSON.stringify(aggregates), computed_at: now })
      .increment('version', 1);
    return this.getVersion();
  }

  /** The aggregates of everything, per owner and per system, from the tables. */
  async computeAggregates(): Promise<OverviewAggregates> {
    const db = this.db;
    const out: OverviewAggregates = {
      all: emptyAggregate(),
      owner: {},
      system: {},
    };
    const bucket = scoreBucketSql('score');
    for (const dim of ['owner', 'system'] as const) {
      const of = (key: string | null) => {
        const k = key ?? '';
        out[dim][k] ??= emptyAggregate();
        return out[dim][k];
      };
      const buckets = (await db('compliance_entities')
        .select(dim, db.raw(`${bucket.sql} as bucket`, bucket.bindings))
        .count({ n: '*' })
        .groupBy(dim, 'bucket')) as unknown as Array<
        Count & { bucket: string } & Record<typeof dim, string | null>
      >;
      for (const b of buckets) {
        const a = of(b[dim]);
        a.totalCount += Number(b.n);
        add(a.distribution, b.bucket, Number(b.n));
        if (dim === 'owner') {
          out.all.totalCount += Number(b.n);
          add(out.all.distribution, b.bucket, Number(b.n));
        }
      }
      const levels = (await db('compliance_entities')
        .select(dim, 'level')
        .count({ n: '*' })
        .groupBy(dim, 'level')) as unknown as Array<
        Count & { level: string | null } & Record<typeof dim, string | null>
      >;
      for (const l of levels) {
        add(of(l[dim]).levels, l.level ?? 'none', Number(l.n));
        if (dim === 'owner')
          add(out.all.levels, l.level ?? 'none', Number(l.n));
      }
      const failing = (await db('compliance_entities as e')
        .join('compliance_results as r', 'r.entity_ref', 'e.entity_ref')
        .where('r.status', 'fail')
        .select(`e.${dim} as key`, 'r.control_id')
        .count({ n: '*' })
        .groupBy(`e.${dim}`, 'r.control_id')) as unknown as Array<
        Count & { key: string | null; control_id: string }
      >;
      for (const f of failing) {
        add(of(f.key).failing, f.control_id, Number(f.n));
        if (dim === 'owner') add(out.all.failing, f.control_id, Number(f.n));
      }
    }
    return out;
  }
}

/** The catalog's group hierarchy as the engine keeps it. */
export class DatabaseGroupStore implements GroupStore {
  constructor(private readonly db: Knex) {}

  async replaceGroupEdges(edges: GroupEdge[]): Promise<void> {
    const unique = new Map(
      edges
        .filter(e => e.parent.length <= 255 && e.child.length <= 255)
        .map(e => [`${e.parent}\u0000${e.child}`, e]),
    );
    await this.db.transaction(async tx => {
      await tx('compliance_group_edges').delete();
      for (const part of chunks([...unique.values()], 200)) {
        await tx('compliance_group_edges').insert(
          part.map(e => ({ parent_ref: e.parent, child_ref: e.child })),
        );
      }
    });
  }

  async getGroupEdges(): Promise<GroupEdge[]> {
    const rows: Array<{ parent_ref: string; child_ref: string }> =
      await this.db('compliance_group_edges').select('parent_ref', 'child_ref');
    return rows.map(r => ({ parent: r.parent_ref, child: r.child_ref }));
  }
}
