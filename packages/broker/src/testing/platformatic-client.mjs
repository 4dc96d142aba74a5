// Drives @platformatic/kafka (ESM-only) from a child process: produce N records, then read
// them back through a consumer group. argv: broker topic count. Prints one JSON line.
// Node 20 lacks Promise.withResolvers (Node 22+), which the client uses: shim it before loading.
Promise.withResolvers ??= () => {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const { Consumer, Producer, stringDeserializers, stringSerializers } = await import('@platformatic/kafka');

const [broker, topic, countArg] = process.argv.slice(2);
const count = Number(countArg);
const producer = new Producer({
  clientId: 'plt-producer',
  bootstrapBrokers: [broker],
  serializers: stringSerializers,
  autocreateTopics: true,
});
for (let b = 0; b < count / 50; b++) {
  await producer.send({
    messages: Array.from({ length: 50 }, (_, i) => ({
      topic,
      key: `k${(b * 50 + i) % 5}`,
      value: `v${b * 50 + i}`,
    })),
  });
}
await producer.close();

const consumer = new Consumer({
  groupId: 'plt-group',
  clientId: 'plt-consumer',
  bootstrapBrokers: [broker],
  deserializers: stringDeserializers,
  maxWaitTime: 100,
  sessionTimeout: 6000,
  heartbeatInterval: 500,
});
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: 100 });
const values = new Set();
const deadline = setTimeout(() => stream.destroy(new Error('timed out')), 20_000);
for await (const message of stream) {
  values.add(message.value);
  if (values.size >= count) break;
}
clearTimeout(deadline);
await stream.close();
await consumer.close();
console.log(JSON.stringify({ consumed: values.size }));
