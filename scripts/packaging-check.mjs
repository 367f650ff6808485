#!/usr/bin/env node
/*
 * Packs every publishable package under plugins/ with `yarn pack`, as
 * `yarn npm publish` would, and checks what adopters would install:
 *
 *   - no test tooling in `dependencies` (and only as an optional peer)
 *   - no `workspace:` ranges left in the manifest
 *   - `dist/` with every entry point the manifest names (main, module,
 *     types, exports, typesVersions)
 *   - the migrations of a package that has a `migrations/` folder
 *   - the configuration schema of a package that sets `configSchema`
 *
 * Builds first (`yarn tsc`, then `backstage-cli package build` in each
 * package, so that one broken package does not hide the others); set
 * SKIP_PACKAGING_BUILD=1 to check the dist/ folders as they are. The package
 * manifests that the prepack step rewrites are restored; the archives and the
 * dist/ folders this run built are removed (dist-types/ stays, as after
 * `yarn tsc`). Prints one line per case and, last, "N passed, N failed".
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages that only tests need; adopters must not install them. */
const TEST_TOOLING = [
  '@backstage/backend-test-utils',
  '@backstage/test-utils',
  '@backstage/frontend-test-utils',
  'msw',
  'jest',
  'supertest',
];

function isTestTooling(name) {
  return (
    TEST_TOOLING.includes(name) ||
    name.startsWith('@testing-library/') ||
    /^@backstage\/.*test-utils$/.test(name)
  );
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
];

/** Files the manifest points at: main, module, types, exports, typesVersions. */
function entryFiles(manifest) {
  const files = [];
  const collect = value => {
    if (typeof value === 'string') files.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      // the `backstage` export condition names a feature kind, not a file
      Object.entries(value)
        .filter(([key]) => key !== 'backstage')
        .forEach(([, v]) => collect(v));
    }
  };
  collect([manifest.main, manifest.module, manifest.types]);
  collect(manifest.exports);
  collect(manifest.typesVersions);
  return [...new Set(files.map(f => f.replace(/^\.\//, '')))];
}

/**
 * The checks of one packed package. `packed` is the manifest in the archive,
 * `files` the paths in the archive (relative to its package/ folder),
 * `source` what the package folder has: its manifest and its migrations.
 * Returns [case, problems[]] pairs; no problems means the case passes.
 */
function checkPackage({ packed, files, source }) {
  const has = new Set(files);
  const cases = [];

  const tooling = Object.keys(packed.dependencies ?? {}).filter(isTestTooling);
  const requiredPeers = Object.keys(packed.peerDependencies ?? {}).filter(
    name =>
      isTestTooling(name) && !packed.peerDependenciesMeta?.[name]?.optional,
  );
  cases.push([
    'no test tooling in dependencies',
    [
      ...tooling.map(name => `${name} is a dependency`),
      ...requiredPeers.map(
        name => `${name} is a peer dependency, not optional`,
      ),
    ],
  ]);

  cases.push([
    'no workspace: ranges',
    DEPENDENCY_FIELDS.flatMap(field =>
      Object.entries(packed[field] ?? {})
        .filter(([, range]) => String(range).startsWith('workspace:'))
        .map(([name, range]) => `${field}.${name} is ${range}`),
    ),
  ]);

  const entries = entryFiles(packed).filter(f => f !== 'package.json');
  cases.push([
    'dist/ with main, types and every entry point',
    [
      ...(files.some(f => f.startsWith('dist/')) ? [] : ['no dist/']),
      ...(packed.main ? [] : ['no main']),
      ...(packed.types ? [] : ['no types']),
      ...entries
        .filter(f => !f.startsWith('dist/'))
        .map(f => `${f} points outside dist/`),
      ...entries.filter(f => !has.has(f)).map(f => `${f} is not packed`),
    ],
  ]);

  if (source.migrations.length > 0) {
    cases.push([
      'migrations',
      source.migrations.filter(f => !has.has(f)).map(f => `${f} is not packed`),
    ]);
  }

  if (source.manifest.configSchema) {
    const schema = packed.configSchema;
    cases.push([
      `configuration schema (${source.manifest.configSchema})`,
      !schema
        ? ['configSchema is gone from the packed manifest']
        : typeof schema === 'string' && !has.has(schema)
        ? [`${schema} is not packed`]
        : [],
    ]);
  }
  return cases;
}

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? listFiles(path, base)
      : [relative(base, path).split('\\').join('/')];
  });
}

const lastLines = out => out.trim().split('\n').slice(-20).join('\n');

function sh(cmd, args, cwd = root) {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: process.env });
  return {
    ok: res.status === 0,
    out: `${res.stdout ?? ''}${res.stderr ?? ''}`,
  };
}

/**
 * `yarn pack` of one package into `archive`. The prepack step rewrites
 * package.json (keeping the original as package.json-prepack) and may write
 * config.schema.json and entry point folders; postpack undoes that, and so
 * does this function when pack stops halfway.
 */
