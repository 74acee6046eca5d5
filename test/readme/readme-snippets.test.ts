// Every TypeScript snippet of the README is type-checked (strict, against the packages' published
// types) and run. The snippets are one program, read top to bottom: each may use what an earlier one
// declared (`app`, `platform`), and shows its imports only when they are new to the reader, so names
// that @aiready/k8s, @aiready/core or cdk8s export and nothing declares are imported here. The program
// is written inside the repository (test/readme, a workspace package with aiready as a dependency), so
// its imports resolve the way they do in a team's repository.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const HERE = __dirname;

/** The ```ts blocks of a Markdown document, in order, with the line each starts on. */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !/^```\s*$/.test(lines[i + 1])) i++;
    blocks.push({ line: start + 1, code: lines.slice(start, i + 1).join('\n') });
    i++;
  }
  return blocks;
}

/** Modules whose exports a snippet may use without importing them, in order of preference. */
const IMPLICIT_MODULES = ['@aiready/k8s', '@aiready/core', 'cdk8s'] as const;

/**
 * One program of the snippets: their own imports first, then an import of every name of `exports`
 * (module → names) a snippet uses that no import or earlier line declares, then the snippets in order.
 */
export function snippetProgram(
  blocks: readonly { line: number; code: string }[],
  exports: Readonly<Record<string, readonly string[]>>,
): string {
  const imports: string[] = [];
  const bodies: string[] = [];
  for (const b of blocks) {
    const lines = b.code.split('\n');
    imports.push(...lines.filter((l) => /^import /.test(l)));
    bodies.push(`// README.md line ${b.line}`, ...lines.filter((l) => !/^import /.test(l)));
  }
  const body = bodies.join('\n');
  const imported = new Set(imports.flatMap((l) => (/\{([^}]*)\}/.exec(l)?.[1] ?? '').split(',').map((n) => n.trim())));
  const declared = new Set([...body.matchAll(/\b(?:const|let|class|function)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  const implicit = new Map<string, string[]>();
  for (const name of new Set([...body.matchAll(/\b[A-Za-z_$][\w$]*\b/g)].map((m) => m[0]))) {
    if (imported.has(name) || declared.has(name)) continue;
    const from = IMPLICIT_MODULES.find((m) => exports[m]?.includes(name));
    if (from) implicit.set(from, [...(implicit.get(from) ?? []), name]);
  }
  const added = [...implicit].map(([m, names]) => `import { ${names.sort().join(', ')} } from '${m}';`);
  // Constructs added after a snippet's own `app.synth()` are synthesized (and so validated) too.
  const apps = [...body.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*new App\(/g)].map((m) => `${m[1]}.synth();`);
  return [...imports, ...added, body, ...apps, ''].join('\n');
}

/** Type-check `file` strictly, as a team's code would be (no skipLibCheck); the diagnostics as text. */
function typeCheck(file: string): string[] {
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
    strict: true,
    esModuleInterop: true,
    noEmit: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const at = d.file && where ? `${path.relative(ROOT, d.file.fileName)}:${where.line + 1}:${where.character + 1}: ` : '';
    return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README TypeScript snippets', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = tsBlocks(readme);
  const exports = Object.fromEntries(IMPLICIT_MODULES.map((m) => [m, Object.keys(jest.requireActual(m))]));
  let dir: string;
  let file: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(HERE, '.snippets-'));
    file = path.join(dir, 'readme.ts');
    fs.writeFileSync(file, snippetProgram(blocks, exports));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the snippets', () => {
    // GIVEN the README WHEN its ts blocks are read THEN there are several (a renamed fence would hide them)
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('type-check strictly against the packages as installed', () => {
    // GIVEN the snippets as one program WHEN type-checked THEN there is no error
    expect(typeCheck(file)).toEqual([]);
  });

  it('run without an error and synthesize', () => {
    // GIVEN the same program, its `app.synth()` writing into the temporary folder
    process.env.CDK8S_OUTDIR = path.join(dir, 'dist');
    // WHEN it runs (jest maps @aiready/* to the sources) THEN nothing throws, and manifests are written
    try {
      expect(() => jest.isolateModules(() => jest.requireActual(file))).not.toThrow();
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
    expect(fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
  });
});

describe('snippetProgram', () => {
  it.each([
    ['a used export is imported', ['new AiPlatform(app, "p", {});'], /^import \{ AiPlatform \} from '@aiready\/k8s';$/m],
    [
      'a name the snippet imports is not imported again',
      ["import { App } from 'cdk8s';", 'const a = new App();'],
      /^(?![\s\S]*'cdk8s';[\s\S]*'cdk8s';)/,
    ],
    ['a name declared earlier is not imported', ['const Sharing = 1;', 'Sharing;'], /^(?![\s\S]*from '@aiready\/core')/],
    ['k8s is preferred over core for a name both export', ['Sharing.none();'], /^import \{ Sharing \} from '@aiready\/k8s';$/m],
  ])('%s', (_, snippets, expected) => {
    // GIVEN snippets and what the modules export WHEN assembled THEN the imports are as expected
    const exports = { '@aiready/k8s': ['AiPlatform', 'Sharing'], '@aiready/core': ['Sharing'], cdk8s: ['App'] };
    const program = snippetProgram(
      snippets.map((code, i) => ({ line: i + 1, code })),
      exports,
    );
    expect(program).toMatch(expected);
  });
});
