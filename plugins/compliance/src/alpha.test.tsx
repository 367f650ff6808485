import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import compliancePlugin, {
  complianceCiSignalsCard,
  complianceEntityContent,
  compliancePage,
} from './alpha';
import { complianceApiRef } from './api';
import {
  ciFacts,
  entity,
  makeHistory,
  makeSummary,
  results,
} from './__testUtils__/fixtures';

const fakeApi = {
  getSummary: async () => makeSummary(),
  getResults: async () => ({ items: results }),
  getHistory: async () => makeHistory(30),
  getFacts: async () => ({ items: ciFacts }),
};

describe('new frontend system', () => {
  it('declares the plugin and its extension ids', () => {
    expect(compliancePlugin.id).toBe('compliance');
    for (const id of [
      'page:compliance',
      'entity-content:compliance/report',
      'entity-card:compliance/score',
      'entity-card:compliance/ci-signals',
      'api:compliance',
    ] as const) {
      expect(compliancePlugin.getExtension(id)).toBeDefined();
    }
  });

  it('renders the Compliance tab for an entity', async () => {
    const tester = createExtensionTester(complianceEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Compliance',
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('compliance');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(entity)).toBe(true);
    expect(filter?.({ ...entity, kind: 'Group' })).toBe(false);
    expect(
      filter?.({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: { 'compliance.backstage.io/skip': 'true' },
        },
      }),
    ).toBe(false);

    await renderInTestApp(
      <EntityProvider entity={entity}>{tester.reactElement()}</EntityProvider>,
      {
        apis: [
          [complianceApiRef, fakeApi],
          mockApis.permission({ authorize: AuthorizeResult.DENY }),
        ],
      },
    );
    expect(await screen.findByRole('meter', { name: 'Score' })).toHaveAttribute(
      'aria-valuenow',
      '73',
    );
    // Failing, warning and passing controls; the unknown one is in a group.
    expect(await screen.findAllByTestId('compliance-control')).toHaveLength(4);
    expect(screen.getByTestId('compliance-unknown-group')).toBeInTheDocument();
  });

  it('renders the CI signals card with a declarative filter', async () => {
    const tester = createExtensionTester(complianceCiSignalsCard);
    expect(
      tester.get(EntityCardBlueprint.dataRefs.filterFunction)?.(entity),
    ).toBe(true);
    await renderInTestApp(
      <EntityProvider entity={entity}>{tester.reactElement()}</EntityProvider>,
      {
        apis: [[complianceApiRef, fakeApi]],
      },
    );
    expect(await screen.findByTestId('ci-pass-rate')).toHaveTextContent('93%');
  });

  it('gives the page a path, title and icon', () => {
    const tester = createExtensionTester(compliancePage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/compliance');
    expect(tester.get(coreExtensionData.title)).toBe('Compliance');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });
});
