/**
 * Builds nodes and constant initializers to append to a model (appendGraph.ts): every name it
 * makes starts with a prefix no exporter uses, so appended tensors never collide with the model's.
 */
import { AttributeType, DataType, type RawAttribute, type RawNode, type RawTensor } from './onnxSchema';

export type AttributeValue = number | readonly number[] | { readonly float: number };

export class GraphBuilder {
  readonly nodes: RawNode[] = [];
  readonly initializers: RawTensor[] = [];
  private count = 0;

  constructor(private readonly prefix: string) {}

  /** A fresh tensor name. */
  name(stem: string): string {
    this.count += 1;
    return `${this.prefix}${stem}_${this.count}`;
  }

  /** Appends one node and returns its first output (or all outputs when `outputs` > 1). */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, domain = ''): string {
    return this.opMulti(opType, inputs, 1, attributes, domain)[0]!;
  }

  opMulti(opType: string, inputs: readonly string[], outputs: number, attributes: Record<string, AttributeValue> = {}, domain = ''): string[] {
    const names = Array.from({ length: outputs }, () => this.name(opType.toLowerCase()));
    this.nodes.push({ name: this.name(opType), opType, domain, input: [...inputs], output: names, attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
    return names;
  }

  /** An int64 constant; a scalar when `dims` is []. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const data = new Uint8Array(values.length * 8);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    return this.constant(DataType.INT64, dims, data);
  }

  /** A float32 scalar constant. */
  float(value: number): string {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setFloat32(0, value, true);
    return this.constant(DataType.FLOAT, [], data);
  }

  /** Casts to float32 (a no-op for float32 inputs), so appended arithmetic has one element type. */
  toFloat(tensor: string): string {
    return this.op('Cast', [tensor], { to: DataType.FLOAT });
  }

  private constant(dataType: number, dims: readonly number[], rawData: Uint8Array): string {
    const name = this.name('const');
    this.initializers.push({ name, dataType, dims: [...dims], rawData });
    return name;
  }
}

function attribute(name: string, value: AttributeValue): RawAttribute {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: [...(value as number[])] };
  return { name, type: AttributeType.FLOAT, f: (value as { float: number }).float };
}
