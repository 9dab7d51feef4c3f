/** The global through which dist/webgpu.js hands its runner to the panel script. */
export const RUNNER_GLOBAL = 'attentionLensWebGpu';
