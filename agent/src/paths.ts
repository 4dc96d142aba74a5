import path from 'node:path';

/** Where the agent keeps its state under `dataDir` (see docs/agent.md). */
export function dataPaths(dataDir: string) {
  return {
    credential: path.join(dataDir, 'credential.json'),
    spool: path.join(dataDir, 'spool'),
    sequence: path.join(dataDir, 'sequence.json'),
    replayCache: path.join(dataDir, 'replay-cache.jsonl'),
  };
}
