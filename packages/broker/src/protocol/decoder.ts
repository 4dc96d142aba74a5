/** Thrown when a request is shorter than its schema or holds an impossible length. */
export class DecodeError extends Error {}

/**
 * Reads Kafka wire primitives from a buffer. Every read checks bounds, so a truncated or
 * malicious frame ends in a DecodeError (the connection is closed), never a crash.
 * int64 values are returned as numbers: offsets, timestamps and producer ids stay far below 2^53.
 */
export class Decoder {
  offset: number;
  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.buf.length) {
      throw new DecodeError(`need ${n} bytes at ${this.offset}, frame has ${this.buf.length}`);
    }
  }

  remaining(): number {
    return this.buf.length - this.offset;
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.offset++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): number {
    this.need(8);
    const v = Number(this.buf.readBigInt64BE(this.offset));
    this.offset += 8;
    return v;
  }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.offset++]!;
      if (shift === 28 && b > 0x0f) throw new DecodeError('uvarint longer than 32 bits');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }

  /** Zigzag varint (record fields). */
  varint(): number {
    const v = this.uvarint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  /** Zigzag varlong (record timestamp delta); fits a double for any sane timestamp. */
  varlong(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.offset++]!;
      if (shift > 63) throw new DecodeError('varlong longer than 64 bits');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new DecodeError('null string where a string is required');
    return s;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }

  compactNullableString(): string | null {
    const len = this.uvarint() - 1;
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }

  /** INT32-length bytes, returned as a view into the frame (no copy). */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    this.need(len);
    const b = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return b;
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  /** INT32-count array; null (-1) becomes null. The count is checked against the bytes left. */
  nullableArray<T>(item: (d: Decoder) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    if (n > this.remaining()) throw new DecodeError(`array count ${n} exceeds frame`);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = item(this);
    return out;
  }

  array<T>(item: (d: Decoder) => T): T[] {
    return this.nullableArray(item) ?? [];
  }

  compactArray<T>(item: (d: Decoder) => T): T[] {
    const n = this.uvarint() - 1;
    if (n < 0) return [];
    if (n > this.remaining()) throw new DecodeError(`array count ${n} exceeds frame`);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = item(this);
    return out;
  }

  /** Skips a tagged-field buffer (flexible versions): count, then (tag, size, bytes) each. */
  skipTags(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.need(size);
      this.offset += size;
    }
  }
}
