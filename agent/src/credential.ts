import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { parsePublicKey } from './executor/dispatch';
import type { HostFacts } from './model';
import { dataPaths } from './paths';
import { writeFileDurable } from './spool/files';

/** What enrollment gives an agent; stored in <dataDir>/credential.json with mode 0600. */
export interface AgentCredential {
  server: string;
  agentId: string;
  hostId: string;
  /** Secret the agent presents to ingest; the server stores only its hash. */
  credential: string;
  /** Ed25519 public key of the command service (PEM or base64), to verify dispatches. */
  signingPublicKey: string;
  enrolledAt: string;
  /** Enrolled with --allow-insecure-http to a non-loopback server: `run` may use plain ws. */
  insecureTransport?: boolean;
}

export const credentialFile = (dataDir: string) => dataPaths(dataDir).credential;

export function saveCredential(dataDir: string, c: AgentCredential): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileDurable(credentialFile(dataDir), `${JSON.stringify(c, null, 2)}\n`, 0o600);
}

/** Loads the credential; refuses one that others can read (like ssh refuses loose keys). */
export function loadCredential(dataDir: string): AgentCredential {
  const file = credentialFile(dataDir);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch {
    throw new Error(`not enrolled: ${file} does not exist (run nagare-agent enroll)`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new Error(
      `${file} is accessible by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  const c = JSON.parse(readFileSync(file, 'utf8')) as AgentCredential;
  checkCredential(c);
  return c;
}

function checkCredential(c: Partial<AgentCredential>): asserts c is AgentCredential {
  for (const k of ['agentId', 'hostId', 'credential', 'signingPublicKey'] as const) {
    if (typeof c[k] !== 'string' || !c[k]) throw new Error(`enrollment answer lacks ${k}`);
  }
  try {
    parsePublicKey(c.signingPublicKey!);
  } catch (err) {
    throw new Error(`enrollment answer has an unusable signingPublicKey: ${(err as Error).message}`);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Plain http/ws to anything but loopback: the credential would cross a network in clear. */
export function isInsecureRemote(server: string): boolean {
  const url = new URL(server);
  return (url.protocol === 'http:' || url.protocol === 'ws:') && !LOOPBACK.has(url.hostname);
}

/**
 * POST {server}/api/v1/agents/enroll {token, hostname, facts (HostFacts body + collectedAt,
 * agentVersion)} → {agentId, hostId, credential, signingPublicKey}. Plain http is allowed to loopback only, unless `allowInsecure`: the
 * token and the credential must not cross a network in clear.
 */
export async function enroll(
  server: string,
  token: string,
  facts: HostFacts,
  { allowInsecure = false, timeoutMs = 15_000, agentVersion = 'unknown' } = {},
): Promise<AgentCredential> {
  const url = new URL('/api/v1/agents/enroll', server);
  if (isInsecureRemote(server) && !allowInsecure) {
    throw new Error(`refusing to send the enrollment token over plain http to ${url.host}; use https`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Ingest validates the facts as a HostFacts record: it stamps hostId and agentId itself
      // and needs collectedAt and agentVersion from the agent.
      body: JSON.stringify({
        token,
        hostname: facts.hostname,
        facts: { ...facts, collectedAt: Date.now(), agentVersion },
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new Error(`enrollment request to ${url.origin} failed: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`enrollment refused: HTTP ${res.status} ${text.slice(0, 300)}`);
  let body: Partial<AgentCredential>;
  try {
    body = JSON.parse(text) as Partial<AgentCredential>;
  } catch {
    throw new Error('enrollment answer is not JSON');
  }
  const c = {
    server,
    agentId: body.agentId,
    hostId: body.hostId,
    credential: body.credential,
    signingPublicKey: body.signingPublicKey,
    enrolledAt: new Date().toISOString(),
    ...(isInsecureRemote(server) ? { insecureTransport: true } : {}),
  };
  checkCredential(c);
  return c;
}
