/**
 * UTF-8 bytes of many short strings without an allocation per string: they are written one after
 * another into shared chunks, and each string gets a view of its bytes. A send takes a new arena,
 * so no chunk is written again while a request may still read (or resend) it.
 */
const maxChunk = 256 * 1024

export class Utf8Arena {
  private chunk: Buffer | undefined
  private offset = 0

  /** `expectedBytes`: about how much will be written, so that a small batch takes a small chunk. */
  constructor(private readonly expectedBytes: number) {}

  bytes(text: string): Buffer {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: with that much room, nothing is cut.
    const worst = text.length * 3
    if (this.chunk === undefined || this.offset + worst > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(Math.min(this.expectedBytes, maxChunk), worst))
      this.offset = 0
    }
    const start = this.offset
    this.offset += this.chunk.write(text, start)
    return this.chunk.subarray(start, this.offset)
  }
}
