/** DI tokens for ports without a class of their own. */
export const RECORD_SINK = Symbol('RecordSink');
export const EVENT_STORE = Symbol('EventStorePort');
