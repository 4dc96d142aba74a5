import { createTestDatabase, describeWithServer, type TestDatabase } from '@nagare/testkit';
import { startGateway } from './testing/harness';

describeWithServer('postgres', 'first admin bootstrap', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('gateway_bootstrap');
  });
  afterAll(() => db.drop());

  const captureStderr = () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    return { text: () => lines.join(''), restore: () => spy.mockRestore() };
  };

  it('prints a one-time admin password once; that admin must change it before anything else', async () => {
    const first = captureStderr();
    const gw = await startGateway({ BOOTSTRAP_ADMIN: 'true' }, { db }).finally(first.restore);
    const password = /one-time password: (\S+)/.exec(first.text())?.[1];
    expect(password).toBeDefined();
    try {
      const login = await gw.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password } });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });
      const blocked = await gw.request('GET', '/api/v1/users', { token: login.body.accessToken });
      expect(blocked.body.error.code).toBe('password_change_required');
      const changed = await gw.request('POST', '/api/v1/auth/password', {
        token: login.body.accessToken,
        body: { currentPassword: password, newPassword: 'my own strong passphrase' },
      });
      expect(changed.status).toBe(200);
      expect((await gw.request('GET', '/api/v1/users', { token: changed.body.accessToken })).status).toBe(
        200,
      );
    } finally {
      await gw.close();
    }

    // A restart on the same database finds a user and prints nothing.
    const second = captureStderr();
    const again = await startGateway({ BOOTSTRAP_ADMIN: 'true' }, { db }).finally(second.restore);
    try {
      expect(second.text()).not.toMatch(/one-time password/);
      expect(await again.identity.users.count()).toBe(1);
    } finally {
      await again.close();
    }
  });
});
