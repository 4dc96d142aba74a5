// The shared live collections: one per room, loaded on first use.
import type { AlertSummary, CommandSummary, HostSummary } from '../api/types';
import { api } from '../app.svelte';
import { LiveCollection } from './collection.svelte';

export const hosts = new LiveCollection<HostSummary>('hosts', [], (h) => h.hostId, () => api.allHosts());

export const alerts = new LiveCollection<AlertSummary>(
  'alerts',
  [],
  (a) => a.alertId,
  async () => (await api.alerts({ state: ['active', 'acknowledged', 'silenced'], limit: 1000 })).alerts,
);

export const commands = new LiveCollection<CommandSummary>(
  'commands',
  [],
  (c) => c.commandId,
  async () => (await api.commands({ limit: 200 })).commands,
);
