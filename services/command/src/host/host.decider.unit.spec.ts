import { ctx, facts, system, t0 } from '../testing/fixtures';
import { deciderSpec } from '../testing/given';
import { type HostEvent, hostDecider } from './host.decider';

const given = deciderSpec(hostDecider);
const registered: HostEvent = {
  type: 'HostRegistered',
  data: { hostId: 'host-1', agentId: 'agent-1', hostname: 'db-eu-1', labels: {}, facts: facts() },
};
const sys = ctx(system);

describe('Host decider', () => {
  it('registers a host from its first facts', () => {
    given([])
      .when({ ...sys, type: 'ReportHostFacts', facts: facts() })
      .then([registered]);
  });

  it('updates facts that changed, naming the changed fields', () => {
    const next = facts({ agentSequence: 2, kernel: '6.1.0-20-amd64', memoryBytes: 1 });
    given([registered])
      .when({ ...sys, type: 'ReportHostFacts', facts: next })
      .then([
        {
          type: 'HostFactsUpdated',
          data: { hostId: 'host-1', facts: next, changed: ['kernel', 'memoryBytes'] },
        },
      ]);
  });

  it('ignores facts that did not change', () => {
    given([registered])
      .when({ ...sys, type: 'ReportHostFacts', facts: facts({ agentSequence: 2, collectedAt: t0 + 60_000 }) })
      .thenNothing();
  });

  it('ignores a redelivered or older report from the same agent', () => {
    given([registered])
      .when({ ...sys, type: 'ReportHostFacts', facts: facts({ agentSequence: 1, kernel: 'other' }) })
      .thenNothing();
  });

  it('refuses facts for a decommissioned host', () => {
    given([registered, { type: 'HostDecommissioned', data: { hostId: 'host-1', reason: 'retired' } }])
      .when({ ...sys, type: 'ReportHostFacts', facts: facts({ agentSequence: 5 }) })
      .thenFails('HOST_DECOMMISSIONED');
  });

  it('changes labels and remembers the previous ones', () => {
    given([registered])
      .when({ ...ctx(), type: 'ChangeHostLabels', hostId: 'host-1', labels: { env: 'prod' } })
      .then([
        { type: 'HostLabelsChanged', data: { hostId: 'host-1', labels: { env: 'prod' }, previous: {} } },
      ]);
  });

  it('ignores a label change to the same labels', () => {
    given([
      registered,
      { type: 'HostLabelsChanged', data: { hostId: 'host-1', labels: { env: 'prod' }, previous: {} } },
    ])
      .when({ ...ctx(), type: 'ChangeHostLabels', hostId: 'host-1', labels: { env: 'prod' } })
      .thenNothing();
  });

  it('refuses invalid label names', () => {
    given([registered])
      .when({ ...ctx(), type: 'ChangeHostLabels', hostId: 'host-1', labels: { 'bad label': 'x' } })
      .thenFails('INVALID_LABEL');
  });

  it('refuses labels on an unknown host', () => {
    given([])
      .when({ ...ctx(), type: 'ChangeHostLabels', hostId: 'host-1', labels: { env: 'prod' } })
      .thenFails('HOST_NOT_FOUND');
  });

  it('marks an online host offline once, then comes back online with the offline time', () => {
    const offline: HostEvent = {
      type: 'HostWentOffline',
      data: { hostId: 'host-1', lastSeenAt: t0, graceMs: 60_000 },
    };
    given([registered])
      .when({ ...sys, type: 'MarkHostOffline', hostId: 'host-1', lastSeenAt: t0, graceMs: 60_000 })
      .then([offline]);
    given([registered, offline])
      .when({ ...sys, type: 'MarkHostOffline', hostId: 'host-1', lastSeenAt: t0, graceMs: 60_000 })
      .thenNothing();
    given([registered, offline])
      .when({ ...ctx(system, t0 + 120_000), type: 'MarkHostOnline', hostId: 'host-1' })
      .then([{ type: 'HostCameOnline', data: { hostId: 'host-1', offlineSince: t0 } }]);
  });

  it('ignores online for a host that is already online', () => {
    given([registered])
      .when({ ...sys, type: 'MarkHostOnline', hostId: 'host-1' })
      .thenNothing();
  });

  it('decommissions once, with a reason', () => {
    given([registered])
      .when({ ...ctx(), type: 'DecommissionHost', hostId: 'host-1', reason: 'retired' })
      .then([{ type: 'HostDecommissioned', data: { hostId: 'host-1', reason: 'retired' } }]);
    given([registered])
      .when({ ...ctx(), type: 'DecommissionHost', hostId: 'host-1', reason: ' ' })
      .thenFails('REASON_REQUIRED');
    given([registered, { type: 'HostDecommissioned', data: { hostId: 'host-1', reason: 'retired' } }])
      .when({ ...ctx(), type: 'DecommissionHost', hostId: 'host-1', reason: 'again' })
      .thenFails('HOST_DECOMMISSIONED');
  });
});
