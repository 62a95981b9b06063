import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type LogLine = Record<string, unknown>;

/**
 * Runs `node <args>` in `cwd` with only the given environment (plus PATH and HOME), collecting its
 * stdout lines (JSON log lines, parsed for `waitForLine`) and its stderr.
 */
export function runNode(args: string[], env: Record<string, string>, cwd = ROOT) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  const waiters: Array<{ test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts.filter(Boolean)) {
      lines.push(line);
      let record: LogLine = {};
      try {
        record = JSON.parse(line) as LogLine;
      } catch {
        // kept in `lines`; the tests assert every line is JSON
      }
      for (const waiter of [...waiters]) {
        if (!waiter.test(record)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLine: (test: (line: LogLine) => boolean) => new Promise<LogLine>((resolve) => waiters.push({ test, resolve })),
  };
}