function pack(dir, archive) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const backup = join(dir, 'package.json-prepack');
  const generated = [
    'config.schema.json',
    ...Object.keys(manifest.exports ?? {})
      .map(k => k.replace(/^\.\/?/, ''))
      .filter(k => k && k !== 'package.json'),
  ].filter(name => !existsSync(join(dir, name)));
  try {
    return sh('yarn', ['pack', '--out', archive], dir);
  } finally {
    if (existsSync(backup)) {
      writeFileSync(join(dir, 'package.json'), readFileSync(backup));
      rmSync(backup);
    }
    for (const name of generated) {
      rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
}

function sourceOf(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const migrationsDir = join(dir, 'migrations');
  const migrations = existsSync(migrationsDir)
    ? listFiles(migrationsDir)
        .filter(f => /\.(js|d\.ts)$/.test(f))
        .map(f => `migrations/${f}`)
    : [];
  return { manifest, migrations };
}

/** Broken manifests the checks must reject, so that they cannot pass vacuously. */
function selfTest() {
  const good = {
    main: 'dist/index.cjs.js',
    types: 'dist/index.d.ts',
    dependencies: { '@backstage/errors': '^1.3.2' },
  };
  const goodFiles = ['package.json', 'dist/index.cjs.js', 'dist/index.d.ts'];
  const source = { manifest: {}, migrations: [] };
  const problems = input =>
    checkPackage({ files: goodFiles, source, ...input }).flatMap(([, p]) => p);
  const expectations = [
    ['a well packed package', problems({ packed: good }), false],
    [
      'test tooling in dependencies',
      problems({ packed: { ...good, dependencies: { jest: '^30' } } }),
      true,
    ],
    [
      'a required peer on test tooling',
      problems({
        packed: {
          ...good,
          peerDependencies: { '@backstage/backend-test-utils': '^1' },
        },
      }),
      true,
    ],
    [
      'a workspace: range',
      problems({
        packed: { ...good, dependencies: { a: 'workspace:^' } },
      }),
      true,
    ],
    [
      'a missing entry point',
      problems({ packed: good, files: ['package.json', 'dist/index.cjs.js'] }),
      true,
    ],
    [
      'missing migrations',
      problems({
        packed: good,
        source: { manifest: {}, migrations: ['migrations/001.js'] },
      }),
      true,
    ],
    [
      'a missing configuration schema',
      problems({
        packed: { ...good, configSchema: 'config.schema.json' },
        source: { manifest: { configSchema: 'config.d.ts' }, migrations: [] },
      }),
      true,
    ],
  ];
  return expectations.map(([what, found, rejected]) => [
    `the checks ${rejected ? 'reject' : 'accept'} ${what}`,
    found.length > 0 === rejected
      ? []
      : [rejected ? 'not rejected' : found.join('; ')],
  ]);
}

async function main() {
  const results = [];
  const report = (name, problems) => {
    results.push(problems.length === 0);
    console.log(
      problems.length === 0
        ? `ok   ${name}`
        : `FAIL ${name}\n${problems.map(p => `       - ${p}`).join('\n')}`,
    );
  };
  const started = Date.now();

  for (const [name, problems] of selfTest()) report(name, problems);

  const pluginDirs = readdirSync(join(root, 'plugins'))
    .map(name => join(root, 'plugins', name))
    .filter(dir => existsSync(join(dir, 'package.json')));
  // dist/ folders this run builds are removed at the end; earlier ones stay
  const builtHere = pluginDirs
    .map(dir => join(dir, 'dist'))
    .filter(dist => !existsSync(dist));

  const build = process.env.SKIP_PACKAGING_BUILD !== '1';
  if (build && !sh('yarn', ['tsc']).ok) {
    console.log('warn yarn tsc reports type errors; building anyway');
  }

  const work = mkdtempSync(join(tmpdir(), 'packaging-check-'));
  try {
    for (const dir of pluginDirs) {
      const source = sourceOf(dir);
      if (source.manifest.private) continue;
      const label = source.manifest.name;
      if (build) {
        const built = sh('yarn', ['backstage-cli', 'package', 'build'], dir);
        report(`${label}: builds`, built.ok ? [] : [lastLines(built.out)]);
        if (!built.ok) continue;
      }
      const archive = join(
        work,
        `${relative(root, dir).replace(/\//g, '-')}.tgz`,
      );
      const packed = pack(dir, archive);
      if (!packed.ok || !existsSync(archive)) {
        report(`${label}: packs`, [lastLines(packed.out)]);
        continue;
      }
      // npm archives hold a single package/ folder
      const out = archive.replace(/\.tgz$/, '');
      mkdirSync(out);
      const untar = sh('tar', [
        '-xzf',
        archive,
        '-C',
        out,
        '--strip-components=1',
      ]);
      if (!untar.ok) {
        report(`${label}: packs`, [untar.out.trim()]);
        continue;
      }
      report(`${label}: packs`, []);
      const files = listFiles(out);
      const manifest = JSON.parse(
        readFileSync(join(out, 'package.json'), 'utf8'),
      );
      for (const [name, problems] of checkPackage({
        packed: manifest,
        files,
        source,
      })) {
        report(`${label}: ${name}`, problems);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    for (const dist of builtHere)
      rmSync(dist, { recursive: true, force: true });
  }

  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(
    `packaging check took ${Math.round((Date.now() - started) / 1000)}s`,
  );
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
