import { type SaslExchange, type SaslOptions, saslExchange } from './auth/sasl';
import { Group } from './groups/group';
import { OffsetStore } from './groups/offsetStore';
import { decodeAlterConfigsRequest, encodeAlterConfigsResponse } from './protocol/alterConfigs';
import { ApiKey, SUPPORTED_VERSIONS } from './protocol/apiKeys';
import { decodeApiVersionsRequest, encodeApiVersionsResponse } from './protocol/apiVersions';
import { decodeCreatePartitionsRequest, encodeCreatePartitionsResponse } from './protocol/createPartitions';
import { decodeCreateTopicsRequest, encodeCreateTopicsResponse } from './protocol/createTopics';
import type { Decoder } from './protocol/decoder';
import { decodeDeleteGroupsRequest, encodeDeleteGroupsResponse } from './protocol/deleteGroups';
import { decodeDeleteTopicsRequest, encodeDeleteTopicsResponse } from './protocol/deleteTopics';
import {
  type DescribeConfigsResult,
  decodeDescribeConfigsRequest,
  encodeDescribeConfigsResponse,
} from './protocol/describeConfigs';
import {
  type DescribedGroup,
  decodeDescribeGroupsRequest,
  encodeDescribeGroupsResponse,
} from './protocol/describeGroups';
import { type Encoder, responseEncoder } from './protocol/encoder';
import { ErrorCode } from './protocol/errors';
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchPartitionResponse,
  type FetchRequest,
  type FetchResponse,
} from './protocol/fetch';
import { decodeFindCoordinatorRequest, encodeFindCoordinatorResponse } from './protocol/findCoordinator';
import { decodeHeartbeatRequest, encodeHeartbeatResponse } from './protocol/heartbeat';
import { decodeInitProducerIdRequest, encodeInitProducerIdResponse } from './protocol/initProducerId';
import { decodeJoinGroupRequest, encodeJoinGroupResponse } from './protocol/joinGroup';
import { decodeLeaveGroupRequest, encodeLeaveGroupResponse } from './protocol/leaveGroup';
import { decodeListGroupsRequest, encodeListGroupsResponse } from './protocol/listGroups';
import { decodeListOffsetsRequest, encodeListOffsetsResponse } from './protocol/listOffsets';
import { decodeMetadataRequest, encodeMetadataResponse, type MetadataResponse } from './protocol/metadata';
import { decodeOffsetCommitRequest, encodeOffsetCommitResponse } from './protocol/offsetCommit';
import {
  decodeOffsetFetchRequest,
  encodeOffsetFetchResponse,
  type OffsetFetchResponse,
} from './protocol/offsetFetch';
import {
  decodeProduceRequest,
  encodeProduceResponse,
  type ProducePartitionResponse,
} from './protocol/produce';
import { BATCH, BATCH_LOG_OVERHEAD, batchProblem } from './protocol/recordBatch';
import type { RequestHeader } from './protocol/requestHeader';
import { decodeSaslAuthenticateRequest, encodeSaslAuthenticateResponse } from './protocol/saslAuthenticate';
import { decodeSaslHandshakeRequest, encodeSaslHandshakeResponse } from './protocol/saslHandshake';
import { decodeSyncGroupRequest, encodeSyncGroupResponse } from './protocol/syncGroup';
import type { FsyncPolicy, PartitionLog } from './storage/partitionLog';
import {
  DEFAULT_TOPIC_CONFIG,
  parseTopicConfigs,
  type TopicConfig,
  topicNameProblem,
} from './storage/topicConfig';
import { TopicStore } from './topics';

export interface BrokerCoreOptions {
  dataDir: string;
  nodeId: number;
  /** Host and port written into Metadata and FindCoordinator answers. */
  advertisedHost: string;
  advertisedPort: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  initialRebalanceDelayMs: number;
  fsync: FsyncPolicy;
  sasl?: SaslOptions;
  clusterId: string;
}

/** Per-connection state the handlers need. */
export interface Session {
  clientHost: string;
  authenticated: boolean;
  /** SaslHandshake v0 switches the connection to raw SASL token frames. */
  rawSasl: boolean;
  sasl?: SaslExchange;
  user?: string;
  closed: boolean;
  /** Ends a long-polling Fetch early (the connection closed). */
  wake?: () => void;
}

