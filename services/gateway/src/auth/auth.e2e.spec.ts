import { describeWithServer } from '@nagare/testkit';
import { type Harness, PASSWORD, startGateway } from '../testing/harness';

describeWithServer('postgres', 'smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startGateway();
  });
  afterAll(() => h.close());
  it('logs in', async () => {
    const u = await h.userWithRole('admin');
    const me = await h.request('GET', '/api/v1/auth/me', { token: u.access });
    console.log(me.status, me.body, PASSWORD);
    const doc = await h.request('GET', '/api/v1/openapi.json');
    console.log(JSON.stringify(doc.body).slice(0, 3000));
  });
});
