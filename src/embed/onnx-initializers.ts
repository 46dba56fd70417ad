import fs from 'node:fs';
import protobuf from 'protobufjs/minimal.js';

/**
 * Reads the named constant tensors (initializers) of an ONNX file, as views of the file's bytes.
 *
 * It walks the few fields it needs with protobuf.js's wire-format reader instead of decoding the whole
 * model through onnx-proto's generated classes: those take longer to load than the read itself, and a
 * process that runs the offline model (every engine thread) only ever needs its tables.
 * Field numbers are those of onnx.proto: ModelProto.graph 7, GraphProto.initializer 5,
 * TensorProto.dims 1, data_type 2, name 8, raw_data 9.
 */

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

/** TensorProto.DataType values this reader hands out. */
export const ONNX_FLOAT = 1;
export const ONNX_INT8 = 3;

export interface OnnxInitializer {
  name: string;
  dataType: number;
  dims: number[];
  /** The tensor's little-endian bytes, a view into the file's buffer. */
  raw: Uint8Array;
}

export class OnnxFileError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a usable ONNX model: ${reason}`);
    this.name = 'OnnxFileError';
  }
}

/** Calls `onField` for each field of the message between the reader's position and `end`; it must consume the field. */
function forEachField(reader: protobuf.Reader, end: number, onField: (field: number, wireType: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (!onField(field, wireType)) reader.skipType(wireType);
  }
}

function int64(reader: protobuf.Reader): number {
  const value = reader.int64() as unknown;
  return typeof value === 'number' ? value : Number(String(value));
}

function readTensor(reader: protobuf.Reader, end: number): OnnxInitializer {
  const tensor: OnnxInitializer = { name: '', dataType: 0, dims: [], raw: new Uint8Array(0) };
  forEachField(reader, end, (field, wireType) => {
    if (field === TENSOR_DIMS && wireType === WIRE_VARINT) tensor.dims.push(int64(reader));
    else if (field === TENSOR_DIMS && wireType === WIRE_LENGTH_DELIMITED) {
      const packedEnd = reader.uint32() + reader.pos;
      while (reader.pos < packedEnd) tensor.dims.push(int64(reader));
    } else if (field === TENSOR_DATA_TYPE && wireType === WIRE_VARINT) tensor.dataType = reader.int32();
    else if (field === TENSOR_NAME && wireType === WIRE_LENGTH_DELIMITED) tensor.name = reader.string();
    else if (field === TENSOR_RAW_DATA && wireType === WIRE_LENGTH_DELIMITED) tensor.raw = reader.bytes();
    else return false;
    return true;
  });
  return tensor;
}

/** Every initializer of the model's graph, by name. Throws OnnxFileError for a file that is not an ONNX model. */
export function readOnnxInitializers(file: string): Map<string, OnnxInitializer> {
  const bytes = fs.readFileSync(file);
  const reader = protobuf.Reader.create(bytes);
  const initializers = new Map<string, OnnxInitializer>();
  let sawGraph = false;
  try {
    forEachField(reader, bytes.length, (field, wireType) => {
      if (field !== MODEL_GRAPH || wireType !== WIRE_LENGTH_DELIMITED) return false;
      sawGraph = true;
      const graphEnd = reader.uint32() + reader.pos;
      forEachField(reader, graphEnd, (graphField, graphWireType) => {
        if (graphField !== GRAPH_INITIALIZER || graphWireType !== WIRE_LENGTH_DELIMITED) return false;
        const tensorEnd = reader.uint32() + reader.pos;
        const tensor = readTensor(reader, tensorEnd);
        initializers.set(tensor.name, tensor);
        return true;
      });
      return true;
    });
  } catch (error) {
    // protobuf.js throws a RangeError ("index out of range") on truncated or foreign bytes.
    throw new OnnxFileError(file, (error as Error).message);
  }
  if (!sawGraph) throw new OnnxFileError(file, 'it has no graph');
  return initializers;
}
