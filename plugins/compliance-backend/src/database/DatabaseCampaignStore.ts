import type { Knex } from 'knex';
import type {
  ComplianceStatus,
  ControlEntityRow,
  TrendPoint,
} from 'backstage-plugin-compliance-common';
import type { CampaignFilter, CampaignStore } from './ComplianceStore';
import { inRefSet } from './DatabaseOverviewStore';
import { resolveResultEvidence } from './resultEvidence';
import { Dialect, Timestamp, toIso } from './util';

const STATUS_ORDER: ComplianceStatus[] = [
  'fail',
  'warn',
  'unknown',
  'waived',
  'pass',
  'not_applicable',
];

/**
 * The knex implementation of {@link CampaignStore}: one control across the
 * entities (for remediation campaigns) and the org trend of a filtered set.
 */
export class DatabaseCampaignStore implements CampaignStore {
  constructor(private readonly db: Knex, private readonly dialect: Dialect) {}

  #filter(q: Knex.QueryBuilder, filter: CampaignFilter) {
    if (filter.owners) {
      q.whereIn('e.owner', filter.owners.length ? filter.owners : ['']);
    }
    if (filter.system?.length) q.whereIn('e.system', filter.system);
    if (filter.lifecycle?.length) q.whereIn('e.lifecycle', filter.lifecycle);
    if (filter.kind?.length) {
      q.whereIn(
        'e.kind',
        filter.kind.map(k => k.toLocaleLowerCase('en-US')),
      );
    }
    if (filter.allowedRefs) {
      const [sql, bindings] = inRefSet(
        'e.entity_ref',
        filter.allowedRefs,
        this.dialect,
      );
      q.whereRaw(sql, bindings);
    }
    return q;
  }

  async getControlEntities(
    controlId: string,
    filter: CampaignFilter,
    limit: number,
  ): Promise<{ items: ControlEntityRow[]; counts: Record<string, number> }> {
    const base = () =>
      this.#filter(
        this.db('compliance_results as r')
          .join('compliance_entities as e', 'e.entity_ref', 'r.entity_ref')
          .where('r.control_id', controlId),
        filter,
      );
    const countRows: Array<{ status: string; n: number | string }> =
      await base().select('r.status').count({ n: '*' }).groupBy('r.status');
    const counts: Record<string, number> = {};
    for (const c of countRows) counts[c.status] = Number(c.n);
    const q = base()
      .select(
        'r.entity_ref',
        'r.status',
        'r.reason',
        'r.evidence',
        'r.status_since',
        'e.title',
        'e.name',
        'e.owner',
        'e.system',
        'e.lifecycle',
      )
      .whereNot('r.status', 'not_applicable')
      .orderByRaw(
        `case r.status ${STATUS_ORDER.map(
          (s, i) => `when '${s}' then ${i}`,
        ).join(' ')} else 9 end`,
      )
      .orderBy('r.entity_ref')
      .limit(limit);
    if (filter.status?.length) q.whereIn('r.status', filter.status);
    const rows: Array<{
      entity_ref: string;
      status: string;
      reason: string;
      evidence: string;
      status_since: Timestamp;
      title: string | null;
      name: string;
      owner: string | null;
      system: string | null;
      lifecycle: string | null;
    }> = await q;
    const evidence = await resolveResultEvidence(this.db, rows);
    return {
      counts,
      items: rows.map((r, i) => ({
        entityRef: r.entity_ref,
        title: r.title ?? r.name,
        ...(r.owner ? { owner: r.owner } : {}),
        ...(r.system ? { system: r.system } : {}),
        ...(r.lifecycle ? { lifecycle: r.lifecycle } : {}),
        status: r.status as ComplianceStatus,
        reason: r.reason,
        statusSince: toIso(r.status_since),
        evidence: evidence[i],
      })),
    };
  }

  async getTrend(
    filter: CampaignFilter,
    sinceDay: string,
  ): Promise<TrendPoint[]> {
    const rows: Array<{
      day: string;
      level: string | null;
      n: number | string;
      scored: number | string;
      total: number | string | null;
    }> = await this.#filter(
      this.db('compliance_history as h')
        .join('compliance_entities as e', 'e.entity_ref', 'h.entity_ref')
        .where('h.day', '>=', sinceDay),
      filter,
    )
      .select('h.day', 'h.level')
      .count({ n: '*' })
      .count({ scored: 'h.score' })
      .sum({ total: 'h.score' })
      .groupBy('h.day', 'h.level')
      .orderBy('h.day');
    const byDay = new Map<
      string,
      {
        entities: number;
        scored: number;
        total: number;
        levels: Record<string, number>;
      }
    >();
    for (const r of rows) {
      const d = byDay.get(r.day) ?? {
        entities: 0,
        scored: 0,
        total: 0,
        levels: {},
      };
      d.entities += Number(r.n);
      d.scored += Number(r.scored);
      d.total += Number(r.total ?? 0);
      d.levels[r.level ?? 'none'] =
        (d.levels[r.level ?? 'none'] ?? 0) + Number(r.n);
      byDay.set(r.day, d);
    }
    return [...byDay.entries()].map(([day, d]) => ({
      day,
      entities: d.entities,
      averageScore: d.scored ? d.total / d.scored : null,
      levels: d.levels,
    }));
  }
}
