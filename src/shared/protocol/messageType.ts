/**
 * The `type` of every message between the extension host and its webviews, named
 * `noun/verb`. A module of its own so that the message modules can import it without importing
 * each other.
 */
export const enum MessageType {
  // host -> webview
  ShowResult = 'result/show',
  ShowMatrix = 'matrix/show',
  ShowWeights = 'weights/show',
  ShowStatus = 'status/show',
  FocusToken = 'token/focus',
  ShowHead = 'head/show',
  ShowThumbnails = 'thumbnails/show',
  ShowQueryMath = 'math/show',
  RunOnWebGpu = 'webgpu/run',
  ShowRunState = 'run/state',
  RequestExport = 'export/request',
  // webview -> host
  Ready = 'webview/ready',
  RequestMatrix = 'matrix/request',
  RequestWeights = 'weights/request',
  RevealToken = 'token/reveal',
  Painted = 'webview/painted',
  HeadPicked = 'head/picked',
  RequestRollout = 'rollout/request',
  RequestThumbnails = 'thumbnails/request',
  RequestQueryMath = 'math/request',
  SaveExport = 'export/save',
  WebGpuResult = 'webgpu/result',
  WebGpuFailed = 'webgpu/failed',
  Rerun = 'run/rerun',
}