type Handler = (
  h: RequestHeader,
  d: Decoder,
  s: Session,
) => Buffer | null | undefined | Promise<Buffer | null | undefined>;

const EMPTY = Buffer.alloc(0);
/** Kafka's fetch.max.bytes default: caps what one Fetch may ask the broker to read. */
export const MAX_FETCH_BYTES = 55 * 1024 * 1024;
/** Each partition holds open files; a cap keeps one request from exhausting descriptors. */
export const MAX_PARTITIONS = 1000;

/**
 * The broker's request handlers over its state (topics, groups, committed offsets, producer
 * ids). Networking lives in server.ts; this class only maps decoded requests to answers.
 */
export class BrokerCore {
  readonly topics: TopicStore;
  readonly offsets: OffsetStore;
  readonly groups = new Map<string, Group>();
  private readonly appendWaiters = new Map<PartitionLog, Set<() => void>>();
  /** Producer ids start from the clock so ids never repeat across restarts. */
  private nextProducerId = Date.now() * 1000;
  private readonly handlers: Record<number, Handler>;
  private stopped = false;

  constructor(readonly opts: BrokerCoreOptions) {
    this.topics = new TopicStore(opts.dataDir, opts.fsync, (log) => this.wake(log));
    this.offsets = new OffsetStore(`${opts.dataDir}/groups`, opts.fsync === 'batch');
    this.handlers = {
      [ApiKey.ApiVersions]: (h, d) => this.apiVersions(h, d),
      [ApiKey.Metadata]: (h, d) => this.metadata(h, d),
      [ApiKey.Produce]: (h, d) => this.produce(h, d),
      [ApiKey.Fetch]: (h, d, s) => this.fetch(h, d, s),
      [ApiKey.ListOffsets]: (h, d) => this.listOffsets(h, d),
      [ApiKey.FindCoordinator]: (h, d) => this.findCoordinator(h, d),
      [ApiKey.JoinGroup]: (h, d, s) => this.joinGroup(h, d, s),
      [ApiKey.SyncGroup]: (h, d) => this.syncGroup(h, d),
      [ApiKey.Heartbeat]: (h, d) => this.heartbeat(h, d),
      [ApiKey.LeaveGroup]: (h, d) => this.leaveGroup(h, d),
      [ApiKey.OffsetCommit]: (h, d) => this.offsetCommit(h, d),
      [ApiKey.OffsetFetch]: (h, d) => this.offsetFetch(h, d),
      [ApiKey.DescribeGroups]: (h, d) => this.describeGroups(h, d),
      [ApiKey.ListGroups]: (h, d) => this.listGroups(h, d),
      [ApiKey.DeleteGroups]: (h, d) => this.deleteGroups(h, d),
      [ApiKey.CreateTopics]: (h, d) => this.createTopics(h, d),
      [ApiKey.DeleteTopics]: (h, d) => this.deleteTopics(h, d),
      [ApiKey.CreatePartitions]: (h, d) => this.createPartitions(h, d),
      [ApiKey.DescribeConfigs]: (h, d) => this.describeConfigs(h, d),
      [ApiKey.AlterConfigs]: (h, d) => this.alterConfigs(h, d),
      [ApiKey.InitProducerId]: (h, d) => this.initProducerId(h, d),
      [ApiKey.SaslHandshake]: (h, d, s) => this.saslHandshake(h, d, s),
      [ApiKey.SaslAuthenticate]: (h, d, s) => this.saslAuthenticate(h, d, s),
    };
  }

  /** The handler of a supported key (the version was checked by the caller). */
  handler(apiKey: number): Handler | undefined {
    return this.handlers[apiKey];
  }

  private reply<T>(
    h: RequestHeader,
    encode: (e: Encoder, v: number, r: T) => void,
    r: T,
    capacity = 256,
  ): Buffer {
    const e = responseEncoder(h.correlationId, capacity);
    encode(e, h.apiVersion, r);
    return e.frame();
  }

  // ---- cluster ----

