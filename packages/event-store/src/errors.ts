import type { ExpectedVersion } from './types';

/** The stream was not at the expected version; reload, decide again and retry. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** Current version (0 when the stream does not exist). */
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/** Some event ids of the batch are already stored, but not as this exact batch of this stream. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
    detail: string,
  ) {
    super(`stream ${streamId}: event id(s) ${eventIds.join(', ')} already used: ${detail}`);
  }
}

/** Bad input to the store (stream id, event, option). */
export class EventStoreInputError extends Error {
  override readonly name = 'EventStoreInputError';
}
