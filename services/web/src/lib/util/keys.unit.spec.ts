import { initialKeyState, type KeyInput, moveSelection, resolveKey, SEQUENCE_TIMEOUT_MS } from './keys';

function run(keys: Partial<KeyInput>[]) {
  let state = initialKeyState();
  const actions: (string | null)[] = [];
  for (const k of keys) {
    const r = resolveKey(state, { key: '', at: 0, ...k });
    state = r.state;
    actions.push(r.action);
  }
  return actions;
}

describe('resolveKey', () => {
  it('maps single keys', () => {
    expect(run([{ key: 'j' }, { key: 'k' }, { key: '/' }, { key: 'a' }, { key: '?' }])).toEqual([
      'next',
      'prev',
      'search',
      'acknowledge',
      'help',
    ]);
  });
  it('maps g sequences within the timeout', () => {
    expect(
      run([
        { key: 'g', at: 0 },
        { key: 'h', at: 500 },
      ]),
    ).toEqual([null, 'go-hosts']);
    expect(
      run([
        { key: 'g', at: 0 },
        { key: 'a', at: 10 },
      ]),
    ).toEqual([null, 'go-alerts']);
  });
  it('treats a late second key as a key of its own', () => {
    expect(
      run([
        { key: 'g', at: 0 },
        { key: 'a', at: SEQUENCE_TIMEOUT_MS + 1 },
      ]),
    ).toEqual([null, 'acknowledge']);
  });
  it('ignores keys typed in fields and with modifiers, except Escape', () => {
    expect(
      run([
        { key: 'j', inField: true },
        { key: 'Escape', inField: true },
      ]),
    ).toEqual([null, 'escape']);
    expect(run([{ key: 'k', ctrlKey: true }, { key: 'g', metaKey: true }, { key: 'h' }])).toEqual([
      null,
      null,
      null,
    ]);
  });
  it('an unknown key after g cancels the sequence', () => {
    expect(
      run([
        { key: 'g', at: 0 },
        { key: 'x', at: 1 },
        { key: 'h', at: 2 },
      ]),
    ).toEqual([null, null, null]);
  });
});

describe('moveSelection', () => {
  it('clamps and starts from the ends', () => {
    expect(moveSelection(-1, 3, 'next')).toBe(0);
    expect(moveSelection(-1, 3, 'prev')).toBe(2);
    expect(moveSelection(2, 3, 'next')).toBe(2);
    expect(moveSelection(0, 3, 'prev')).toBe(0);
    expect(moveSelection(0, 0, 'next')).toBe(-1);
  });
});