  apiVersionsFrame(correlationId: number, version: number, errorCode: number): Buffer {
    const e = responseEncoder(correlationId);
    encodeApiVersionsResponse(e, version, {
      errorCode,
      apiKeys: Object.entries(SUPPORTED_VERSIONS).map(([k, [min, max]]) => ({
        apiKey: Number(k),
        minVersion: min,
        maxVersion: max,
      })),
    });
    return e.frame();
  }

  private apiVersions(h: RequestHeader, d: Decoder): Buffer {
    decodeApiVersionsRequest(d, h.apiVersion);
    return this.apiVersionsFrame(h.correlationId, h.apiVersion, ErrorCode.NONE);
  }

  private metadata(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeMetadataRequest(d, h.apiVersion);
    const names = req.topics ?? [...this.topics.topics.keys()];
    const topics: MetadataResponse['topics'] = names.map((name) => {
      let topic = this.topics.get(name);
      const bad = topicNameProblem(name);
      if (!topic && !bad && req.allowAutoTopicCreation && this.opts.autoCreateTopics) {
        topic = this.topics.create(name, this.opts.defaultPartitions, {});
      }
      if (!topic) {
        const errorCode = bad ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        return { errorCode, name, partitions: [] };
      }
      return {
        errorCode: ErrorCode.NONE,
        name,
        partitions: topic.partitions.map((_, i) => ({
          errorCode: ErrorCode.NONE,
          partitionIndex: i,
          leaderId: this.opts.nodeId,
          replicas: [this.opts.nodeId],
        })),
      };
    });
    return this.reply(h, encodeMetadataResponse, {
      brokers: [{ nodeId: this.opts.nodeId, host: this.opts.advertisedHost, port: this.opts.advertisedPort }],
      clusterId: this.opts.clusterId,
      controllerId: this.opts.nodeId,
      topics,
    });
  }

  // ---- produce / fetch ----

