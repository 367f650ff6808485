import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import {
  CI_SUMMARY_FACT_ID,
  parseCiSummary,
} from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import type { ComplianceStores } from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import type { InsightSources } from './input';

const HISTORY_DAYS = 30;

/**
 * Reads what the insight inputs of the given entities are built from:
 * snapshots, results with their controls, the CI summary, the score and
 * 30 days of history. Entities not stored or not evaluated are left out;
 * one unreadable entity never fails the batch.
 */
export async function readInsightSources(
  deps: {
    stores: Pick<ComplianceStores, 'entities' | 'facts' | 'evaluations'>;
    catalogue: ControlCatalogue;
    logger: LoggerService;
    now: Date;
  },
  refs: string[],
): Promise<Map<string, InsightSources>> {
  const { entities, facts, evaluations } = deps.stores;
  const [snapshots, results, ciFacts] = await Promise.all([
    entities.getEntitySnapshots(refs),
    evaluations.getResults(refs),
    facts.getFacts(refs, CI_SUMMARY_FACT_ID),
  ]);
  const since = DateTime.fromJSDate(deps.now)
    .toUTC()
    .minus({ days: HISTORY_DAYS - 1 })
    .toISODate()!;
  const out = new Map<string, InsightSources>();
  for (const ref of refs) {
    const entity = snapshots.get(ref);
    if (!entity) continue;
    // One bad row never fails the batch.
    try {
      const summary = await evaluations.getSummary(ref);
      if (!summary) continue;
      const history = await evaluations.getHistory(ref, since);
      const ci = (ciFacts.get(ref) ?? []).find(
        f => f.factId === CI_SUMMARY_FACT_ID,
      );
      const parsedCi = ci?.known ? parseCiSummary(ci.value) : undefined;
      let ciUnknownReason: string | undefined;
      if (!parsedCi) {
        ciUnknownReason = ci
          ? ci.message ?? ci.unknownReason ?? 'unreadable CI summary'
          : 'no CI statistics collected';
      }
      out.set(ref, {
        entityRef: ref,
        entity: {
          kind: entity.kind,
          ...(entity.type ? { type: entity.type } : {}),
          ...(entity.lifecycle ? { lifecycle: entity.lifecycle } : {}),
          ...(entity.title ? { title: entity.title } : {}),
        },
        score: summary.score,
        coverage: summary.coverage,
        level: summary.level?.id ?? null,
        ...(summary.nextLevel
          ? {
              nextLevel: {
                id: summary.nextLevel.id,
                missingControls: summary.nextLevel.missingControls,
              },
            }
          : {}),
        results: (results.get(ref) ?? []).flatMap(r => {
          const control = deps.catalogue.get(r.controlId);
          return control
            ? [
                {
                  controlId: r.controlId,
                  status: r.status,
                  reason: r.reason,
                  ...(r.unknownReason
                    ? { unknownReason: r.unknownReason }
                    : {}),
                  control,
                },
              ]
            : [];
        }),
        ...(parsedCi ? { ci: parsedCi } : {}),
        ...(ciUnknownReason ? { ciUnknownReason } : {}),
        history: history.points.map(p => ({ day: p.day, score: p.score })),
      });
    } catch (error) {
      assertError(error);
      deps.logger.warn('Could not read the insight inputs of an entity', {
        entityRef: ref,
        error: error.message,
      });
    }
  }
  return out;
}
