// Worker thread: N Socket.IO clients, each subscribed to one room; records push latency
// (receive time − the server's send stamp, both wall-clock with sub-ms precision).
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require('socket.io-client');
const { performance } = require('node:perf_hooks');

const now = () => performance.timeOrigin + performance.now();
const { url, token, count, rooms, roomOf } = workerData;
const sockets = [];
let latencies = [];
let received = 0;

async function connectOne(i) {
  const socket = io(url, {
    transports: ['websocket'],
    auth: token ? { token } : undefined,
    reconnection: false,
    forceNew: true,
    timeout: 20000,
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const room = `${roomOf}${i % rooms}`;
  const ack = await socket.timeout(20000).emitWithAck('subscribe', { room });
  if (ack && ack.ok === false) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  socket.on('host.metrics', (m) => {
    received++;
    latencies.push(now() - m.at);
  });
  sockets.push(socket);
}

parentPort.on('message', async (msg) => {
  if (msg === 'connect') {
    try {
      for (let i = 0; i < count; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => connectOne(i + k)));
      }
      parentPort.postMessage({ type: 'ready', sockets: sockets.length });
    } catch (err) {
      parentPort.postMessage({ type: 'error', message: String(err?.message) });
    }
  } else if (msg === 'reset') {
    latencies = [];
    received = 0;
  } else if (msg === 'report') {
    parentPort.postMessage({ type: 'report', received, latencies: Float64Array.from(latencies) });
  } else if (msg === 'close') {
    for (const s of sockets) s.close();
    parentPort.postMessage({ type: 'closed' });
  }
});
