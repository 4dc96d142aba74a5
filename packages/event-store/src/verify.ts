import { eventHash, GENESIS_HASH } from './hash';
import type { RecordedEvent, VerifyFailure } from './types';

type Link = Pick<
  RecordedEvent,
  'streamId' | 'streamVersion' | 'type' | 'data' | 'metadata' | 'prevHash' | 'hash'
>;

/**
 * Checks one stream's hash chain event by event, in version order, keeping O(1) state so a
 * whole store can be verified as a single pass. `push` and `finish` return the first broken
 * or missing link, or undefined.
 */
export class StreamChainVerifier {
  private version = 0;
  private lastHash = GENESIS_HASH;
  events = 0;

  /**
   * @param startVersion first version the store still shows (events before it were truncated or
   *   expired); that event's stored prevHash is taken as the chain's anchor. 'first': whichever
   *   version comes first (a stream with a max age).
   */
  constructor(
    readonly streamId: string,
    private readonly startVersion: number | 'first' = 1,
  ) {}

  private fail(
    version: number,
    problem: VerifyFailure['problem'],
    expected: string,
    found: string,
  ): VerifyFailure {
    return { ok: false, streamId: this.streamId, version, problem, expected, found };
  }

  push(e: Link): VerifyFailure | undefined {
    if (
      this.events === 0 &&
      e.streamVersion > 1 &&
      (this.startVersion === 'first' || e.streamVersion === this.startVersion)
    ) {
      this.version = e.streamVersion - 1;
      this.lastHash = e.prevHash;
    }
    const want = this.version + 1;
    if (e.streamVersion !== want) {
      return this.fail(want, 'missing_event', `version ${want}`, `version ${e.streamVersion}`);
    }
    if (e.prevHash !== this.lastHash) return this.fail(want, 'prev_hash_mismatch', this.lastHash, e.prevHash);
    const recomputed = eventHash(this.lastHash, e);
    if (recomputed !== e.hash) return this.fail(want, 'hash_mismatch', recomputed, e.hash);
    this.version = want;
    this.lastHash = e.hash;
    this.events++;
    return undefined;
  }

  /** Compares the end of the chain with the stream head the store keeps (detects a deleted tail). */
  finish(head?: { version: number; hash: string }): VerifyFailure | undefined {
    if (!head) return undefined;
    if (head.version > this.version) {
      return this.fail(this.version + 1, 'missing_event', `version ${this.version + 1}`, 'end of stream');
    }
    if (head.version < this.version) {
      return this.fail(
        this.version,
        'head_mismatch',
        `head version ${this.version}`,
        `head version ${head.version}`,
      );
    }
    if (head.hash !== this.lastHash)
      return this.fail(this.version, 'head_mismatch', this.lastHash, head.hash);
    return undefined;
  }
}
