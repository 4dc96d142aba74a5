// @platformatic/kafka side of the broker bench (the client is ESM-only): produce `count`
// records of `size` bytes in sends of 100 with several in flight, then consume them all.
// argv: broker topic count size. Prints {"produceMs":…,"consumeMs":…}.
Promise.withResolvers ??= () => {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const { Consumer, Producer, ProduceAcks } = await import('@platformatic/kafka');

const [broker, topic, countArg, sizeArg] = process.argv.slice(2);
const count = Number(countArg);
const value = Buffer.alloc(Number(sizeArg), 'x');
const producer = new Producer({ clientId: 'bench-plt', bootstrapBrokers: [broker], autocreateTopics: true });
const batch = Array.from({ length: 100 }, () => ({ topic, partition: 0, value }));
let t0 = process.hrtime.bigint();
let sent = 0;
const inFlight = 8;
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (sent < count) {
      sent += 100;
      await producer.send({ messages: batch, acks: ProduceAcks.LEADER });
    }
  }),
);
const produceMs = Number(process.hrtime.bigint() - t0) / 1e6;
await producer.close();

const consumer = new Consumer({
  groupId: `bench-plt-${Date.now()}`,
  clientId: 'bench-plt-c',
  bootstrapBrokers: [broker],
  maxWaitTime: 100,
  maxBytes: 8 * 1024 * 1024,
});
t0 = process.hrtime.bigint();
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
let got = 0;
for await (const _ of stream) {
  if (++got >= sent) break;
}
const consumeMs = Number(process.hrtime.bigint() - t0) / 1e6;
await stream.close();
await consumer.close();
console.log(JSON.stringify({ produced: sent, consumed: got, produceMs, consumeMs }));
