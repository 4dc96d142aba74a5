import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir, waitFor } from '@nagare/testkit';
import { Supervisor } from './supervisor';

describe('Supervisor', () => {
  it('restarts a crashed service, reports it, and stops everything on request', async () => {
    const dir = tempDir('nagare-sup-');
    const entry = path.join(dir.path, 'svc.js');
    writeFileSync(entry, "console.log('up', process.env.NAGARE_SERVICE); setInterval(() => {}, 1000);");
    const crashes: string[] = [];
    const lines: string[] = [];
    const sup = new Supervisor(path.join(dir.path, 'logs'), {
      onCrash: (name, reason) => crashes.push(`${name}: ${reason}`),
      onLine: (name, line) => lines.push(`${name}: ${line}`),
    });
    try {
      sup.start({ name: 'svc', entry });
      const first = await waitFor(() => sup.pid('svc'), { what: 'first start' });
      await waitFor(() => lines.includes('svc: up svc'), { what: 'output' });
      process.kill(first, 'SIGKILL');
      const second = await waitFor(
        () => {
          const p = sup.pid('svc');
          return p !== undefined && p !== first ? p : undefined;
        },
        { what: 'restart', timeoutMs: 10_000 },
      );
      expect(crashes).toEqual(['svc: killed by SIGKILL']);
      await sup.stopAll(2000);
      expect(() => process.kill(second, 0)).toThrow();
    } finally {
      await sup.stopAll();
      dir.cleanup();
    }
  });
});
