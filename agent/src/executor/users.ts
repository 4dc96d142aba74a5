import { readFileSync } from 'node:fs';

export interface UserIds {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Looks a user up in /etc/passwd by name or numeric uid (no NSS: the agent stays dependency-free). */
export function lookupUser(user: string, passwd = '/etc/passwd'): UserIds | undefined {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    const entry = { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! };
    if (!Number.isInteger(entry.uid) || !Number.isInteger(entry.gid)) continue;
    if (entry.name === user || String(entry.uid) === user) return entry;
  }
  if (/^\d+$/.test(user)) return { name: user, uid: Number(user), gid: Number(user), home: '/' };
  return undefined;
}
