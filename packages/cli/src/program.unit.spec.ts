import { buildProgram } from './program';

describe('nagare command tree', () => {
  it('offers --help on every level', () => {
    const program = buildProgram();
    const walk = (cmd: ReturnType<typeof buildProgram>): string[] => [
      cmd.name(),
      ...cmd.commands.flatMap((c) => walk(c as ReturnType<typeof buildProgram>)),
    ];
    const names = walk(program);
    expect(names).toContain('up');
    for (const cmd of [program, ...program.commands]) {
      expect(cmd.helpInformation()).toMatch(/Usage: /);
      expect(cmd.helpInformation()).toMatch(/-h, --help/);
    }
  });
});
