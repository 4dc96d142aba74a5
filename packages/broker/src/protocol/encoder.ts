/**
 * Writes Kafka wire primitives into a growable buffer. A response starts with 4 reserved bytes
 * for the frame size, patched by `frame()`.
 */
export class Encoder {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  get length(): number {
    return this.pos;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** int64 on the wire, from a number (exact below 2^53) or a bigint. */
  int64(v: number | bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  uvarint(v: number): this {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Zigzag varint/varlong (record fields). */
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  string(s: string): this {
    const len = Buffer.byteLength(s);
    this.int16(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  nullableString(s: string | null | undefined): this {
    if (s === null || s === undefined) return this.int16(-1);
    return this.string(s);
  }

  compactString(s: string | null | undefined): this {
    if (s === null || s === undefined) return this.uvarint(0);
    const len = Buffer.byteLength(s);
    this.uvarint(len + 1);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  raw(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }

  bytes(b: Buffer | null | undefined): this {
    if (b === null || b === undefined) return this.int32(-1);
    this.int32(b.length);
    return this.raw(b);
  }

  array<T>(items: readonly T[] | null | undefined, item: (e: this, v: T) => void): this {
    if (items === null || items === undefined) return this.int32(-1);
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  compactArray<T>(items: readonly T[] | null | undefined, item: (e: this, v: T) => void): this {
    if (items === null || items === undefined) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const v of items) item(this, v);
    return this;
  }

  /** An empty tagged-field buffer. */
  tags(): this {
    return this.uvarint(0);
  }

  /** The written bytes (a view; the encoder must not be reused afterwards). */
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Patches the reserved 4-byte size prefix and returns the frame. */
  frame(): Buffer {
    this.buf.writeInt32BE(this.pos - 4, 0);
    return this.buf.subarray(0, this.pos);
  }
}

/** An encoder holding a response frame: size placeholder, then correlation id (header v0). */
export function responseEncoder(correlationId: number, capacity = 256): Encoder {
  return new Encoder(capacity).int32(0).int32(correlationId);
}
