import fs from 'node:fs';
import os from 'node:os';

/**
 * A reader for the safetensors format (https://github.com/huggingface/safetensors), hand-written because the
 * format is tiny: 8 bytes little-endian header length N, N bytes of JSON header mapping each tensor name to
 * `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the end of the header), an optional
 * `__metadata__` entry of strings, then the raw little-endian tensor bytes. Float tensors (F32, F16, BF16) are
 * returned as float32; other dtypes can be listed but not read as floats.
 */

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

const DTYPE_BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

const LITTLE_ENDIAN = os.endianness() === 'LE';

export const FLOAT_DTYPES = ['F32', 'F16', 'BF16'] as const;

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  readonly path: string;
  readonly metadata: Record<string, string>;
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** The tensor as float32 (converted from F16 or BF16). Throws a SafetensorsError for a missing or non-float tensor. */
  float32(name: string): Float32Array;
}

/** Parses a whole safetensors file held in memory; `label` names it in error messages. */
export function parseSafetensors(bytes: Uint8Array, label = 'safetensors file'): SafetensorsFile {
  function fail(reason: string): never {
    throw new SafetensorsError(`${label} is not a valid safetensors file: ${reason}.`);
  }
  if (bytes.byteLength < 8) fail(`it is ${bytes.byteLength} bytes long, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength < 2n || headerLength > 100_000_000n) fail(`the header length ${headerLength} is implausible`);
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.byteLength) fail(`the header says it is ${headerLength} bytes but the file ends after ${bytes.byteLength - 8} (truncated?)`);

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch {
    fail('its header is not valid JSON (corrupt or not safetensors)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('its header is not a JSON object');

  const dataLength = bytes.byteLength - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) fail(`tensor "${name}" has an unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor "${name}" has an invalid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor "${name}" has invalid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((product, d) => product * d, 1);
    if (end - begin !== elements * DTYPE_BYTES[dtype]!) {
      fail(`tensor "${name}" (${dtype} ${JSON.stringify(shape)}) should take ${elements * DTYPE_BYTES[dtype]!} bytes but its offsets span ${end - begin}`);
    }
    if (end > dataLength) fail(`tensor "${name}" ends at byte ${end} of the data but the data is only ${dataLength} bytes (truncated?)`);
    tensors.set(name, { dtype: dtype, shape: shape as number[], begin, end });
  }

  return {
    path: label,
    metadata,
    tensors,
    float32(name: string): Float32Array {
      const info = tensors.get(name);
      if (!info) throw new SafetensorsError(`${label} has no tensor "${name}".`);
      return toFloat32(bytes.subarray(dataStart + info.begin, dataStart + info.end), info.dtype, name, label);
    },
  };
}

/** Reads and parses a safetensors file from disk. */
export function readSafetensors(file: string): SafetensorsFile {
  return parseSafetensors(fs.readFileSync(file), file);
}

function toFloat32(raw: Uint8Array, dtype: string, name: string, label: string): Float32Array {
  const count = raw.byteLength / DTYPE_BYTES[dtype]!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN)
        new Uint8Array(out.buffer).set(raw); // a plain copy (the data need not be 4-byte aligned)
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const bits = new DataView(out.buffer);
      for (let i = 0; i < count; i++) bits.setUint32(i * 4, view.getUint16(i * 2, true) << 16, LITTLE_ENDIAN);
      return out;
    }
    default:
      throw new SafetensorsError(`Tensor "${name}" in ${label} is ${dtype}; only ${FLOAT_DTYPES.join(', ')} weights can be imported.`);
  }
}

/** IEEE 754 binary16 to a JS number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
