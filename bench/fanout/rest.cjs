// Worker thread: open-loop HTTP load at a fixed rate; latency counts from when each request
// was due, so queueing in the server shows up in the percentiles.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');

const now = () => performance.timeOrigin + performance.now();
const { url, paths, token, rps, seconds } = workerData;

(async () => {
  const lat = [];
  let failed = 0;
  const inflight = [];
  const total = rps * seconds;
  const start = now() + 50;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rps;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = paths[i % paths.length];
    inflight.push(
      fetch(url + p, { headers: token ? { authorization: `Bearer ${token}` } : {} })
        .then((r) => r.arrayBuffer())
        .then(
          () => void lat.push(now() - due),
          (err) => {
            if (!failed++)
              console.error(
                `first failed request: ${err?.cause ? err.cause.code || err.cause.message : err}`,
              );
            lat.push(Number.POSITIVE_INFINITY);
          },
        ),
    );
  }
  await Promise.all(inflight);
  parentPort.postMessage(Float64Array.from(lat));
})();
