// Serialises a GraphBuilder to an .onnx file, streaming initializers one at a time so the weights
// are never all in memory. The protobuf is assembled by hand around protobufjs-encoded pieces:
// lengths are known before any data is read, and protobuf allows a message's fields in any order.
// Above a threshold the weights go to ONE external `<model>.onnx.data` file (protobuf cannot
// exceed 2 GB), 4096-aligned. Files are written under temporary names and renamed at the end.

import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import onnxProto from 'onnx-proto';
import { CONTRIB_DOMAIN, ELEM_BYTES, ONNX_ELEM_TYPE, type GraphBuilder, type InitializerSource, type ValueInfo } from './onnx-builder';

const { onnx } = onnxProto;

export const IR_VERSION = 8;
export const OPSET = 17;
/** Above this many bytes of initializers, weights go to an external data file. */
export const DEFAULT_EXTERNAL_THRESHOLD = 1 << 30;
/** Initializers smaller than this (shape constants) stay inside the .onnx even with external data. */
const EXTERNAL_MIN_BYTES = 1024;
const ALIGN = 4096;
const WRITE_CHUNK = 1 << 28; // fs.write takes < 2 GiB per call; an fp32 vocab matrix can be larger

export interface WriteModelOptions {
  graph: GraphBuilder;
  outPath: string;
  /** Default DEFAULT_EXTERNAL_THRESHOLD; tests force external data with a tiny value. */
  externalThresholdBytes?: number;
  producerVersion: string;
  metadata: Record<string, string>;
  onProgress?: (fraction: number) => void;
}

export interface WrittenModel {
  path: string;
  externalDataPath: string | null;
  nodeCount: number;
}

export async function writeModel(o: WriteModelOptions): Promise<WrittenModel> {
  const inits = o.graph.initializers;
  const total = inits.reduce((a, t) => a + byteLength(t), 0);
  const external = total > (o.externalThresholdBytes ?? DEFAULT_EXTERNAL_THRESHOLD);
  const dataPath = `${o.outPath}.data`;
  const dataName = basename(dataPath);

  // Placement of each initializer: inside the .onnx (offset null), or at an aligned offset of the data file.
  let dataEnd = 0;
  const entries = inits.map((init) => {
    const size = byteLength(init);
    let offset: number | null = null;
    if (external && size >= EXTERNAL_MIN_BYTES) {
      offset = Math.ceil(dataEnd / ALIGN) * ALIGN;
      dataEnd = offset + size;
    }
    const meta = encodeTensorMeta(init, offset === null ? null : { location: dataName, offset, length: size });
    const body = meta.length + (offset === null ? fieldHeaderLength(9, size) + size : 0);
    return { init, size, offset, meta, body };
  });
  const graphHead = encodeGraphHead(o.graph);
  const graphLen = graphHead.length + entries.reduce((a, e) => a + fieldHeaderLength(5, e.body) + e.body, 0);
  const modelHead = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }, ...(o.graph.usesContribOps ? [{ domain: CONTRIB_DOMAIN, version: 1 }] : [])],
    producerName: 'ablation-studio',
    producerVersion: o.producerVersion,
    metadataProps: Object.entries(o.metadata).map(([key, value]) => ({ key, value })),
  }).finish();

  const suffix = `.partial-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmpModel = `${o.outPath}${suffix}`;
  const tmpData = `${dataPath}${suffix}`;
  const model = await open(tmpModel, 'w');
  const data = external ? await open(tmpData, 'w') : null;
  try {
    await writeAll(model, modelHead);
    await writeAll(model, fieldHeader(7, graphLen));
    await writeAll(model, graphHead);
    let done = 0;
    let dataPos = 0;
    for (const { init, size, offset, meta, body } of entries) {
      await writeAll(model, fieldHeader(5, body));
      await writeAll(model, meta);
      const bytes = init.bytes();
      if (bytes.length !== size) throw new Error(`initializer ${init.name}: ${bytes.length} bytes, expected ${size}`);
      if (offset === null) {
        await writeAll(model, fieldHeader(9, size));
        await writeAll(model, bytes);
      } else {
        if (!data) throw new Error(`initializer ${init.name}: placed in the external data file, which is not open`);
        if (offset > dataPos) await writeAll(data, new Uint8Array(offset - dataPos)); // alignment padding
        await writeAll(data, bytes);
        dataPos = offset + size;
      }
      done += size;
      o.onProgress?.(total ? done / total : 1);
    }
    await model.close();
    await data?.close();
    if (data) await rename(tmpData, dataPath);
    await rename(tmpModel, o.outPath);
  } catch (err) {
    await model.close().catch(() => {});
    await data?.close().catch(() => {});
    await rm(tmpModel, { force: true });
    await rm(tmpData, { force: true });
    throw err;
  }
  return { path: o.outPath, externalDataPath: external ? dataPath : null, nodeCount: o.graph.nodes.length };
}

function byteLength(t: InitializerSource): number {
  return t.dims.reduce((a, b) => a * b, 1) * ELEM_BYTES[t.elemType];
}

/** TensorProto without its data (name, dims, type, doc, external location). */
function encodeTensorMeta(t: InitializerSource, ext: { location: string; offset: number; length: number } | null): Uint8Array {
  return onnx.TensorProto.encode({
    name: t.name,
    dims: t.dims,
    dataType: ONNX_ELEM_TYPE[t.elemType],
    docString: t.note,
    ...(ext
      ? {
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            { key: 'location', value: ext.location },
            { key: 'offset', value: String(ext.offset) },
            { key: 'length', value: String(ext.length) },
          ],
        }
      : {}),
  }).finish();
}

/** GraphProto without initializers (they follow as separately written field-5 entries). */
function encodeGraphHead(g: GraphBuilder): Uint8Array {
  const valueInfo = (v: ValueInfo) => ({
    name: v.name,
    type: {
      tensorType: {
        elemType: ONNX_ELEM_TYPE[v.elemType],
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  return onnx.GraphProto.encode({
    name: g.name,
    node: g.nodes,
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
  }).finish();
}

/** Tag (wire type 2) + varint length. */
function fieldHeader(field: number, length: number): Uint8Array {
  return Uint8Array.from([...varint(field * 8 + 2), ...varint(length)]);
}

function fieldHeaderLength(field: number, length: number): number {
  return varint(field * 8 + 2).length + varint(length).length;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; at += WRITE_CHUNK) {
    const chunk = bytes.subarray(at, Math.min(bytes.length, at + WRITE_CHUNK));
    let written = 0;
    while (written < chunk.length) written += (await fh.write(chunk, written, chunk.length - written)).bytesWritten;
  }
}
