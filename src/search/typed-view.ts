/**
 * A typed array over bytes read from a file: a view of the same memory when the bytes start on the element
 * size (as a large file read whole does), else a copy. Either way the bytes are not read twice.
 */
export function viewAs<T extends Float32Array | Float64Array | Int32Array>(
  Type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array,
): T {
  const { BYTES_PER_ELEMENT: size } = Type;
  if (bytes.byteLength % size !== 0) throw new Error(`${bytes.byteLength} bytes are not a whole number of ${size}-byte values`);
  if (bytes.byteOffset % size === 0) return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
