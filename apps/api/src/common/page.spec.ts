import { ApiError } from './api-error';
import { decodeCursor, encodeCursor, isCount, isExactTime, isUuid, tupleOf } from './page';

const key = tupleOf<[number, string, string]>(isCount, isExactTime, isUuid);
const at = '2026-03-08T01:02:03.123456Z';
const unit = '0b7e2f9e-3c1a-4d7b-9a51-2f3c4d5e6f70';

describe('cursors', () => {
  it('round-trip the key of the list that gave them', () => {
    expect(decodeCursor('escalations', encodeCursor('escalations', [3, at, unit]), key)).toEqual([
      3,
      at,
      unit,
    ]);
    expect(decodeCursor('escalations', undefined, key)).toBeNull();
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['another list', encodeCursor('events', [3, at, unit])],
    ['a key of another shape', encodeCursor('escalations', [3, at])],
    ['a time without microseconds', encodeCursor('escalations', [3, '2026-03-08T01:02:03Z', unit])],
    ['a negative cycle', encodeCursor('escalations', [-1, at, unit])],
    ['a SQL fragment for a unit', encodeCursor('escalations', [3, at, "x' OR 1=1 --"])],
    ['an object', Buffer.from('{"a":1}').toString('base64url')],
  ])('refuse %s with 400 naming cursor', (_, cursor) => {
    let error: unknown;
    try {
      decodeCursor('escalations', cursor, key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(400);
    expect((error as ApiError).getResponse()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^cursor: /) },
    });
  });
});
