import { StuckGuard } from './stuck';

describe('StuckGuard', () => {
  it('times a hung call out and does not start the same one again until it returns', async () => {
    const g = new StuckGuard();
    let release!: (v: string) => void;
    let calls = 0;
    const hung = () => {
      calls++;
      return new Promise<string>((r) => {
        release = r;
      });
    };
    expect(await g.run('statfs:/nfs', hung, 20)).toEqual({ status: 'timeout' });
    expect(await g.run('statfs:/nfs', hung, 20)).toEqual({ status: 'still-pending' });
    expect(calls).toBe(1);
    // other keys are unaffected
    expect(await g.run('statfs:/', async () => 'fine', 20)).toEqual({ status: 'ok', value: 'fine' });
    release('late');
    await new Promise((r) => setImmediate(r));
    expect(await g.run('statfs:/nfs', async () => 'back', 20)).toEqual({ status: 'ok', value: 'back' });
    expect(await g.run('x', () => Promise.reject(new Error('EACCES')), 20)).toEqual({ status: 'failed' });
  });
});
