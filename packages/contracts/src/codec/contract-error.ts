/** A record that does not satisfy its contract; `code` is what a dead-letter record carries. */
export class ContractError extends Error {
  constructor(
    message: string,
    readonly code: 'SCHEMA_INVALID' | 'UNKNOWN_SCHEMA' | 'UNKNOWN_RECORD' | 'WIRE_FORMAT' | 'AVRO_DECODE',
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}
