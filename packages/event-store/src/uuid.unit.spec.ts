import { categoryOf } from './category';
import { isUuid, uuidv7 } from './uuid';

describe('uuidv7', () => {
  it('has version 7, the RFC variant and the timestamp in its first 48 bits', () => {
    const id = uuidv7(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  });

  it('sorts in creation order, also within one millisecond', () => {
    const now = Date.UTC(2030, 5, 1);
    const ids = Array.from({ length: 5000 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('categoryOf', () => {
  it('is the stream id before the first dash, or the whole id', () => {
    expect(categoryOf('host-42')).toBe('host');
    expect(categoryOf('alert-a-b')).toBe('alert');
    expect(categoryOf('singleton')).toBe('singleton');
  });
});
