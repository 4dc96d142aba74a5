import { Progress } from './progress';

const stream = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, s: { isTTY, write: (chunk: string) => out.push(chunk) } as unknown as NodeJS.WriteStream };
};

describe('Progress', () => {
  it('redraws one line with a bar on a TTY', () => {
    const { out, s } = stream(true);
    const p = new Progress('rebuild hosts', 200, s);
    p.add(50);
    p.finish();
    const last = out[out.length - 1]!;
    expect(last.startsWith('\r')).toBe(true);
    expect(last.endsWith('\n')).toBe(true);
    expect(last).toMatch(/rebuild hosts \[#{8}-{22}\] 25\.0% 50\/200 events [\d,]+ events\/s/);
  });

  it('writes plain lines when the output is not a terminal', () => {
    const { out, s } = stream(false);
    const p = new Progress('rebuild audit', undefined, s);
    p.add(1234);
    p.finish();
    expect(out.every((line) => !line.includes('\r') && line.endsWith('\n'))).toBe(true);
    expect(out[out.length - 1]).toMatch(/^rebuild audit 1,234 events [\d,]+ events\/s\n$/);
  });
});
