import { useState } from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { axe } from 'jest-axe';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { OverviewEntityPicker } from './OverviewEntityPicker';
import {
  PICKER_DEBOUNCE_MS,
  PICKER_LIMIT,
  toPickerOptions,
} from './entityPickerSearch';

const group = (name: string, parent?: string, title?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});

const groups: Entity[] = [
  group('engineering', undefined, 'Engineering'),
  group('platform', 'engineering', 'Platform'),
  group('team-a', 'group:default/platform', 'Team A'),
  group('sales', undefined, 'Sales'),
  // A hostile cycle in spec.parent must not hang the picker.
  group('loop-1', 'loop-2'),
  group('loop-2', 'loop-1'),
  ...Array.from({ length: 30 }, (_, i) => group(`bulk-${i}`)),
];

function fakeCatalog() {
  const api = catalogApiMock({ entities: groups });
  const query = jest.spyOn(api as any, 'queryEntities');
  return { api, query };
}

function Picker(props: { initial?: string; onChange?: (v: string) => void }) {
  const [value, setValue] = useState(props.initial ?? '');
  return (
    <>
      <OverviewEntityPicker
        kind="group"
        id="owner-picker"
        label="Owner"
        value={value}
        onChange={v => {
          setValue(v);
          props.onChange?.(v);
        }}
      />
      <output data-testid="value">{value}</output>
    </>
  );
}

async function renderPicker(initial?: string) {
  const catalog = fakeCatalog();
  const onChange = jest.fn();
  const rendered = await renderInTestApp(
    <Picker initial={initial} onChange={onChange} />,
    { apis: [[catalogApiRef, catalog.api]] },
  );
  return { ...catalog, onChange, ...rendered };
}

describe('OverviewEntityPicker', () => {
  it('searches the catalog as the user types, bounded and debounced, and picks a group', async () => {
    const { query, onChange } = await renderPicker();
    const input = screen.getByRole('textbox', { name: 'Owner' });
    await userEvent.click(input);
    // Opening lists the first entities by name only (36 groups exist).
    await screen.findByRole('option', { name: 'bulk-0' }, { timeout: 5000 });
    expect(query).toHaveBeenLastCalledWith(
      expect.objectContaining({
        filter: { kind: 'group' },
        limit: PICKER_LIMIT,
      }),
    );
    expect(screen.getAllByRole('option')).toHaveLength(PICKER_LIMIT);

    // Keystrokes within the debounce pause (a fake clock, so a slow
    // machine cannot stretch them) make one request for the whole word.
    const before = query.mock.calls.length;
    jest.useFakeTimers();
    try {
      const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
      await user.type(input, 'team', { skipClick: true });
      expect(query.mock.calls.length).toBe(before);
      await act(async () => {
        jest.advanceTimersByTime(PICKER_DEBOUNCE_MS);
      });
    } finally {
      jest.useRealTimers();
    }
    const option = await screen.findByRole(
      'option',
      { name: /^Team A/ },
      { timeout: 5000 },
    );
    expect(query.mock.calls.length - before).toBe(1);
    expect(query).toHaveBeenLastCalledWith(
      expect.objectContaining({
        fullTextFilter: expect.objectContaining({ term: 'team' }),
        limit: PICKER_LIMIT,
      }),
    );
    // The group is shown with its parents.
    expect(option).toHaveTextContent('in Engineering › Platform');

    await userEvent.click(option);
    expect(onChange).toHaveBeenLastCalledWith('group:default/team-a');
    expect(screen.getByTestId('value')).toHaveTextContent(
      'group:default/team-a',
    );
  });

  it('shows the title of a value from the URL and clears it', async () => {
    const { onChange } = await renderPicker('group:default/platform');
    const input = screen.getByRole('textbox', { name: 'Owner' });
    await waitFor(() => expect(input).toHaveValue('Platform'));
    await userEvent.clear(input);
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith(''));
  });

  it('says when nothing matches', async () => {
    await renderPicker();
    const input = screen.getByRole('textbox', { name: 'Owner' });
    await userEvent.type(input, 'zzz-nothing');
    expect(
      await screen.findByText('No match in the catalog'),
    ).toBeInTheDocument();
  });

  it('has no axe violations, open or closed', async () => {
    const { container } = await renderPicker('group:default/team-a');
    const input = screen.getByRole('textbox', { name: 'Owner' });
    await waitFor(() => expect(input).toHaveValue('Team A'));
    expect(await axe(container)).toHaveNoViolations();
    await userEvent.click(input);
    await screen.findAllByRole('option');
    // The open list is a popup on the body; a component has no landmarks.
    expect(
      await axe(document.body, { rules: { region: { enabled: false } } }),
    ).toHaveNoViolations();
  });
});

describe('toPickerOptions', () => {
  const known = new Map(
    groups.map(g => [`group:default/${g.metadata.name}`, g]),
  );

  it('puts names and titles starting with the text first, each with its parents', () => {
    const options = toPickerOptions(
      [groups[3], groups[2], groups[1]],
      known,
      'pla',
    );
    expect(options.map(o => o.title)).toEqual(['Platform', 'Sales', 'Team A']);
    expect(options[2].path).toEqual(['Engineering', 'Platform']);
  });

  it('stops at a cycle of parents', () => {
    const [option] = toPickerOptions([groups[4]], known);
    expect(option.path).toEqual(['loop-2']);
  });
});
