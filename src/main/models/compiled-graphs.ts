// Which compiled graphs of a checkpoint the graph cache holds, and what they take on disk: the probe
// and the patterns graph whole, and the probe as one graph per layer (what a study with layer reuse
// runs; CPU, float32 only). A model counts as compiled when either form of its probe is complete.

import { existsSync, statSync } from 'node:fs';
import type { CompiledGraphView } from '../../shared/ipc/models';
import { layerRangeTag } from '../engine/graph/model-graph';
import { graphPath } from '../engine/runtime/graph-cache';

const DTYPES = ['float32', 'float16'] as const;

/** Every graph form of one checkpoint (nLayers: null when its config cannot be read: no per-layer entry). */
export function compiledGraphs(graphsDir: string, checksum: string, nLayers: number | null): CompiledGraphView[] {
  const whole = (['probe', 'patterns'] as const).flatMap((variant) =>
    DTYPES.map((dtype) => {
      const path = graphPath({ cacheDir: graphsDir, checkpointHash: checksum, variant, dtype });
      const cached = existsSync(path);
      return { variant, dtype, layers: false, cached, sizeBytes: cached ? graphBytes(path) : null, path };
    }),
  );
  const paths = layerGraphPaths(graphsDir, checksum, nLayers);
  if (paths.length === 0) return whole;
  const present = paths.filter((p) => existsSync(p));
  // A partly compiled set (a study stopped while compiling) still takes disk: its size counts.
  const sizeBytes = present.length === 0 ? null : present.reduce((sum, p) => sum + graphBytes(p), 0);
  const perLayer = { variant: 'probe' as const, dtype: 'float32' as const, layers: true, cached: present.length === nLayers, sizeBytes, path: paths[0] ?? '' };
  return [...whole, perLayer];
}

/** A probe graph is complete, whole or per layer (files looked up only, for every row of the model list). */
export function isCompiled(graphsDir: string, checksum: string | null, nLayers: number | null): boolean {
  if (!checksum) return false;
  if (DTYPES.some((dtype) => existsSync(graphPath({ cacheDir: graphsDir, checkpointHash: checksum, variant: 'probe', dtype })))) return true;
  const paths = layerGraphPaths(graphsDir, checksum, nLayers);
  return paths.length > 0 && paths.every((p) => existsSync(p));
}

/** The probe's per-layer graph files (none without the model's layer count). */
function layerGraphPaths(graphsDir: string, checksum: string, nLayers: number | null): string[] {
  return Array.from({ length: nLayers ?? 0 }, (_, l) =>
    graphPath({ cacheDir: graphsDir, checkpointHash: checksum, variant: 'probe', dtype: 'float32', part: layerRangeTag({ from: l, to: l + 1 }) }),
  );
}

/** The graph file and its external data. */
function graphBytes(onnxPath: string): number {
  const data = `${onnxPath}.data`;
  return statSync(onnxPath).size + (existsSync(data) ? statSync(data).size : 0);
}
