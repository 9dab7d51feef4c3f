// esbuild's `text` loader (esbuild.mjs) gives a stylesheet's text as the module's default export.
declare module '*.css' {
  const text: string;
  export default text;
}
