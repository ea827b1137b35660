// Reading Hugging Face checkpoints: safetensors headers and tensors by byte range, the content hash
// that keys the compiled-graph cache, and the tokenizer. The engine imports from here.

export { openCheckpoint, type Checkpoint } from './checkpoint';
export type { TensorEntry, UnsupportedTensor } from './safetensors-header';
export { MAX_HEADER_BYTES, readSafetensorsHeader } from './safetensors-header';
export { type SafetensorsDtype, SUPPORTED_DTYPES, DTYPE_BYTES, decodeToFloat32, encodeFromFloat32 } from './dtype';
export { hashCheckpoint, hashFile } from './checkpoint-hash';
export { loadTokenizer, type LoadedTokenizer } from './tokenizer';
export { INDEX_FILE, SINGLE_FILE } from './weight-files';
