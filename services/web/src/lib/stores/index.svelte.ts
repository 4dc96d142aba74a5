// The shared live collections: one per room, loaded on first use.
import type { AlertSummary, CommandSummary, HostSummary } from '../api/types';
import { api } from '../app.svelte';
import { LiveCollection } from './collection.svelte';

export const hosts = new LiveCollection<HostSummary>(
  'hosts',
  [],
  (h) => h.hostId,
  () => api.allHosts(),
);

export const alerts = new LiveCollection<AlertSummary>(
  'alerts',
  [],
  (a) => a.alertId,
  async () => {
    // Every open alert, and the latest resolved ones for the board's "resolved" filter.
    const [open, resolved] = await Promise.all([
      api.alerts({ state: ['active', 'acknowledged', 'silenced'], limit: 1000 }),
      api.alerts({ state: ['resolved'], limit: 200 }),
    ]);
    return [...open.alerts, ...resolved.alerts];
  },
);

export const commands = new LiveCollection<CommandSummary>(
  'commands',
  [],
  (c) => c.commandId,
  async () => (await api.commands({ limit: 200 })).commands,
);

/**
 * Acknowledge at once on screen, then ask the server; on refusal the change is rolled back
 * (unless the server's own newer version arrived meanwhile) and the error is thrown.
 */
export async function acknowledgeOptimistic(alertId: string, by: string, comment?: string): Promise<void> {
  const before = alerts.map.get(alertId);
  if (before?.state !== 'active') return;
  alerts.map.patch(alertId, { state: 'acknowledged', acknowledgedBy: by, acknowledgedAt: Date.now() });
  alerts.changed();
  try {
    await api.acknowledge(alertId, comment);
  } catch (err) {
    alerts.map.rollback(alertId, before, before.version);
    alerts.changed();
    throw err;
  }
}
