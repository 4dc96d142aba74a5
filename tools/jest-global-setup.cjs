// Probes the real servers integration tests use, once per jest run, and passes the result
// to the test workers through the environment (workers inherit it).
'use strict';
const net = require('node:net');

const probe = (url, defaultPort) =>
  new Promise((resolve) => {
    const u = new URL(url);
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) });
    const done = (reason) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(1500, () => done(`no answer within 1500 ms`));
    socket.once('connect', () => done(''));
    socket.once('error', (err) => done(err.message));
  });

module.exports = async () => {
  process.env.NAGARE_TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.NAGARE_TEST_REDIS_URL ??= 'redis://127.0.0.1:6379/15';
  const [pg, redis] = await Promise.all([
    probe(process.env.NAGARE_TEST_POSTGRES_URL, 5432),
    probe(process.env.NAGARE_TEST_REDIS_URL, 6379),
  ]);
  process.env.NAGARE_TEST_POSTGRES_MISSING = pg;
  process.env.NAGARE_TEST_REDIS_MISSING = redis;
};
