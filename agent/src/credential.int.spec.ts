import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tempDir } from '@nagare/testkit';
import { credentialFile, enroll, loadCredential, saveCredential } from './credential';
import type { HostFacts } from './model';

const facts: HostFacts = {
  hostname: 'web-1',
  os: { name: 'Debian GNU/Linux 12 (bookworm)', version: '12', id: 'debian' },
  kernel: '6.1.0',
  arch: 'x64',
  cpu: { model: 'x', cores: 2, threads: 4, mhz: null },
  memoryBytes: 8 * 2 ** 30,
  swapBytes: 0,
  bootTime: null,
  disks: [],
  filesystems: [],
  nics: [],
  gpus: [],
};
const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('enrollment', () => {
  let server: http.Server;
  let url: string;
  let seen: { method?: string; url?: string; body?: unknown } = {};
  let reply: { status: number; body: string };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen = { method: req.method, url: req.url, body: JSON.parse(body) };
        res.statusCode = reply.status;
        res.end(reply.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('posts token, hostname and facts, and stores the credential with mode 0600', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ agentId: 'a-1', hostId: 'h-1', credential: 's3cret', signingPublicKey: pem }),
    };
    const c = await enroll(url, 'tok-123', facts, { agentVersion: '0.1.0' });
    expect(seen).toEqual({
      method: 'POST',
      url: '/api/v1/agents/enroll',
      body: {
        token: 'tok-123',
        hostname: 'web-1',
        facts: { ...facts, collectedAt: expect.any(Number), agentVersion: '0.1.0' },
      },
    });
    const dir = tempDir();
    try {
      saveCredential(dir.path, c);
      expect(statSync(credentialFile(dir.path)).mode & 0o777).toBe(0o600);
      expect(loadCredential(dir.path)).toMatchObject({ agentId: 'a-1', hostId: 'h-1', credential: 's3cret' });
      chmodSync(credentialFile(dir.path), 0o644);
      expect(() => loadCredential(dir.path)).toThrow(/chmod 600/);
    } finally {
      dir.cleanup();
    }
  });

  it('reports refusals and bad answers clearly', async () => {
    reply = { status: 401, body: '{"message":"token expired"}' };
    await expect(enroll(url, 't', facts)).rejects.toThrow(/HTTP 401.*token expired/);
    reply = {
      status: 200,
      body: JSON.stringify({ agentId: 'a', hostId: 'h', credential: 'c', signingPublicKey: 'bm90IGEga2V5' }),
    };
    await expect(enroll(url, 't', facts)).rejects.toThrow(/signingPublicKey/);
    reply = { status: 200, body: '<html>' };
    await expect(enroll(url, 't', facts)).rejects.toThrow(/not JSON/);
  });

  it('refuses plain http beyond loopback', async () => {
    await expect(enroll('http://nagare.example.com', 't', facts)).rejects.toThrow(/plain http/);
  });

  it('says when there is no credential', () => {
    expect(() => loadCredential('/nonexistent-nagare')).toThrow(/not enrolled/);
  });
});
