import { Identity } from '@nagare/identity';
import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { Pool } from 'pg';
import { startTestIngest } from '../testing/harness';
import { StoreAgentIdentity } from './identity-adapter';

describeWithServer('postgres', 'enrollment through packages/identity', () => {
  let db: TestDatabase;
  let pool: Pool;
  let identity: Identity;
  beforeAll(async () => {
    db = await createTestDatabase('ingest_identity');
    pool = new Pool({ connectionString: db.url });
    identity = new Identity({ pool });
    await identity.migrate();
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('exchanges an admin-created token for a credential that opens the agent socket, once', async () => {
    const t = await startTestIngest({}, { identity: new StoreAgentIdentity(identity.agents) });
    try {
      const { token } = await identity.agents.createEnrollmentToken({ ttlMs: 60_000 });
      const res = await fetch(`${t.ingest.url}/api/v1/agents/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, hostname: 'db-eu-1' }),
      });
      expect(res.status).toBe(201);
      const enrolled = (await res.json()) as { agentId: string; hostId: string; credential: string };
      expect(await identity.agents.verifyCredential(enrolled.credential)).toEqual({
        agentId: enrolled.agentId,
        hostId: enrolled.hostId,
      });
      const w = await t.connect(enrolled.credential).welcome;
      expect(w).toMatchObject({ agentId: enrolled.agentId, hostId: enrolled.hostId });
      const again = await fetch(`${t.ingest.url}/api/v1/agents/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, hostname: 'db-eu-1' }),
      });
      expect(again.status).toBe(403);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('TOKEN_USED');
      await expect(t.connect('nga_forged').welcome).rejects.toThrow(/401/);
    } finally {
      await t.close();
    }
  });
});
