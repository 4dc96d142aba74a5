import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { eventStoreContract } from '../testing/contract';
import { KurrentEventStore } from './kurrentdb-event-store';

/**
 * The contract against a real KurrentDB: EVENTSTORE_URL (e.g. kurrentdb://127.0.0.1:2113?tls=false),
 * else one started by testcontainers when a Docker engine is reachable, else skipped with the reason.
 */
const url = process.env.EVENTSTORE_URL;
const dockerSocket = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '') || '/var/run/docker.sock';
const docker = Boolean(process.env.DOCKER_HOST) || existsSync(dockerSocket);
const image = process.env.KURRENTDB_IMAGE ?? 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1';

if (!url && !docker) {
  const why = `no KurrentDB: EVENTSTORE_URL is unset and no Docker engine for testcontainers (${dockerSocket} not found)`;
  console.warn(`skipping "KurrentEventStore": ${why}`);
  describe.skip('KurrentEventStore', () => {
    it(why, () => undefined);
  });
} else {
  describe('KurrentEventStore', () => {
    eventStoreContract('KurrentDB', async () => {
      let connection = url;
      let stop = async () => undefined as unknown;
      if (!connection) {
        const { GenericContainer, Wait } = await import('testcontainers');
        const container = await new GenericContainer(image)
          .withEnvironment({
            KURRENTDB_INSECURE: 'true',
            KURRENTDB_MEM_DB: 'true',
            EVENTSTORE_INSECURE: 'true',
            EVENTSTORE_MEM_DB: 'true',
          })
          .withExposedPorts(2113)
          .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
          .withStartupTimeout(120_000)
          .start();
        connection = `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
        stop = () => container.stop();
      }
      const open = async () => new KurrentEventStore({ connectionString: connection!, pollIntervalMs: 200 });
      const store = await open();
      // Fail early and clearly when the server does not answer.
      await store.readStream(`probe-${randomUUID()}`);
      return {
        store,
        open,
        // KurrentDB has no store-wide index of event ids; retries are recognized per stream.
        eventIdsUniqueAcrossStreams: false,
        cleanup: async () => {
          await store.close();
          await stop();
        },
      };
    });
  });
}
