/** Category of a stream: the id before the first '-' (`host-42` → `host`); the whole id if none. */
export function categoryOf(streamId: string): string {
  const i = streamId.indexOf('-');
  return i < 0 ? streamId : streamId.slice(0, i);
}
