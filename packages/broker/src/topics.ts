import fs from 'node:fs';
import path from 'node:path';
import { type FsyncPolicy, PartitionLog } from './storage/partitionLog';
import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from './storage/topicConfig';

export interface Topic {
  name: string;
  /** Configs set explicitly (DescribeConfigs reports the rest as defaults). */
  overrides: Partial<TopicConfig>;
  config: TopicConfig;
  partitions: PartitionLog[];
}

/**
 * The topics on disk: `<dataDir>/topics/<name>/topic.json` (overrides) and one directory
 * per partition holding its segments.
 */
export class TopicStore {
  readonly topics = new Map<string, Topic>();
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly fsync: FsyncPolicy,
    private readonly onAppend: (log: PartitionLog) => void,
  ) {
    this.root = path.join(dataDir, 'topics');
    fs.mkdirSync(this.root, { recursive: true });
    for (const name of fs.readdirSync(this.root)) {
      const meta = path.join(this.root, name, 'topic.json');
      if (!fs.existsSync(meta)) continue; // creation interrupted before the metadata landed
      let parsed: { partitions: number; overrides: Partial<TopicConfig> };
      try {
        parsed = JSON.parse(fs.readFileSync(meta, 'utf8'));
      } catch (err) {
        throw new Error(`cannot read topic metadata ${meta}: ${(err as Error).message}`);
      }
      const { partitions, overrides } = parsed;
      if (!Number.isInteger(partitions) || partitions <= 0) {
        throw new Error(`topic metadata ${meta} has an invalid partition count`);
      }
      this.open(name, partitions, overrides);
    }
  }

  private open(name: string, count: number, overrides: Partial<TopicConfig>): Topic {
    const config = { ...DEFAULT_TOPIC_CONFIG, ...overrides };
    const topic: Topic = { name, overrides, config, partitions: [] };
    for (let p = 0; p < count; p++) topic.partitions.push(this.openPartition(topic, p));
    this.topics.set(name, topic);
    return topic;
  }

  private openPartition(topic: Topic, p: number): PartitionLog {
    const log = new PartitionLog(
      topic.name,
      p,
      path.join(this.root, topic.name, String(p)),
      topic.config,
      this.fsync,
    );
    log.onAppend = () => this.onAppend(log);
    return log;
  }

  private writeMeta(topic: Topic): void {
    const file = path.join(this.root, topic.name, 'topic.json');
    fs.writeFileSync(
      `${file}.tmp`,
      JSON.stringify({ partitions: topic.partitions.length, overrides: topic.overrides }),
    );
    fs.renameSync(`${file}.tmp`, file);
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  create(name: string, partitions: number, overrides: Partial<TopicConfig>): Topic {
    fs.mkdirSync(path.join(this.root, name), { recursive: true });
    const topic = this.open(name, partitions, overrides);
    this.writeMeta(topic);
    return topic;
  }

  /** Replaces a topic's config overrides (AlterConfigs is not incremental). */
  setOverrides(topic: Topic, overrides: Partial<TopicConfig>): void {
    topic.overrides = overrides;
    topic.config = { ...DEFAULT_TOPIC_CONFIG, ...overrides };
    for (const log of topic.partitions) log.config = topic.config;
    this.writeMeta(topic);
  }

  addPartitions(topic: Topic, count: number): void {
    for (let p = topic.partitions.length; p < count; p++) topic.partitions.push(this.openPartition(topic, p));
    this.writeMeta(topic);
  }

  delete(name: string): void {
    const topic = this.topics.get(name);
    if (!topic) return;
    this.topics.delete(name);
    for (const log of topic.partitions) log.destroy();
    fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
  }

  *logs(): Generator<PartitionLog> {
    for (const t of this.topics.values()) yield* t.partitions;
  }

  close(): void {
    for (const log of this.logs()) log.close();
  }
}
