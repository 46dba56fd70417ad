import onnxProto from 'onnx-proto';

/** A small helper for writing ONNX graphs with onnx-proto: named initializers, nodes and attributes. */

const { onnx } = onnxProto;

export const { FLOAT, INT64, INT8 } = onnx.TensorProto.DataType;

type Attribute = number | number[] | { float: number };
type Initializer = InstanceType<typeof onnx.TensorProto>;
type Node = InstanceType<typeof onnx.NodeProto>;

function bytesOf(array: Float32Array | Int8Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function attribute(name: string, value: Attribute) {
  const { FLOAT: F, INT, INTS } = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: INT, i: value };
  if (Array.isArray(value)) return { name, type: INTS, ints: value };
  return { name, type: F, f: value.float };
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** A fresh value name with a readable stem. */
  fresh(stem: string): string {
    let name = stem;
    while (this.names.has(name)) name = `${stem}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  floatTensor(name: string, dims: number[], data: Float32Array): string {
    return this.initializer(name, FLOAT, dims, bytesOf(data), data.length, dims);
  }

  int8Tensor(name: string, dims: number[], data: Int8Array): string {
    return this.initializer(name, INT8, dims, bytesOf(data), data.length, dims);
  }

  int64Tensor(name: string, dims: number[], values: number[]): string {
    return this.initializer(name, INT64, dims, bytesOf(BigInt64Array.from(values, BigInt)), values.length, dims);
  }

  /** A float scalar constant. */
  scalar(name: string, value: number): string {
    return this.floatTensor(name, [], Float32Array.of(value));
  }

  private initializer(name: string, dataType: number, dims: number[], rawData: Uint8Array, count: number, shape: number[]): string {
    const expected = shape.reduce((product, d) => product * d, 1);
    if (count !== expected) throw new Error(`Initializer ${name}: ${count} values for shape [${shape.join(', ')}].`);
    const unique = this.fresh(name);
    this.initializers.push(onnx.TensorProto.create({ name: unique, dataType, dims, rawData }));
    return unique;
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: string[], outputStem: string, attributes: Record<string, Attribute> = {}): string {
    const output = this.fresh(outputStem);
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: inputs,
        output: [output],
        name: `${opType}:${output}`,
        attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
      }),
    );
    return output;
  }

  /** Encodes the model; graph inputs and outputs are given as [name, element type, dims]. */
  encode(options: {
    graphName: string;
    docString: string;
    opset: number;
    inputs: Array<[string, number, Array<number | string>]>;
    outputs: Array<[string, number, Array<number | string>]>;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: options.opset }],
      producerName: 'guidebot',
      docString: options.docString,
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: options.inputs.map(([name, type, dims]) => valueInfo(name, type, dims)),
        output: options.outputs.map(([name, type, dims]) => valueInfo(name, type, dims)),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** Declares a graph input name as taken, so no node output reuses it. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`Value name ${name} is already used.`);
    this.names.add(name);
    return name;
  }

  /** Renames the last node's output (used to give the graph output its public name). */
  renameLastOutput(name: string): void {
    const last = this.nodes[this.nodes.length - 1];
    if (!last) throw new Error('The graph has no node.');
    this.reserve(name);
    last.output = [name];
  }
}
