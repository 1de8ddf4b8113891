/**
 * `npm run proto:check`: fails when the checked-in generated code (libs/gen) is not
 * what `buf generate` makes from proto/ today — a proto edited without regenerating, or a
 * generated file edited by hand. Generates into a temporary directory (buf's `-o` prepends
 * it to the template's `out`), compares file by file, and leaves the work tree untouched.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bufBinary } from './buf.ts';
import { repoRoot } from './launcher/components.ts';

/** Every `out:` directory of buf.gen.yaml's plugins (small enough to read without a YAML parser). */
function outputDirectories(template: string): string[] {
  return [...template.matchAll(/^\s*out:\s*["']?([^"'\s#]+)/gm)].map((match) => match[1] ?? '').filter(Boolean);
}

function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Paths (relative to `out`) that are missing, extra or different in `actual` versus `expected`. */
function differences(expected: string, actual: string): string[] {
  const expectedFiles = listFiles(expected);
  const actualFiles = new Set(listFiles(actual));
  const problems: string[] = [];
  for (const file of expectedFiles) {
    if (!actualFiles.has(file)) problems.push(`missing  ${file}`);
    else if (!readFileSync(join(expected, file)).equals(readFileSync(join(actual, file)))) problems.push(`differs  ${file}`);
    actualFiles.delete(file);
  }
  for (const file of actualFiles) problems.push(`extra    ${file}`);
  return problems;
}

function main(): number {
  const outputs = outputDirectories(readFileSync(join(repoRoot, 'buf.gen.yaml'), 'utf8'));
  if (outputs.length === 0) throw new Error('buf.gen.yaml names no out directory');
  const scratch = mkdtempSync(join(tmpdir(), 'egp-proto-check-'));
  try {
    const buf = bufBinary();
    execFileSync(buf, ['generate', '--template', 'buf.gen.yaml', '-o', scratch], { cwd: repoRoot, stdio: 'inherit' });
    const problems = outputs.flatMap((out) =>
      differences(join(scratch, out), join(repoRoot, out)).map((problem) => `${problem.slice(0, 9)}${join(out, problem.slice(9))}`),
    );
    if (problems.length === 0) {
      console.log(`proto:check: ${outputs.join(', ')} up to date`);
      return 0;
    }
    console.error('proto:check: generated code is out of date; run `npm run proto` and commit the result:');
    problems.forEach((problem) => console.error(`  ${problem}`));
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = main();
