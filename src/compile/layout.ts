/**
 * How states are laid out as integer records. A layout packs a
 * (configuration, context) pair into a record and back, and can write one
 * top-level context field in place, which lets a step whose only action is
 * one assign build its successor's record from its source's record without
 * creating a context object.
 */
export interface Layout {
  readonly name: string;
  /** Record length when fixed (every state the same width), else 0. */
  readonly fixedWidth: number;
  /**
   * Writes the record of (config, context) at out[0..) and returns its
   * length. `hint` is a layout-specific guess (the source state's shape)
   * that makes the common case fast.
   */
  pack(config: number, context: unknown, out: Int32Array, hint: number): number;
  unpack(rec: Int32Array, off: number): unknown;
  configOf(rec: Int32Array, off: number): number;
  setConfig(rec: Int32Array, off: number, config: number): void;
  /** The hint for packing successors of the state at `off`. */
  hintOf(rec: Int32Array, off: number): number;
  /**
   * Writes top-level field `key` = `value` into the record at out[0..)
   * (whose layout is `hint`); false when the value does not fit in place (a
   * new key, another kind of value), and the caller packs from an object.
   */
  write(out: Int32Array, hint: number, key: string, value: unknown): boolean;
  /** A handle on top-level field `key` in records of layout `hint`, for repeated writes; undefined when it has none. */
  field(hint: number, key: string): unknown;
  /** `write` through a handle from `field`. */
  writeField(out: Int32Array, field: unknown, value: unknown): boolean;
}
