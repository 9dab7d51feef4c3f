/**
 * attention-lens: the command-line entry point (see runCli.ts).
 */
import { join } from 'node:path';
import { CliUsageError, USAGE } from './cliArgs';
import { runCli } from './runCli';

// dist/cli.js sits beside dist/ort; the bundled model is in media/model.
runCli(process.argv.slice(2), { ortDir: join(__dirname, 'ort'), bundledModelDir: join(__dirname, '..', 'media', 'model'), distDir: __dirname }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`attention-lens: ${message}`);
    if (err instanceof CliUsageError) console.error(`\n${USAGE}`);
    process.exit(err instanceof CliUsageError ? 2 : 1);
  },
);
