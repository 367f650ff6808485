import type {
  OverviewQuery,
  OverviewResponse,
} from 'backstage-plugin-compliance-common';
import type { OverviewStore } from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';

/** What the overview store answers for one page of a filter. */
export type OverviewPage = Awaited<ReturnType<OverviewStore['getOverview']>>;

/**
 * The overview API answer of a stored page: level and control titles from
 * the catalogue (a control no longer configured keeps its id). Pure.
 */
export function toOverviewResponse(
  page: OverviewPage,
  query: OverviewQuery,
  catalogue: ControlCatalogue,
): OverviewResponse {
  return {
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    items: page.items.map(i => ({
      ...i,
      level: i.level
        ? { id: i.level.id, title: catalogue.levelTitle(i.level.id) }
        : null,
    })),
    totalCount: page.totalCount,
    page: query.page,
    pageSize: query.pageSize,
    distribution: page.distribution,
    topFailingControls: page.topFailing.map(t => ({
      controlId: t.controlId,
      title: catalogue.get(t.controlId)?.title ?? t.controlId,
      count: t.count,
    })),
    levels: page.levels,
    ...(query.framework ? { framework: query.framework } : {}),
  };
}
