/** Reading ONNX models and exposing their attention; pure, usable in the extension host and workers. */
export { readOnnxModel, externalDataTensors } from './readModel';
export type { OnnxModel, OnnxGraph, OnnxNode, OnnxAttribute, OnnxValueInfo, OnnxTensor, OnnxDim, OnnxOpsetImport } from './readModel';
export { tensorToFloat32, tensorToBigInt64, elementCount } from './tensorData';
export { OnnxFormatError, type OnnxFormatErrorKind } from './onnxFormatError';
export { exposeAttention, AttentionNotFoundError } from './exposeAttention';
export type { ExposedAttention, AttentionOutput, FusedAttentionNode } from './exposeAttention';
export { allGraphs, attributeTensors, misplacedExternalData } from './readModel';
export { isFusedAttention, FusedAttentionError } from './fusedAttention';
export { pruneGraph, PruneGraphError, type PrunedGraph } from './pruneGraph';
export { upcastBfloat16, hasBfloat16, Bfloat16Error, UPCAST_DATA_LOCATION, type Bfloat16Upcast } from './upcastBfloat16';
export { lowPrecisionWeights, weightPrecision } from './floatWeights';
