import onnxProto from 'onnx-proto';
import { quantizePerRow } from './import/quantize.js';
import { DIMENSIONS, OFFLINE_MODEL_BUILD_VERSION, OFFLINE_MODEL_ID } from './offline-model.js';

/**
 * The offline model's ONNX graph. A module of its own, loaded only when the model is built: onnx-proto and
 * protobufjs are large, and a process that only runs the built model never needs them.
 */

const { onnx } = onnxProto;

type Tensor = InstanceType<typeof onnx.TensorProto>;

function tensor(name: string, dataType: number, dims: number[], bytes: Uint8Array): Tensor {
  return onnx.TensorProto.create({ name, dataType, dims, rawData: bytes });
}

function bytesOf(array: Float32Array | Int8Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function node(opType: string, input: string[], output: string[], attributes: Array<{ name: string; i: number }> = []) {
  return onnx.NodeProto.create({
    opType,
    input,
    output,
    name: output[0],
    attribute: attributes.map(({ name, i }) => ({ name, i, type: onnx.AttributeProto.AttributeType.INT })),
  });
}

/**
 * last_hidden_state[b, s, :] = table[input_ids[b, s], :] * attention_mask[b, s].
 * Quantized: table = int8 rows times a float scale per row, both gathered.
 */
export function onnxModel(table: Float32Array, rows: number, quantized: boolean): Uint8Array {
  const { FLOAT, INT64, INT8 } = onnx.TensorProto.DataType;
  const initializer: Tensor[] = [tensor('unsqueeze_axes', INT64, [1], bytesOf(new BigInt64Array([-1n])))];
  const nodes = [node('Cast', ['attention_mask'], ['mask_float'], [{ name: 'to', i: FLOAT }]), node('Unsqueeze', ['mask_float', 'unsqueeze_axes'], ['mask_3d'])];
  if (!quantized) {
    initializer.push(tensor('word_embeddings', FLOAT, [rows, DIMENSIONS], bytesOf(table)));
    nodes.push(node('Gather', ['word_embeddings', 'input_ids'], ['token_embeddings'], [{ name: 'axis', i: 0 }]), node('Mul', ['token_embeddings', 'mask_3d'], ['last_hidden_state']));
  } else {
    const { values, scales } = quantizePerRow(table, rows, DIMENSIONS);
    initializer.push(tensor('word_embeddings_int8', INT8, [rows, DIMENSIONS], bytesOf(values)), tensor('word_embeddings_scale', FLOAT, [rows, 1], bytesOf(scales)));
    nodes.push(
      node('Gather', ['word_embeddings_int8', 'input_ids'], ['token_embeddings_int8'], [{ name: 'axis', i: 0 }]),
      node('Gather', ['word_embeddings_scale', 'input_ids'], ['token_scales'], [{ name: 'axis', i: 0 }]),
      node('Cast', ['token_embeddings_int8'], ['token_embeddings_q'], [{ name: 'to', i: FLOAT }]),
      node('Mul', ['token_scales', 'mask_3d'], ['token_scales_masked']),
      node('Mul', ['token_embeddings_q', 'token_scales_masked'], ['last_hidden_state']),
    );
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'guidebot',
    producerVersion: String(OFFLINE_MODEL_BUILD_VERSION),
    docString: `${OFFLINE_MODEL_ID}${quantized ? ' (int8)' : ''}: GloVe 6B 100d word-vector lookup, SIF-weighted; mean-pool and normalise.`,
    graph: {
      name: 'glove_lookup',
      node: nodes,
      initializer,
      input: [valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']), valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length'])],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', DIMENSIONS])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
