/** A growable byte buffer with the encodings the WebAssembly binary format uses (LEB128, IEEE 754 little-endian). */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  u8(byte: number): this {
    this.reserve(1);
    this.buf[this.len++] = byte & 0xff;
    return this;
  }

  bytes(data: ArrayLike<number>): this {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** Unsigned LEB128 (sizes, indices, opcodes after a prefix byte). */
  uleb(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`uleb: ${value}`);
    let v = value;
    do {
      let byte = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) byte |= 0x80;
      this.u8(byte);
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer (i32.const). Values up to 2^32 are taken modulo 2^32. */
  sleb32(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) throw new RangeError(`sleb32: ${value}`);
    let v = value | 0;
    for (;;) {
      const byte = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
      this.u8(done ? byte : byte | 0x80);
      if (done) return this;
    }
  }

  f32(value: number): this {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    return this.bytes(new Uint8Array(view.buffer));
  }

  f64(value: number): this {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    return this.bytes(new Uint8Array(view.buffer));
  }

  /** A length-prefixed UTF-8 name. */
  name(text: string): this {
    const utf8 = new TextEncoder().encode(text);
    return this.uleb(utf8.length).bytes(utf8);
  }

  /** Another writer's bytes, prefixed with their length (sections, function bodies). */
  sized(inner: ByteWriter): this {
    return this.uleb(inner.length).bytes(inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
