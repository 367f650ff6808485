import { ChangeEvent } from 'react';
import useAsync from 'react-use/esm/useAsync';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { complianceTranslationRef } from '../../translation';

/** An entity to pick, with its depth in the group hierarchy. */
export interface PickerOption {
  ref: string;
  title: string;
  depth: number;
}

/**
 * Entities in picker order: groups depth first below their parent (the
 * hierarchy of `spec.parent`), others by title. Pure, for tests.
 */
export function pickerOptions(entities: Entity[]): PickerOption[] {
  const byRef = new Map<string, Entity>();
  for (const e of entities)
    byRef.set(stringifyEntityRef(e).toLocaleLowerCase('en-US'), e);
  const title = (e: Entity) =>
    String(
      (e.spec as any)?.profile?.displayName ?? e.metadata.title ?? e.metadata.name,
    ).slice(0, 200);
  const parentOf = (e: Entity): string | undefined => {
    const parent = (e.spec as any)?.parent;
    if (typeof parent !== 'string' || !parent) return undefined;
    const full = parent.includes(':') ? parent : `group:${parent}`;
    const ref = (full.includes('/') ? full : full.replace(':', `:${e.metadata.namespace ?? 'default'}/`)).toLocaleLowerCase('en-US');
    return byRef.has(ref) ? ref : undefined;
  };
  const children = new Map<string | undefined, Entity[]>();
  for (const e of byRef.values()) {
    const p = parentOf(e);
    children.set(p, [...(children.get(p) ?? []), e]);
  }
  const out: PickerOption[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | undefined, depth: number) => {
    const kids = [...(children.get(parent) ?? [])].sort((a, b) =>
      title(a).localeCompare(title(b)),
    );
    for (const e of kids) {
      const ref = stringifyEntityRef(e).toLocaleLowerCase('en-US');
      if (seen.has(ref)) continue; // a cycle in spec.parent
      seen.add(ref);
      out.push({ ref, title: title(e), depth: Math.min(depth, 6) });
      walk(ref, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

/**
 * A catalog entity picker of the overview (owner groups with their
 * hierarchy, or systems). The value is an entity ref.
 */
export function OverviewEntityPicker(props: {
  kind: 'group' | 'system';
  id: string;
  label: string;
  helperText?: string;
  value: string;
  onChange: (ref: string) => void;
}) {
  const { kind, value } = props;
  const catalogApi = useApi(catalogApiRef);
  const { t } = useTranslationRef(complianceTranslationRef);
  const { value: options = [] } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.parent',
        'spec.profile.displayName',
      ],
    });
    return pickerOptions(items);
  }, [catalogApi, kind]);
  // A ref from the URL that is not (yet) in the catalog's answer stays selectable.
  const all =
    value && !options.some(o => o.ref === value)
      ? [...options, { ref: value, title: value, depth: 0 }]
      : options;
  return (
    <TextField
      select
      fullWidth
      size="small"
      variant="outlined"
      id={props.id}
      label={props.label}
      helperText={props.helperText}
      value={value}
      onChange={(e: ChangeEvent<{ value: unknown }>) =>
        props.onChange(String(e.target.value ?? ''))
      }
    >
      <MenuItem value="">{t('overview.any')}</MenuItem>
      {all.map(o => (
        <MenuItem
          key={o.ref}
          value={o.ref}
          style={{ paddingLeft: 16 + o.depth * 16 }}
        >
          {o.title}
        </MenuItem>
      ))}
    </TextField>
  );
}
