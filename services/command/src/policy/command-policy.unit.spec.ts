import { DomainError } from '../shared/decider';
import { CommandPolicy, CommandPolicyConfig, defaultCommandPolicy } from './command-policy';

const policy = new CommandPolicy(
  CommandPolicyConfig.parse({
    rules: [
      {
        name: 'db-admins',
        roles: ['admin'],
        hostSelector: { role: 'db' },
        commands: ['.*'],
        requireApproval: true,
      },
      { name: 'read-only', roles: ['operator'], commands: ['(uptime|df -h|journalctl( .*)?)'] },
    ],
    riskyPatterns: ['journalctl --vacuum.*'],
  }),
);
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'allowed';
};

describe('CommandPolicy', () => {
  it('allows a command by role, host label and pattern; the first matching rule names the policy', () => {
    expect(
      policy.evaluate({ roles: ['operator'], argv: ['df', '-h'], shell: false, hostLabels: {} }),
    ).toEqual({
      policy: 'read-only',
      requiresApproval: false,
    });
    expect(
      policy.evaluate({
        roles: ['admin'],
        argv: ['rm', '-rf', '/tmp/x'],
        shell: false,
        hostLabels: { role: 'db' },
      }),
    ).toEqual({
      policy: 'db-admins',
      requiresApproval: true,
    });
  });

  it('denies what no rule allows', () => {
    expect(
      code(() =>
        policy.evaluate({ roles: ['operator'], argv: ['rm', '-rf', '/'], shell: false, hostLabels: {} }),
      ),
    ).toBe('POLICY_DENIED');
    expect(
      code(() =>
        policy.evaluate({ roles: ['admin'], argv: ['uptime'], shell: false, hostLabels: { role: 'web' } }),
      ),
    ).toBe('POLICY_DENIED');
    expect(
      code(() => policy.evaluate({ roles: ['viewer'], argv: ['uptime'], shell: false, hostLabels: {} })),
    ).toBe('POLICY_DENIED');
    // Anchored: a suffix does not sneak through.
    expect(
      code(() =>
        policy.evaluate({ roles: ['operator'], argv: ['uptime;', 'reboot'], shell: false, hostLabels: {} }),
      ),
    ).toBe('POLICY_DENIED');
  });

  it('requires approval for risky patterns and shell commands', () => {
    expect(
      policy.evaluate({
        roles: ['operator'],
        argv: ['journalctl', '--vacuum-size=1G'],
        shell: false,
        hostLabels: {},
      }).requiresApproval,
    ).toBe(true);
    const d = new CommandPolicy(defaultCommandPolicy);
    const risky = (argv: string[], shell = false) =>
      d.evaluate({ roles: ['operator'], argv, shell, hostLabels: {} }).requiresApproval;
    expect(risky(['uptime'])).toBe(false);
    expect(risky(['systemctl', 'status', 'nginx'])).toBe(false);
    expect(risky(['systemctl', 'restart', 'nginx'])).toBe(true);
    expect(risky(['rm', '-rf', '/var/tmp/x'])).toBe(true);
    expect(risky(['sudo', 'reboot'])).toBe(true);
    expect(risky(['echo hi'], true)).toBe(true);
  });

  it('refuses a config with a bad regex at construction', () => {
    expect(() => new CommandPolicy({ ...defaultCommandPolicy, riskyPatterns: ['('] })).toThrow();
  });
});
