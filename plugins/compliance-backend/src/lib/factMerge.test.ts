import { FactState, mergeFact } from './factMerge';
import { hashOf } from './hash';

const goodAt = new Date('2026-11-01T00:00:00Z');
const laterAt = new Date('2026-11-02T00:00:00Z');

function stored(value: unknown): FactState {
  return mergeFact(undefined, {
    value: value as any,
    observedAt: goodAt,
    evidence: { url: 'https://example.com/a' },
  }).next;
}

describe('mergeFact', () => {
  it('stores a first known value as the value and the last good value', () => {
    const { next, changed, messageChanged } = mergeFact(undefined, {
      value: { n: 1 },
      observedAt: goodAt,
    });
    expect(changed).toBe(true);
    expect(messageChanged).toBe(false);
    expect(next).toMatchObject({
      value: '{"n":1}',
      unknownReason: null,
      message: null,
      lastGoodValue: '{"n":1}',
      lastGoodObservedAt: goodAt,
      evidence: null,
      observedAt: goodAt,
      changedAt: goodAt,
    });
  });

  it('stores null for a known value that is absent', () => {
    expect(mergeFact(undefined, { observedAt: goodAt }).next.value).toBe(
      'null',
    );
  });

  it('sees an equal value as unchanged and keeps when it changed', () => {
    const previous = stored(2);
    const merge = mergeFact(previous, {
      value: 2,
      observedAt: laterAt,
      evidence: { url: 'https://example.com/a' },
    });
    expect(merge.changed).toBe(false);
    expect(merge.messageChanged).toBe(false);
    expect(merge.next.valueHash).toBe(previous.valueHash);
    expect(merge.next.changedAt).toBe(goodAt);
    expect(merge.next.observedAt).toBe(laterAt);
  });

  it('sees a new value or a new evidence link as a change', () => {
    const previous = stored(2);
    expect(
      mergeFact(previous, { value: 3, observedAt: laterAt }),
    ).toMatchObject({
      changed: true,
      next: { value: '3', changedAt: laterAt },
    });
    expect(
      mergeFact(previous, {
        value: 2,
        observedAt: laterAt,
        evidence: { url: 'https://example.com/b' },
      }).changed,
    ).toBe(true);
  });

  it('keeps the stored evidence when the observation has none', () => {
    const merge = mergeFact(stored(2), { value: 2, observedAt: laterAt });
    expect(JSON.parse(merge.next.evidence!)).toEqual({
      url: 'https://example.com/a',
    });
  });

  it('tells a message-only change apart from a change', () => {
    const previous = mergeFact(undefined, {
      unknownReason: 'error',
      message: 'HTTP 502',
      observedAt: goodAt,
    }).next;
    const merge = mergeFact(previous, {
      unknownReason: 'error',
      message: 'HTTP 503',
      observedAt: laterAt,
    });
    expect(merge.changed).toBe(false);
    expect(merge.messageChanged).toBe(true);
    expect(merge.next.message).toBe('HTTP 503');
    expect(merge.next.changedAt).toBe(goodAt);
  });

  it.each(['error', 'rate_limited'] as const)(
    'keeps the last good value on a transient unknown (%s)',
    reason => {
      const previous = stored(2);
      const { next, changed } = mergeFact(previous, {
        unknownReason: reason,
        message: 'try later',
        observedAt: laterAt,
      });
      expect(changed).toBe(true);
      expect(next).toMatchObject({
        value: '2',
        unknownReason: reason,
        message: 'try later',
        lastGoodValue: '2',
        lastGoodObservedAt: goodAt,
        changedAt: laterAt,
      });
    },
  );

  it('clears the value on a non-transient unknown but keeps the last good value', () => {
    const { next, changed } = mergeFact(stored(2), {
      unknownReason: 'insufficient_permission',
      observedAt: laterAt,
    });
    expect(changed).toBe(true);
    expect(next).toMatchObject({
      value: null,
      unknownReason: 'insufficient_permission',
      lastGoodValue: '2',
      lastGoodObservedAt: goodAt,
    });

    // A transient failure after it brings the last good value back.
    const after = mergeFact(next, {
      unknownReason: 'rate_limited',
      observedAt: new Date('2026-11-03T00:00:00Z'),
    });
    expect(after.next).toMatchObject({
      value: '2',
      unknownReason: 'rate_limited',
    });
  });

  it('has no value on a transient unknown without a last good value', () => {
    const { next, changed } = mergeFact(undefined, {
      unknownReason: 'error',
      observedAt: goodAt,
    });
    expect(changed).toBe(true);
    expect(next).toMatchObject({
      value: null,
      lastGoodValue: null,
      lastGoodObservedAt: null,
    });
  });

  it('ignores the evidence link of an unknown fact in the hash', () => {
    const a = mergeFact(undefined, {
      unknownReason: 'no_repo',
      observedAt: goodAt,
      evidence: { url: 'https://example.com/a' },
    });
    const b = mergeFact(a.next, {
      unknownReason: 'no_repo',
      observedAt: laterAt,
      evidence: { url: 'https://example.com/b' },
    });
    expect(b.changed).toBe(false);
  });

  it('keeps the value hash of the stored format', () => {
    // Stored hashes must stay comparable across releases: [value JSON, reason, url].
    expect(
      mergeFact(undefined, {
        value: true,
        observedAt: goodAt,
        evidence: { url: 'https://example.com/a' },
      }).next.valueHash,
    ).toBe(hashOf(['true', null, 'https://example.com/a']));
    expect(
      mergeFact(undefined, { unknownReason: 'no_repo', observedAt: goodAt })
        .next.valueHash,
    ).toBe(hashOf([null, 'no_repo', null]));
  });
});
