/** Pieces appended before they are joined into a chunk. */
const PIECES_PER_CHUNK = 256;

/**
 * Text built from many small deltas, held at about one byte per character (two for non-Latin-1
 * text) whatever the number of deltas. `text += delta` makes V8 keep one 32-byte node per append
 * until the string is read, so 100,000 deltas of a few characters would hold megabytes of nodes
 * for kilobytes of text.
 *
 * Pieces are joined in groups of {@link PIECES_PER_CHUNK}; chunks are kept oldest first, each more
 * than twice as long as the next (a shorter one is merged into its predecessor), so a builder
 * holds O(log n) strings and each character is copied O(log n) times. {@link toString} joins what
 * is there and keeps the result until the next append.
 */
export class TextBuilder {
  private chunks: string[] = [];
  private pieces: string[] = [];
  private joined: string | undefined = "";
  /** Characters appended so far. */
  length = 0;

  append(delta: string): void {
    if (delta.length === 0) return;
    this.length += delta.length;
    this.joined = undefined;
    if (this.pieces.push(delta) < PIECES_PER_CHUNK) return;
    let chunk = this.pieces.join("");
    this.pieces = [];
    // Binary-counter merging: a chunk no longer than twice the new one joins it (`join` gives a
    // flat string; `+` would give another node).
    while (
      this.chunks.length > 0 &&
      (this.chunks[this.chunks.length - 1] as string).length <= 2 * chunk.length
    ) {
      chunk = [this.chunks.pop() as string, chunk].join("");
    }
    this.chunks.push(chunk);
  }

  toString(): string {
    if (this.joined === undefined) {
      const whole = [...this.chunks, ...this.pieces].join("");
      this.chunks = whole.length === 0 ? [] : [whole];
      this.pieces = [];
      this.joined = whole;
    }
    return this.joined;
  }
}
