/** The PyTorch eager reference (bench/torch_forward.py), kept running so it can be interleaved. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { join } from 'node:path';
import { benchDir, python } from './paths';

export class TorchRunner {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterableIterator<string>,
    private readonly rl: Interface,
    readonly version: string,
  ) {}

  /** Starts the helper on `modelPath`; undefined with a note when Python or torch is missing. */
  static async start(modelPath: string): Promise<TorchRunner | { note: string }> {
    const child = spawn(python, [join(benchDir, 'torch_forward.py'), modelPath], {
      // The most threads a run uses; torch_forward.py then sets both PyTorch's and OpenBLAS's
      // count per request (torch.set_num_threads alone leaves OpenBLAS's pool at this number).
      env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const rl = createInterface({ input: child.stdout });
    const lines = rl[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) return { note: `PyTorch helper did not start: ${stderr.trim().split('\n').slice(-2).join(' ')}` };
    const ready = JSON.parse(first.value) as { torch: string };
    return new TorchRunner(child, lines, rl, ready.torch);
  }

  async time(ids: readonly number[], threads: number, warmup: number, repeats: number): Promise<number[]> {
    this.child.stdin.write(JSON.stringify({ ids, threads, warmup, repeats }) + '\n');
    const line = await this.lines.next();
    if (line.done) throw new Error('PyTorch helper exited');
    return (JSON.parse(line.value) as { times: number[] }).times;
  }

  close(): void {
    this.rl.close();
    this.child.stdin.end();
    this.child.kill();
  }
}
