/// <reference lib="dom" />
// Dashboard time to first render in headless Chromium (Debian's /usr/bin/chromium):
//   overview            navigation → fleet stats shown
//   hosts (1,000)       navigation → first rows of the 1,000-host table shown
//   host chart (24 h)   navigation → CPU chart drawn with 24 h of 5 s samples (17,280 points)
// Each beside a same-run reference: the app shell (login form, no data) for the pages, and bare
// uPlot drawing the same number of points on an empty page for the chart.
//
// Target: a running platform (NAGARE_BENCH_URL, NAGARE_BENCH_USER, NAGARE_BENCH_PASSWORD, optional
// NAGARE_BENCH_HOST_ID), else the development fixture server (services/web/dev) serving the built
// app (run `pnpm --filter @nagare/web build` first). The output says which.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { header, median, row } from '../lib/report';

const RUNS = Number(process.env.NAGARE_BENCH_RUNS ?? 5);
const WEB = path.join(__dirname, '..', '..', 'services', 'web');
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
const POINTS_24H = 17_280;

// Records, inside the page, when each selector first matches (performance.now(), ms since
// navigation start), so the figure does not include the time to poll from outside.
const MARKER_SCRIPT = `
  window.__marks = {};
  window.__watch = (name, test) => { window.__tests = window.__tests || []; window.__tests.push([name, test]); };
  new MutationObserver(() => {
    for (const [name, test] of window.__tests || []) {
      if (!(name in window.__marks) && test()) window.__marks[name] = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
`;

interface Target {
  url: string;
  user: string;
  password: string;
  hostId: string | null;
  what: string;
  stop: () => void;
}

async function startFixture(): Promise<Target> {
  if (!existsSync(path.join(WEB, 'build', 'index.html'))) {
    console.error('services/web/build is missing: run `pnpm --filter @nagare/web build` first');
    process.exit(2);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(WEB, 'dev', 'fixture-server.mjs'),
      '--port',
      '0',
      '--hosts',
      '1000',
      '--static',
      path.join(WEB, 'build'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`fixture server exited with ${code}`)));
  });
  return {
    url,
    user: 'admin',
    password: 'admin-fixture-pass',
    hostId: null,
    what: 'development fixture server (services/web/dev/fixture-server.mjs, 1,000 generated hosts)',
    stop: () => child.kill(),
  };
}

function platform(): Target | null {
  const url = process.env.NAGARE_BENCH_URL;
  if (!url) return null;
  return {
    url: url.replace(/\/$/, ''),
    user: process.env.NAGARE_BENCH_USER ?? 'admin',
    password: process.env.NAGARE_BENCH_PASSWORD ?? '',
    hostId: process.env.NAGARE_BENCH_HOST_ID ?? null,
    what: `running platform at ${url}`,
    stop: () => {},
  };
}

async function signedInContext(browser: Browser, t: Target): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await ctx.addInitScript(MARKER_SCRIPT);
  const page = await ctx.newPage();
  await page.goto(`${t.url}/login`);
  await page.fill('input[name=username]', t.user);
  await page.fill('input[name=password]', t.password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
  await page.close();
  return ctx;
}

/** ms from navigation start until `test` (a predicate source) first holds in the page. */
async function timeTo(ctx: BrowserContext, url: string, test: string, timeoutMs = 60_000): Promise<number> {
  const page = await ctx.newPage();
  await page.addInitScript(`window.__watch('done', () => (${test}))`);
  await page.goto(url);
  await page.waitForFunction(() => 'done' in (window as unknown as { __marks: object }).__marks, undefined, {
    timeout: timeoutMs,
  });
  const ms = await page.evaluate(() => (window as unknown as { __marks: { done: number } }).__marks.done);
  await page.close();
  // Let the closed page's renderer wind down so it does not weigh on the next measurement.
  await new Promise((r) => setTimeout(r, 750));
  return ms;
}