  private produce(h: RequestHeader, d: Decoder): Buffer | null {
    const req = decodeProduceRequest(d, h.apiVersion);
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ProducePartitionResponse => {
        const log = this.topics.get(t.name)?.partitions[p.index];
        const fail = (errorCode: number) => ({
          index: p.index,
          errorCode,
          baseOffset: -1,
          logStartOffset: -1,
        });
        if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const records = p.records;
        if (!records || records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE);
        // Validate every batch before appending any, so a partition's append is all or nothing.
        const bounds: [number, number][] = [];
        for (let pos = 0; pos < records.length; ) {
          if (records.length - pos < BATCH_LOG_OVERHEAD) return fail(ErrorCode.CORRUPT_MESSAGE);
          if (records.readInt8(pos + BATCH.magic) !== 2)
            return fail(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
          if (batchProblem(records, pos) !== undefined) return fail(ErrorCode.CORRUPT_MESSAGE);
          const size = records.readInt32BE(pos + BATCH.batchLength) + BATCH_LOG_OVERHEAD;
          bounds.push([pos, pos + size]);
          pos += size;
        }
        let baseOffset = -1;
        for (const [start, end] of bounds) {
          const r = log.append(records.subarray(start, end));
          if (r.error !== ErrorCode.NONE) return fail(r.error);
          if (baseOffset < 0) baseOffset = r.baseOffset;
        }
        return { index: p.index, errorCode: ErrorCode.NONE, baseOffset, logStartOffset: log.logStartOffset };
      }),
    }));
    if (req.acks === 0) return null;
    return this.reply(h, encodeProduceResponse, { topics });
  }

  private wake(log: PartitionLog): void {
    const waiters = this.appendWaiters.get(log);
    if (!waiters) return;
    this.appendWaiters.delete(log);
    for (const w of waiters) w();
  }

  private readFetch(req: FetchRequest): { response: FetchResponse; bytes: number; error: boolean } {
    let budget = Math.min(req.maxBytes, MAX_FETCH_BYTES);
    let bytes = 0;
    let error = false;
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): FetchPartitionResponse => {
        const log = this.topics.get(t.name)?.partitions[p.partition];
        if (!log) {
          error = true;
          return {
            partition: p.partition,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            highWatermark: -1,
            lastStableOffset: -1,
            logStartOffset: -1,
            records: EMPTY,
          };
        }
        const hw = log.logEndOffset;
        // KIP-74: the first non-empty partition may exceed the budget by one batch.
        const limit = Math.max(0, Math.min(p.partitionMaxBytes, budget, MAX_FETCH_BYTES));
        const r =
          limit > 0 || bytes === 0
            ? log.read(p.fetchOffset, Math.max(limit, 1))
            : { error: 0, records: EMPTY };
        if (r.error !== ErrorCode.NONE) error = true;
        bytes += r.records.length;
        budget -= r.records.length;
        return {
          partition: p.partition,
          errorCode: r.error,
          highWatermark: hw,
          lastStableOffset: hw,
          logStartOffset: log.logStartOffset,
          records: r.records,
        };
      }),
    }));
    return { response: { topics }, bytes, error };
  }

  /** Long poll: answers once min_bytes are there, a partition has an error, or max_wait_ms passed. */
  private async fetch(h: RequestHeader, d: Decoder, s: Session): Promise<Buffer> {
    const req = decodeFetchRequest(d, h.apiVersion);
    const deadline = Date.now() + Math.max(0, req.maxWaitMs);
    for (;;) {
      const r = this.readFetch(req);
      const left = deadline - Date.now();
      if (r.bytes >= Math.max(1, req.minBytes) || r.error || left <= 0 || this.stopped || s.closed) {
        return this.reply(h, encodeFetchResponse, r.response, 64 + r.bytes);
      }
      const logs = req.topics.flatMap((t) =>
        t.partitions
          .map((p) => this.topics.get(t.name)?.partitions[p.partition])
          .filter((l) => l !== undefined),
      );
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.stopWaiters.delete(done);
          s.wake = undefined;
          for (const log of logs) this.appendWaiters.get(log)?.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        for (const log of logs) {
          let set = this.appendWaiters.get(log);
          if (!set) {
            set = new Set();
            this.appendWaiters.set(log, set);
          }
          set.add(done);
        }
        this.stopWaiters.add(done);
        s.wake = done;
      });
    }
  }

  private readonly stopWaiters = new Set<() => void>();

  private listOffsets(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeListOffsetsRequest(d, h.apiVersion);
    return this.reply(h, encodeListOffsetsResponse, {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const log = this.topics.get(t.name)?.partitions[p.partition];
          if (!log) {
            return {
              partition: p.partition,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              timestamp: -1,
              offset: -1,
            };
          }
          if (p.timestamp === -2 || p.timestamp === -1) {
            const offset = p.timestamp === -2 ? log.logStartOffset : log.logEndOffset;
            return { partition: p.partition, errorCode: ErrorCode.NONE, timestamp: -1, offset };
          }
          return {
            partition: p.partition,
            errorCode: ErrorCode.NONE,
            ...log.offsetForTimestamp(p.timestamp),
          };
        }),
      })),
    });
  }

  // ---- groups ----

  private findCoordinator(h: RequestHeader, d: Decoder): Buffer {
    decodeFindCoordinatorRequest(d, h.apiVersion);
    return this.reply(h, encodeFindCoordinatorResponse, {
      errorCode: ErrorCode.NONE,
      nodeId: this.opts.nodeId,
      host: this.opts.advertisedHost,
      port: this.opts.advertisedPort,
    });
  }

  private group(id: string, create: boolean): Group | undefined {
    let g = this.groups.get(id);
    if (!g && create) {
      g = new Group(id, { initialRebalanceDelayMs: this.opts.initialRebalanceDelayMs });
      this.groups.set(id, g);
    }
    return g;
  }

  private async joinGroup(h: RequestHeader, d: Decoder, s: Session): Promise<Buffer> {
    const req = decodeJoinGroupRequest(d, h.apiVersion);
    const r = req.groupId
      ? await this.group(req.groupId, true)!.join(req, h.clientId ?? '', s.clientHost)
      : {
          errorCode: ErrorCode.INVALID_GROUP_ID,
          generationId: -1,
          protocolName: '',
          leader: '',
          memberId: req.memberId,
          members: [],
        };
    return this.reply(h, encodeJoinGroupResponse, r);
  }

  private async syncGroup(h: RequestHeader, d: Decoder): Promise<Buffer> {
    const req = decodeSyncGroupRequest(d, h.apiVersion);
    const g = this.group(req.groupId, false);
    const r = g
      ? await g.sync(req.memberId, req.generationId, req.assignments)
      : { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY };
    return this.reply(h, encodeSyncGroupResponse, r);
  }

  private heartbeat(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeHeartbeatRequest(d, h.apiVersion);
    const g = this.group(req.groupId, false);
    const errorCode = g ? g.heartbeat(req.memberId, req.generationId) : ErrorCode.UNKNOWN_MEMBER_ID;
    return this.reply(h, encodeHeartbeatResponse, { errorCode });
  }

  private leaveGroup(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeLeaveGroupRequest(d, h.apiVersion);
    const g = this.group(req.groupId, false);
    const members = req.memberIds.map((memberId) => ({
      memberId,
      errorCode: g ? g.leave(memberId) : ErrorCode.UNKNOWN_MEMBER_ID,
    }));
    // v0-2 carry the single member's error at the top level; v3 per member.
    const errorCode = h.apiVersion < 3 ? (members[0]?.errorCode ?? ErrorCode.NONE) : ErrorCode.NONE;
    return this.reply(h, encodeLeaveGroupResponse, { errorCode, members });
  }

  private offsetCommit(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeOffsetCommitRequest(d, h.apiVersion);
    const g = this.group(req.groupId, false);
    const groupError = !req.groupId
      ? ErrorCode.INVALID_GROUP_ID
      : g
        ? g.commitError(req.memberId, req.generationId)
        : req.generationId < 0
          ? ErrorCode.NONE
          : ErrorCode.UNKNOWN_MEMBER_ID;
    const accepted: { topic: string; partition: number; offset: number; metadata: string | null }[] = [];
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = groupError;
        if (errorCode === ErrorCode.NONE && !this.topics.get(t.name)?.partitions[p.partition]) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (errorCode === ErrorCode.NONE) {
          accepted.push({ topic: t.name, partition: p.partition, offset: p.offset, metadata: p.metadata });
        }
        return { partition: p.partition, errorCode };
      }),
    }));
    this.offsets.commit(req.groupId, accepted);
    return this.reply(h, encodeOffsetCommitResponse, { topics });
  }

  private offsetFetch(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeOffsetFetchRequest(d, h.apiVersion);
    let topics: OffsetFetchResponse['topics'];
    if (req.topics === null) {
      const byTopic = new Map<string, OffsetFetchResponse['topics'][number]>();
      for (const [topic, partition, c] of this.offsets.all(req.groupId)) {
        let t = byTopic.get(topic);
        if (!t) {
          t = { name: topic, partitions: [] };
          byTopic.set(topic, t);
        }
        t.partitions.push({ partition, offset: c.offset, metadata: c.metadata, errorCode: ErrorCode.NONE });
      }
      topics = [...byTopic.values()];
    } else {
      topics = req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partition) => {
          const c = this.offsets.get(req.groupId, t.name, partition);
          // No commit: offset -1 and no error.
          return {
            partition,
            offset: c?.offset ?? -1,
            metadata: c?.metadata ?? '',
            errorCode: ErrorCode.NONE,
          };
        }),
      }));
    }
    return this.reply(h, encodeOffsetFetchResponse, { errorCode: ErrorCode.NONE, topics });
  }

  private describeGroups(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeDescribeGroupsRequest(d, h.apiVersion);
    const groups = req.groups.map((id): DescribedGroup => {
      const g = this.groups.get(id);
      if (!g) {
        const state = this.offsets.has(id) ? 'Empty' : 'Dead';
        return { errorCode: 0, groupId: id, state, protocolType: '', protocolData: '', members: [] };
      }
      return {
        errorCode: ErrorCode.NONE,
        groupId: id,
        state: g.state,
        protocolType: g.protocolType,
        protocolData: g.state === 'Stable' ? g.protocolName : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.id,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? EMPTY,
          assignment: m.assignment,
        })),
      };
    });
    return this.reply(h, encodeDescribeGroupsResponse, { groups });
  }

  private listGroups(h: RequestHeader, d: Decoder): Buffer {
    decodeListGroupsRequest(d, h.apiVersion);
    const ids = new Set([...this.groups.keys(), ...this.offsets.groupIds()]);
    const groups = [...ids].map((groupId) => ({
      groupId,
      protocolType: this.groups.get(groupId)?.protocolType ?? '',
    }));
    return this.reply(h, encodeListGroupsResponse, { errorCode: ErrorCode.NONE, groups });
  }

  private deleteGroups(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeDeleteGroupsRequest(d, h.apiVersion);
    const results = req.groups.map((groupId) => {
      const g = this.groups.get(groupId);
      if (g && g.members.size > 0) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
      if (!g && !this.offsets.has(groupId)) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
      g?.shutdown();
      this.groups.delete(groupId);
      this.offsets.deleteGroup(groupId);
      return { groupId, errorCode: ErrorCode.NONE };
    });
    return this.reply(h, encodeDeleteGroupsResponse, { results });
  }

  // ---- admin ----

  /** Creates a topic (also used by startBroker's `topics` option); returns an error code and message. */
  createTopic(
    name: string,
    partitions: number,
    configs: { name: string; value: string | null }[],
    validateOnly = false,
    replicationFactor = -1,
  ): { errorCode: number; errorMessage: string | null } {
    const bad = topicNameProblem(name);
    if (bad) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: bad };
    if (this.topics.get(name)) {
      return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `topic ${name} already exists` };
    }
    const count = partitions === -1 ? this.opts.defaultPartitions : partitions;
    if (count <= 0 || count > MAX_PARTITIONS) {
      return {
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: `invalid partition count ${partitions}`,
      };
    }
    if (replicationFactor !== -1 && replicationFactor !== 1) {
      return {
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        errorMessage: `replication factor ${replicationFactor} is larger than the single broker`,
      };
    }
    const parsed = parseTopicConfigs(configs);
    if ('error' in parsed) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: parsed.error };
    if (!validateOnly) this.topics.create(name, count, parsed.config);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  private createTopics(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeCreateTopicsRequest(d, h.apiVersion);
    const topics = req.topics.map((t) => {
      const count = t.assignments.length > 0 ? t.assignments.length : t.numPartitions;
      return {
        name: t.name,
        ...this.createTopic(t.name, count, t.configs, req.validateOnly, t.replicationFactor),
      };
    });
    return this.reply(h, encodeCreateTopicsResponse, { topics });
  }

  deleteTopic(name: string): number {
    const topic = this.topics.get(name);
    if (!topic) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    for (const log of topic.partitions) this.wake(log);
    this.topics.delete(name);
    this.offsets.deleteTopic(name);
    return ErrorCode.NONE;
  }

  private deleteTopics(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeDeleteTopicsRequest(d, h.apiVersion);
    const topics = req.topics.map((name) => ({ name, errorCode: this.deleteTopic(name) }));
    return this.reply(h, encodeDeleteTopicsResponse, { topics });
  }

  private createPartitions(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeCreatePartitionsRequest(d, h.apiVersion);
    const results = req.topics.map((t) => {
      const topic = this.topics.get(t.name);
      if (!topic) {
        return {
          name: t.name,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: 'unknown topic',
        };
      }
      if (t.count <= topic.partitions.length || t.count > MAX_PARTITIONS) {
        return {
          name: t.name,
          errorCode: ErrorCode.INVALID_PARTITIONS,
          errorMessage: `topic has ${topic.partitions.length} partitions; asked for ${t.count}`,
        };
      }
      if (!req.validateOnly) this.topics.addPartitions(topic, t.count);
      return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    return this.reply(h, encodeCreatePartitionsResponse, { results });
  }

  private describeConfigs(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeDescribeConfigsRequest(d, h.apiVersion);
    const results = req.resources.map((res): DescribeConfigsResult => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      if (res.resourceType === 4) {
        // Broker resource: nothing is configurable at runtime.
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: [] };
      }
      if (res.resourceType !== 2) {
        return {
          ...base,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: 'unsupported resource type',
          configs: [],
        };
      }
      const topic = this.topics.get(res.resourceName);
      if (!topic) {
        return {
          ...base,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: 'unknown topic',
          configs: [],
        };
      }
      const names = (Object.keys(DEFAULT_TOPIC_CONFIG) as (keyof TopicConfig)[]).filter(
        (n) => res.keys === null || res.keys.includes(n),
      );
      return {
        ...base,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: names.map((n) => ({
          name: n,
          value: String(topic.config[n]),
          readOnly: false,
          isDefault: !(n in topic.overrides),
        })),
      };
    });
    return this.reply(h, encodeDescribeConfigsResponse, { results });
  }

  private alterConfigs(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeAlterConfigsRequest(d, h.apiVersion);
    const results = req.resources.map((res) => {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      if (res.resourceType !== 2) {
        return {
          ...base,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: 'only topic configs can be altered',
        };
      }
      const topic = this.topics.get(res.resourceName);
      if (!topic)
        return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'unknown topic' };
      const parsed = parseTopicConfigs(res.configs);
      if ('error' in parsed)
        return { ...base, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: parsed.error };
      if (!req.validateOnly) this.topics.setOverrides(topic, parsed.config);
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    return this.reply(h, encodeAlterConfigsResponse, { results });
  }

  private initProducerId(h: RequestHeader, d: Decoder): Buffer {
    const req = decodeInitProducerIdRequest(d, h.apiVersion);
    if (req.transactionalId !== null) {
      // Transactions are not implemented; a non-retriable error stops the client cleanly.
      return this.reply(h, encodeInitProducerIdResponse, {
        errorCode: ErrorCode.INVALID_REQUEST,
        producerId: -1,
        producerEpoch: -1,
      });
    }
    return this.reply(h, encodeInitProducerIdResponse, {
      errorCode: ErrorCode.NONE,
      producerId: this.nextProducerId++,
      producerEpoch: 0,
    });
  }

  // ---- SASL ----

  private saslHandshake(h: RequestHeader, d: Decoder, s: Session): Buffer {
    const req = decodeSaslHandshakeRequest(d, h.apiVersion);
    const mechanisms = this.opts.sasl ? (this.opts.sasl.mechanisms ?? ['PLAIN', 'SCRAM-SHA-256']) : [];
    const exchange =
      this.opts.sasl && !s.authenticated ? saslExchange(req.mechanism, this.opts.sasl) : undefined;
    if (!exchange) {
      const errorCode = s.authenticated ? ErrorCode.ILLEGAL_SASL_STATE : ErrorCode.UNSUPPORTED_SASL_MECHANISM;
      return this.reply(h, encodeSaslHandshakeResponse, { errorCode, mechanisms });
    }
    s.sasl = exchange;
    if (h.apiVersion === 0) s.rawSasl = true;
    return this.reply(h, encodeSaslHandshakeResponse, { errorCode: ErrorCode.NONE, mechanisms });
  }

  /** One SASL token: the reply token, or an error that ends the connection after it is sent. */
  saslStep(s: Session, token: Buffer): { reply: Buffer } | { error: string } {
    if (!s.sasl) return { error: 'SaslAuthenticate before SaslHandshake' };
    const step = s.sasl.step(token);
    if ('error' in step) return { error: step.error };
    if (step.done) {
      s.authenticated = true;
      s.user = step.user;
      s.sasl = undefined;
      s.rawSasl = false;
    }
    return { reply: step.reply };
  }

  private saslAuthenticate(h: RequestHeader, d: Decoder, s: Session): Buffer {
    const req = decodeSaslAuthenticateRequest(d, h.apiVersion);
    const r = this.saslStep(s, req.authBytes);
    if ('error' in r) {
      s.closed = true; // the server closes after sending the failure
      return this.reply(h, encodeSaslAuthenticateResponse, {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: r.error,
        authBytes: EMPTY,
      });
    }
    return this.reply(h, encodeSaslAuthenticateResponse, {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      authBytes: r.reply,
    });
  }

  // ---- housekeeping ----

  /** Retention, compaction and interval fsync; run on a timer by the server. */
  maintain(now = Date.now()): void {
    for (const log of this.topics.logs()) {
      log.applyRetention(now);
      log.compact();
    }
  }

  flush(): void {
    for (const log of this.topics.logs()) log.flushIfDirty();
    this.offsets.flushIfDirty();
  }

  close(): void {
    this.stopped = true;
    for (const w of [...this.stopWaiters]) w();
    this.stopWaiters.clear();
    for (const g of this.groups.values()) g.shutdown();
    this.topics.close();
    this.offsets.close();
  }
}
