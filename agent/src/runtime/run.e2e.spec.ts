import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AgentFrame, ServerFrame } from '@nagare/contracts';
import { tempDir, waitFor } from '@nagare/testkit';
import { WebSocketServer } from 'ws';
import { saveCredential } from '../credential';
import { FrameCodec } from '../protocol/frames';

const RUN_TS = path.join(__dirname, '..', '..', '..', 'tools', 'run-ts.cjs');
const MAIN = path.join(__dirname, '..', 'main.ts');

describe('nagare-agent run', () => {
  it('connects with its credential, streams batches until SIGTERM, and exits cleanly', async () => {
    const codec = FrameCodec.load();
    const frames: AgentFrame['body'][] = [];
    const server = http.createServer();
    const wss = new WebSocketServer({ server, path: '/api/v1/agents/connect' });
    const auth: string[] = [];
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    wss.on('connection', (ws, req) => {
      auth.push(String(req.headers.authorization));
      const send = (body: ServerFrame['body']) => ws.send(codec.encodeServerFrame({ body } as ServerFrame));
      send({
        'nagare.agent.Welcome': {
          agentId: 'a-9',
          hostId: 'h-9',
          lastAckedSequence: -1,
          serverTime: Date.now(),
          heartbeatMs: 30_000,
          signingPublicKey: pem,
        },
      });
      ws.on('message', (data: Buffer) => {
        const body = codec.decodeAgentFrame(data).body;
        frames.push(body);
        const seq = (Object.values(body)[0] as { agentSequence?: number }).agentSequence;
        if (seq !== undefined)
          send({ 'nagare.agent.Ack': { sequence: seq, status: 'ACCEPTED', reason: null } });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = tempDir('nagare-run-e2e-');
    try {
      saveCredential(dir.path, {
        server: url,
        agentId: 'a-9',
        hostId: 'h-9',
        credential: 'cred-9',
        signingPublicKey: pem,
        enrolledAt: new Date().toISOString(),
      });
      const cfg = path.join(dir.path, 'agent.yaml');
      writeFileSync(
        cfg,
        `server: ${url}\ndataDir: ${dir.path}\nintervalSeconds: 0.5\ncollectors: { smart: false, gpu: false, docker: false }\n`,
      );
      const child = spawn(process.execPath, [RUN_TS, MAIN, '-c', cfg, 'run'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await waitFor(() => frames.filter((f) => 'nagare.telemetry.MetricBatch' in f).length >= 2, {
        timeoutMs: 30_000,
        what: `batches (stderr: ${stderr})`,
      });
      expect(auth).toEqual(['Bearer cred-9']);
      expect(Object.keys(frames[0]!)).toEqual(['nagare.agent.Hello']);
      const facts = frames.find((f) => 'nagare.telemetry.HostFacts' in f) as {
        'nagare.telemetry.HostFacts': { agentId: string; hostname: string };
      };
      expect(facts['nagare.telemetry.HostFacts'].agentId).toBe('a-9');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => server.close(r));
      dir.cleanup();
    }
  });

  it('refuses to run without enrollment', async () => {
    const dir = tempDir('nagare-run-e2e-');
    try {
      const cfg = path.join(dir.path, 'agent.yaml');
      writeFileSync(cfg, `dataDir: ${dir.path}\n`);
      const child = spawn(process.execPath, [RUN_TS, MAIN, '-c', cfg, 'run'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(stderr).toMatch(/not enrolled/);
    } finally {
      dir.cleanup();
    }
  });
});
