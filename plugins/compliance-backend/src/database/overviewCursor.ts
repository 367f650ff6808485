import { InputError } from '@backstage/errors';
import type { OverviewFilter } from './ComplianceStore';

/** Where a page ended: the sort value and the ref of its last row. */
export interface OverviewCursor {
  /** The sort value; null when the row had none (nulls sort last). */
  value: string | number | Date | null;
  ref: string;
}

interface Encoded {
  s: string;
  o: string;
  f: string;
  v: string | number | null;
  d?: 1;
  r: string;
}

/** The opaque cursor of the page after the row with this sort value and ref. */
export function encodeCursor(
  filter: Pick<OverviewFilter, 'sort' | 'order' | 'framework'>,
  value: unknown,
  ref: string,
): string {
  const isDate = value instanceof Date;
  let v: Encoded['v'] = null;
  if (isDate) v = value.toISOString();
  else if (typeof value === 'number' || typeof value === 'string') v = value;
  const encoded: Encoded = {
    s: filter.sort,
    o: filter.order,
    f: filter.framework ?? '',
    v,
    ...(isDate ? { d: 1 as const } : {}),
    r: ref,
  };
  return Buffer.from(JSON.stringify(encoded), 'utf8').toString('base64url');
}

/**
 * The position a cursor holds; InputError when it is malformed or was made
 * for another sort, order or framework.
 */
export function decodeCursor(
  cursor: string,
  filter: Pick<OverviewFilter, 'sort' | 'order' | 'framework'>,
): OverviewCursor {
  let e: Partial<Encoded>;
  try {
    e = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('Invalid overview query: cursor is malformed');
  }
  const valueOk =
    e &&
    (e.v === null ||
      typeof e.v === 'number' ||
      (typeof e.v === 'string' && e.v.length <= 1000));
  if (!valueOk || typeof e.r !== 'string' || e.r.length > 255) {
    throw new InputError('Invalid overview query: cursor is malformed');
  }
  if (
    e.s !== filter.sort ||
    e.o !== filter.order ||
    e.f !== (filter.framework ?? '')
  ) {
    throw new InputError(
      'Invalid overview query: cursor belongs to another sort, order or framework; start again without it',
    );
  }
  let value: OverviewCursor['value'] = e.v ?? null;
  if (e.d && typeof e.v === 'string') {
    const date = new Date(e.v);
    if (Number.isNaN(date.getTime())) {
      throw new InputError('Invalid overview query: cursor is malformed');
    }
    value = date;
  }
  return { value, ref: e.r };
}
