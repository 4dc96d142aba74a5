require('@swc-node/register');
const { PostgresEventStore } = require('./src/index.ts');
const { Client } = require('pg');
(async () => {
  const a = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }); await a.connect();
  await a.query('DROP DATABASE IF EXISTS profbench'); await a.query('CREATE DATABASE profbench'); await a.end();
  const store = new PostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/profbench', maxConnections: 16 });
  await store.init();
  let r = 0;
  for (const w of (process.env.W || '1,16,1,16').split(',').map(Number)) {
    let n = 0; const end = Date.now() + 2000; r++;
    await Promise.all(Array.from({ length: w }, async (_, i) => { let v = 0; let s = 0; while (Date.now() < end) { if (v === 100) { v = 0; s++; } await store.append(`host-${r}-${i}-${s}`, v, [{type:'A', data:{a:1}}]); v++; n++; } }));
    console.log(`append ${w} writers: ${n / 2}/s`);
  }
  await store.close();
})();
