import { z } from 'zod';
import { DomainError, type Role } from '../shared/decider';
import { selectorMatches } from '../shared/matchers';

const RoleSchema = z.enum(['viewer', 'operator', 'approver', 'admin', 'auditor']);

/** Who may run what where (design.md, security model). Loaded from config as JSON. */
export const CommandPolicyConfig = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** Roles allowed by this rule (any of). */
        roles: z.array(RoleSchema).min(1),
        /** Host labels the target host must have (equality). */
        hostSelector: z.record(z.string(), z.string()).default({}),
        /** Anchored regular expressions over the command line (argv joined by spaces). */
        commands: z.array(z.string()).min(1),
        /** Every command this rule allows needs a second person. */
        requireApproval: z.boolean().default(false),
      }),
    )
    .min(1),
  /** Anchored regular expressions: a matching command line needs approval whatever the rule. */
  riskyPatterns: z.array(z.string()).default([]),
  /** `shell: true` commands can do anything, so they need approval. */
  shellRequiresApproval: z.boolean().default(true),
});
export type CommandPolicyConfig = z.infer<typeof CommandPolicyConfig>;

export const defaultCommandPolicy: CommandPolicyConfig = CommandPolicyConfig.parse({
  rules: [{ name: 'operators', roles: ['operator', 'approver', 'admin'], commands: ['.*'] }],
  riskyPatterns: [
    '(sudo\\s+)?(rm|dd|mkfs(\\.\\w+)?|shred|wipefs|fdisk|parted|shutdown|reboot|halt|poweroff|init|kill|pkill|killall|iptables|nft|userdel|usermod|passwd|chmod|chown)(\\s.*)?',
    '(sudo\\s+)?systemctl\\s+(stop|restart|disable|mask|kill|reboot|poweroff|isolate)(\\s.*)?',
    '.*[;&|`$<>].*',
  ],
});

export interface PolicyInput {
  roles: readonly Role[];
  argv: readonly string[];
  shell: boolean;
  hostLabels: Readonly<Record<string, string>>;
}

export interface PolicyDecision {
  policy: string;
  requiresApproval: boolean;
}

/** Compiles a policy once; a bad regex in the config fails at start, not on a request. */
export class CommandPolicy {
  private readonly rules: { rule: CommandPolicyConfig['rules'][number]; commands: RegExp[] }[];
  private readonly risky: RegExp[];

  constructor(private readonly config: CommandPolicyConfig) {
    const anchored = (p: string) => new RegExp(`^(?:${p})$`, 's');
    this.rules = config.rules.map((rule) => ({ rule, commands: rule.commands.map(anchored) }));
    this.risky = config.riskyPatterns.map(anchored);
  }

  /** The first rule that lets these roles run this command on this host, or POLICY_DENIED. */
  evaluate(input: PolicyInput): PolicyDecision {
    const line = input.argv.join(' ');
    const match = this.rules.find(
      ({ rule, commands }) =>
        rule.roles.some((r) => input.roles.includes(r)) &&
        selectorMatches(rule.hostSelector, input.hostLabels) &&
        commands.some((c) => c.test(line)),
    );
    if (!match) {
      throw new DomainError(
        'POLICY_DENIED',
        `no policy rule allows ${JSON.stringify(line)} for roles [${input.roles.join(', ')}] on this host`,
      );
    }
    const risky = this.risky.some((r) => r.test(line)) || (input.shell && this.config.shellRequiresApproval);
    return { policy: match.rule.name, requiresApproval: match.rule.requireApproval || risky };
  }
}
