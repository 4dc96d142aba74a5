require('@swc-node/register');
const { PostgresEventStore } = require('./src/index.ts');
const { Pool } = require('pg');
(async () => {
  const url = 'postgres://postgres@127.0.0.1:5432/profbench2';
  const store = new PostgresEventStore({ connectionString: url });
  const pool = new Pool({ connectionString: url });
  const cols = process.env.COLS || 'global_position, data, metadata';
  for (let r = 0; r < 4; r++) {
    let t0 = Date.now();
    let after = 0n,
      n = 0;
    for (;;) {
      const b = await store.readAll({ after, maxCount: 1000 });
      if (!b.length) break;
      n += b.length;
      after = b[b.length - 1].globalPosition;
    }
    const ours = Math.round(n / ((Date.now() - t0) / 1000));
    t0 = Date.now();
    let a2 = '0';
    n = 0;
    for (;;) {
      const { rows } = await pool.query({
        text: `SELECT ${cols} FROM nagare_es.events WHERE global_position > $1 ORDER BY global_position LIMIT 1000`,
        values: [a2],
        rowMode: 'array',
      });
      if (!rows.length) break;
      n += rows.length;
      a2 = rows[rows.length - 1][0];
    }
    console.log(`ours ${ours}/s raw ${Math.round(n / ((Date.now() - t0) / 1000))}/s`);
  }
  await pool.end();
  await store.close();
})();
