/**
 * The byte oracle: every frame carries a sequence number (bytes 14–17, just
 * after the Ethernet header) stamped when the device writes it; every frame
 * the application reads must be byte-for-byte the frame sent under its
 * number, and numbers must rise (drops may skip some, nothing may reorder).
 */
export class OracleFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OracleFailure';
  }
}

export class FrameOracle {
  /** Frames read that were not a frame sent (only counted when the oracle is not strict). */
  mismatches = 0;

  /** `strict` false: a wrong frame is counted, not thrown (for lockstep runs of versions known to misparse). */
  constructor(readonly strict = true) {}

  private readonly sent = new Map<number, Uint8Array>();
  /** Every frame ever stamped, read or not (for `isFrame`). */
  private readonly all = new Map<number, Uint8Array>();
  private nextSeq = 1;
  private lastRead = 0;
  readCount = 0;

  get sentCount(): number {
    return this.nextSeq - 1;
  }

  /** A copy of the frame with its sequence number. Frames shorter than 18 bytes are padded by the caller's arbitrary (min 18). */
  stamp(frame: Uint8Array): Uint8Array {
    const f = new Uint8Array(frame);
    new DataView(f.buffer).setUint32(14, this.nextSeq, true);
    this.sent.set(this.nextSeq, f);
    this.all.set(this.nextSeq, f);
    this.nextSeq++;
    return f;
  }

  /** Whether `bytes` are exactly one frame the device was given (by its stamp, then byte for byte). */
  isFrame(bytes: Uint8Array): boolean {
    if (bytes.length < 18) return false;
    const seq = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(14, true);
    const want = this.all.get(seq);
    if (!want || want.length !== bytes.length) return false;
    for (let i = 0; i < want.length; i++) if (want[i] !== bytes[i]) return false;
    return true;
  }

  read(bytes: Uint8Array): void {
    this.readCount++;
    if (!this.strict) {
      if (!this.isFrame(bytes)) this.mismatches++;
      return;
    }
    if (bytes.length < 18) throw new OracleFailure(`read a ${bytes.length}-byte frame, shorter than any sent`);
    const seq = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(14, true);
    const want = this.sent.get(seq);
    if (!want) throw new OracleFailure(`read a frame numbered ${seq}, which was never sent (${bytes.length} bytes)`);
    if (seq <= this.lastRead) throw new OracleFailure(`frame ${seq} read after frame ${this.lastRead}`);
    if (want.length !== bytes.length) throw new OracleFailure(`frame ${seq}: sent ${want.length} bytes, read ${bytes.length}`);
    for (let i = 0; i < want.length; i++) {
      if (want[i] !== bytes[i]) throw new OracleFailure(`frame ${seq}: byte ${i} of ${want.length} differs (sent ${want[i]}, read ${bytes[i]})`);
    }
    this.lastRead = seq;
    this.sent.delete(seq);
  }
}
