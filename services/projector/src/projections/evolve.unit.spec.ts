import { domainEvent, hostFacts } from '../testing/fixtures';
import { evolveAlert } from './alerts';
import { evolveCommand } from './commands';
import { evolveHost } from './hosts';
import type { DomainEvent } from './projection';

const apply = (evolve: typeof evolveHost, events: { name: string; value: unknown }[]) =>
  events.reduce<Record<string, unknown> | undefined>(
    (s, e) => evolve(s, e.value as DomainEvent, e.name),
    undefined,
  );

describe('evolve (Given events, Then row)', () => {
  it('host: registered, offline, online; decommissioned stays decommissioned', () => {
    const h = 'host-1';
    const row = apply(evolveHost, [
      domainEvent('nagare.events.hosts.HostRegistered', h, 0, {
        hostId: h,
        agentId: 'a',
        hostname: 'db',
        labels: {},
        facts: hostFacts,
      }),
      domainEvent('nagare.events.hosts.HostWentOffline', h, 1, { hostId: h, lastSeenAt: 5, graceMs: 1 }),
      domainEvent('nagare.events.hosts.HostDecommissioned', h, 2, { hostId: h, reason: 'gone' }),
      domainEvent('nagare.events.hosts.HostCameOnline', h, 3, { hostId: h, offlineSince: 5 }),
    ]);
    expect(row).toMatchObject({
      status: 'decommissioned',
      decommission_reason: 'gone',
      last_seen_at: new Date(5).toISOString(),
    });
  });

  it('alert: acknowledged after resolution stays resolved', () => {
    const row = apply(evolveAlert, [
      domainEvent('nagare.events.alerts.AlertRaised', 'a1', 0, {
        alertId: 'a1',
        fingerprint: 'f',
        origin: 'RULE',
        severity: 1,
        title: 't',
        startsAt: 1,
      }),
      domainEvent('nagare.events.alerts.AlertResolved', 'a1', 1, {
        alertId: 'a1',
        resolution: 'MANUAL',
        endsAt: 2,
      }),
      domainEvent('nagare.events.alerts.AlertAcknowledged', 'a1', 2, { alertId: 'a1' }),
    ]);
    expect(row).toMatchObject({ state: 'resolved', resolution: 'MANUAL' });
  });

  it('command: rejection is recorded as a decision with its actor', () => {
    const row = apply(evolveCommand, [
      domainEvent('nagare.events.commands.CommandRequested', 'command-c1', 0, {
        commandId: 'c1',
        requestId: 'r',
        hostId: 'h',
        argv: ['reboot'],
        timeoutMs: 1,
        outputCapBytes: 1,
        reason: 'x',
        requiresApproval: true,
        policy: 'p',
      }),
      domainEvent(
        'nagare.events.commands.CommandRejected',
        'command-c1',
        1,
        { commandId: 'c1', reason: 'not now' },
        { actorId: 'boss' },
      ),
    ]);
    expect(row).toMatchObject({
      status: 'rejected',
      approvals: [{ decision: 'rejected', comment: 'not now', actor: { id: 'boss' } }],
    });
  });
});
