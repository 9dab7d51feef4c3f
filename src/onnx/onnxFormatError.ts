/** Why an ONNX file could not be read. */
export type OnnxFormatErrorKind =
  /** The bytes end in the middle of a field: an interrupted download or copy. */
  | 'truncated'
  /** The bytes are not a valid protobuf message. */
  | 'corrupt'
  /** Valid protobuf, but not an ONNX model (no graph or no opset import). */
  | 'not-onnx'
  /** Weights live in separate files next to the model, which a byte array cannot reach. */
  | 'external-data'
  /** A tensor's element type or layout this reader does not convert. */
  | 'unsupported';

/** The one error type this module throws for bad input, so callers can tell it from bugs. */
export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';

  constructor(readonly kind: OnnxFormatErrorKind, message: string) {
    super(message);
  }
}
