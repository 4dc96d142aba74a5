// A broker in its own process (crash tests kill it with SIGKILL): argv = dataDir [port].
import { startBroker } from '../startBroker';

startBroker({
  dataDir: process.argv[2]!,
  port: Number(process.argv[3] ?? 0),
  initialRebalanceDelayMs: 0,
  fsync: 'none',
}).then(
  (b) => console.log(`PORT ${b.port}`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
