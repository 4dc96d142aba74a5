// End to end through the dashboard in headless Chromium (Debian's /usr/bin/chromium, never a
// downloaded browser) against a running platform with at least one real agent:
//   NAGARE_E2E_URL       where the gateway serves the app and the API (e.g. http://127.0.0.1:8080)
//   NAGARE_E2E_USER      an admin (creates and deletes a rule)
//   NAGARE_E2E_PASSWORD  its password (must not be due for a change)
//   NAGARE_E2E_HOSTNAME  optional: the agent's host to use (default: the first online host)
// Screenshots go to services/web/artifacts/ (gitignored). Without NAGARE_E2E_URL it skips.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const BASE = process.env.NAGARE_E2E_URL?.replace(/\/$/, '');
const USER = process.env.NAGARE_E2E_USER ?? 'admin';
const PASSWORD = process.env.NAGARE_E2E_PASSWORD ?? '';
const WANTED_HOST = process.env.NAGARE_E2E_HOSTNAME;
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!BASE) {
  console.log(
    'dashboard e2e skipped: NAGARE_E2E_URL is not set (start the platform and set NAGARE_E2E_URL/USER/PASSWORD)',
  );
}

/** A direct API session for set-up and clean-up the UI is not under test for. */
async function apiSession(username = USER, password = PASSWORD) {
  const login = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`API login failed: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${BASE}/api/v1${p}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

(BASE ? describe : describe.skip)('dashboard against a running platform', () => {
  let browser: Browser;
  let page: Page;
  let call: Awaited<ReturnType<typeof apiSession>>;
  let hostId = '';
  let ruleId: string | null = null;
  const marker = `nagare-e2e-${Date.now()}`;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    call = await apiSession();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => console.error('page error:', err.message));
  }, 60_000);

  afterAll(async () => {
    if (ruleId) await call('DELETE', `/rules/${ruleId}`).catch(() => undefined);
    await browser?.close();
  });

  it('logs in', async () => {
    await page.goto(`${BASE}/login`);
    await page.fill('input[name=username]', USER);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
    await page.waitForSelector('[data-testid=overview-ready]', { timeout: 20_000 });
    await shot(page, '01-overview');
  }, 60_000);

  it("shows a real agent's host with live charts", async () => {
    await page.goto(`${BASE}/hosts`);
    await page.waitForSelector('[data-testid=hosts-table] tbody tr[data-index]', { timeout: 60_000 });
    if (WANTED_HOST) await page.fill('input[data-search]', WANTED_HOST);
    const row = page.locator('[data-testid=hosts-table] tbody tr[data-index]', { hasText: 'online' }).first();
    await row.waitFor({ timeout: 60_000 });
    await shot(page, '02-hosts');
    await row.locator('td.host a').click();
    await page.waitForURL(/\/hosts\/[^/]+/);
    hostId = new URL(page.url()).pathname.split('/')[2]!;
    await page.click('button[aria-pressed][title^="15 min"]');
    const cpuPlot = page.locator('[data-testid=host-charts] figure').first().locator('.plot');
    const points = async () => Number((await cpuPlot.getAttribute('data-points')) ?? 0);
    const first = await until(
      'CPU samples on the chart',
      async () => (await points()) > 0 && (await points()),
      60_000,
    );
    // Live: the chart grows from host.metrics without a reload.
    await until('a live sample', async () => (await points()) > first, 60_000);
    await shot(page, '03-host-live-charts');
  }, 180_000);

  it('raises an alert through a rule and acknowledges it', async () => {
    const created = await call<{ ruleId: string }>('POST', '/rules', {
      name: marker,
      description: 'dashboard e2e: always true for the agent host',
      metric: 'load1',
      matchers: [],
      hostSelector: {},
      comparator: 'GTE',
      threshold: 0,
      resolveThreshold: null,
      forMs: 0,
      severity: 1,
      autoResolve: false,
      enabled: true,
    });
    ruleId = created.ruleId;
    const alert = await until(
      'the rule to raise an alert',
      async () => {
        const r = await call<{ alerts: { alertId: string; hostId: string; ruleId: string }[] }>(
          'GET',
          `/alerts?state=active&hostId=${hostId}`,
        );
        return r.alerts.find((a) => a.ruleId === ruleId);
      },
      120_000,
    );
    await page.goto(`${BASE}/alerts`);
    await page.waitForSelector(`[data-alert="${alert.alertId}"][data-state=active]`, { timeout: 30_000 });
    await shot(page, '04-alert-raised');
    await page.goto(`${BASE}/alerts/${alert.alertId}`);
    await page.click('[data-testid=acknowledge]');
    await page.waitForSelector('[data-testid=alert-timeline] li:has-text("Acknowledged")', {
      timeout: 30_000,
    });
    await shot(page, '05-alert-acknowledged');
    await call('POST', `/alerts/${alert.alertId}/resolve`, { reason: 'dashboard e2e clean-up' }).catch(
      () => undefined,
    );
  }, 240_000);

  it('runs a command and watches its output stream', async () => {
    await page.goto(`${BASE}/hosts/${hostId}`);
    await page.click('#tab-console');
    await page.fill('input[name=command]', `sh -c "for i in 1 2 3; do echo ${marker}-$i; sleep 1; done"`);
    await page.fill('input[name=reason]', 'dashboard e2e');
    await page.waitForSelector('[data-testid=policy-feedback] .notice', { timeout: 15_000 });
    await page.click('form[aria-label="Run a command"] button[type=submit]');
    // A shell command is risky under the default policy: a second person with the approver
    // role approves it, as an operator's colleague would.
    const pending = await until('the command request', async () => {
      const r = await call<{ commands: { commandId: string; argv: string[]; state: string }[] }>(
        'GET',
        `/commands?hostId=${hostId}`,
      );
      return r.commands.find((c) => c.argv.join(' ').includes(marker));
    });
    if (pending.state === 'awaiting_approval') {
      const approver = `e2e-approver-${Date.now()}`;
      const secret = `Approve-${Math.random().toString(36).slice(2)}-${Date.now()}!`;
      await call('POST', '/users', {
        username: approver,
        password: secret,
        role: 'approver',
        mustChangePassword: false,
      });
      const asApprover = await apiSession(approver, secret);
      await asApprover('POST', `/commands/${pending.commandId}/approve`, { comment: 'dashboard e2e' });
    }
    const output = page.locator('[data-testid=command-output]');
    // Streaming: the first line shows before the command has finished.
    await page.waitForSelector(`[data-testid=command-output] pre:has-text("${marker}-1")`, {
      timeout: 60_000,
    });
    const stateAtFirstLine = await output.getAttribute('data-state');
    await shot(page, '06-command-streaming');
    await page.waitForSelector('[data-testid=command-output][data-state=completed]', { timeout: 60_000 });
    await expect(output.locator('pre').textContent()).resolves.toContain(`${marker}-3`);
    expect(['dispatched', 'running', 'completed']).toContain(stateAtFirstLine);
    await shot(page, '07-command-completed');
  }, 180_000);
});