async function bareUplot(browser: Browser, points: number): Promise<number> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const lib = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js', { paths: [WEB] }), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css', { paths: [WEB] }), 'utf8');
  await page.setContent(`<style>${css}</style><div id="c"></div><script>${lib}</script>`);
  const ms = await page.evaluate((n) => {
    const now = Date.now() / 1000;
    const x = new Array(n);
    const y = new Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = now - (n - i) * 5;
      y[i] = 50 + 20 * Math.sin(i / 200);
    }
    const t0 = performance.now();
    // biome-ignore lint/suspicious/noExplicitAny: uPlot is a page global here
    const U = (window as any).uPlot;
    new U(
      { width: 640, height: 200, series: [{}, { stroke: 'blue' }] },
      [x, y],
      document.getElementById('c'),
    );
    return new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now() - t0)));
  }, points);
  await ctx.close();
  return ms;
}

async function main() {
  const target = platform() ?? (await startFixture());
  console.log(`target: ${target.what}`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const ctx = await signedInContext(browser, target);
    let hostId = target.hostId;
    if (!hostId) {
      const page = await ctx.newPage();
      await page.goto(`${target.url}/hosts`);
      const link = page
        .locator('[data-testid=hosts-table] tbody tr[data-index]', { hasText: 'online' })
        .first()
        .locator('td.host a');
      await link.waitFor({ timeout: 60_000 });
      hostId = (await link.getAttribute('href'))!.split('/').pop()!;
      await page.close();
    }
    // One untimed round first so every measured run sees the same warm HTTP cache.
    await timeTo(ctx, `${target.url}/`, `document.querySelector('[data-testid=overview-ready]')`);
    await timeTo(
      ctx,
      `${target.url}/hosts`,
      `document.querySelector('[data-testid=hosts-table] tr[data-index]')`,
    );

    const shell: number[] = [];
    const overview: number[] = [];
    const hosts: number[] = [];
    const chart: number[] = [];
    const bare: number[] = [];
    let chartPoints = 0;
    for (let i = 0; i < RUNS; i++) {
      shell.push(await timeTo(ctx, `${target.url}/login`, `document.querySelector('input[name=username]')`));
      overview.push(
        await timeTo(ctx, `${target.url}/`, `document.querySelector('[data-testid=overview-ready]')`),
      );
      hosts.push(
        await timeTo(
          ctx,
          `${target.url}/hosts`,
          `document.querySelectorAll('[data-testid=hosts-table] tr[data-index]').length > 0`,
        ),
      );
      const plot = `document.querySelector('[data-testid=host-charts] figure .plot[data-points] canvas') && Number(document.querySelector('[data-testid=host-charts] figure .plot').dataset.points)`;
      chart.push(
        await timeTo(
          ctx,
          `${target.url}/hosts/${hostId}?range=24h&tier=raw`,
          `(${plot}) >= ${POINTS_24H * 0.9}`,
          120_000,
        ),
      );
      bare.push(await bareUplot(browser, POINTS_24H));
    }
    {
      const page = await ctx.newPage();
      await page.goto(`${target.url}/hosts/${hostId}?range=24h&tier=raw`);
      await page.waitForSelector('[data-testid=host-charts] figure .plot canvas', { timeout: 120_000 });
      chartPoints = Number(
        await page.locator('[data-testid=host-charts] figure .plot').first().getAttribute('data-points'),
      );
      await page.close();
    }
    const hostCount = await (async () => {
      const page = await ctx.newPage();
      await page.goto(`${target.url}/hosts`);
      await page.waitForSelector('[data-testid=hosts-table] tr[data-index]');
      const n = (await page.locator('h1 .count').textContent())?.trim() ?? '';
      await page.close();
      return n;
    })();

    console.log(header(`Dashboard time to first render (Chromium, median of ${RUNS}; ${target.what})`));
    console.log(row('overview (vs app shell)', median(overview), median(shell), 'ms'));
    console.log(row(`hosts table, ${hostCount} hosts (vs app shell)`, median(hosts), median(shell), 'ms'));
    console.log(
      row(
        `host CPU chart, ${chartPoints.toLocaleString('en-US')} points (vs bare uPlot, ${POINTS_24H.toLocaleString('en-US')} points, render only)`,
        median(chart),
        median(bare),
        'ms',
      ),
    );
    console.log(
      `\nraw runs (ms): shell ${shell.map(Math.round).join(', ')}; overview ${overview.map(Math.round).join(', ')}; hosts ${hosts.map(Math.round).join(', ')}; chart ${chart.map(Math.round).join(', ')}; bare uPlot ${bare.map((n) => n.toFixed(1)).join(', ')}`,
    );
  } finally {
    await browser.close();
    target.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
