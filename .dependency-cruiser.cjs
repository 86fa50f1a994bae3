/**
 * The layering of src/ (DESIGN.md, "Layout"), enforced by `npm run lint` (dependency-cruiser).
 *
 * - A folder imports only from folders of a lower layer, never upward.
 * - Within one layer, a folder imports another only along an edge listed in SAME_LAYER below;
 *   those edges form no cycle, so no two folders of a layer import each other (no folder cycle).
 *   Add an edge here (and to DESIGN.md) when a folder needs a sibling; never both directions.
 * - No module-level import cycle anywhere in src/ (type-only imports count too).
 * - Every folder under src/ has a layer; a new folder must be added to LAYERS first.
 */

/** Layer of each folder of src/ (DESIGN.md). */
const LAYERS = {
  core: 0,
  orbit: 1,
  link: 1,
  security: 1,
  quantum: 2,
  timing: 2,
  postprocess: 2,
  protocol: 3,
  kms: 4,
  mission: 4,
  report: 4,
  plan: 4,
  recording: 4,
  cli: 5,
  server: 5,
  jobs: 5,
};

/** Allowed imports between folders of the same layer: importer → imported. */
const SAME_LAYER = [
  ['link', 'orbit'], // the link budget runs on pass geometry
  ['quantum', 'timing'], // the simulator writes the pass schedule timing recovery reads
  ['mission', 'kms'], // the end-to-end run stores keys
  ['report', 'mission'], // reports render mission results
  ['report', 'plan'], // plan.html and the planner's CSV tables
  ['plan', 'mission'], // plans run on missions' passes and predicted keys
  ['recording', 'mission'],
  ['cli', 'server'], // `mozi serve`, `mozi kme`
  ['cli', 'jobs'], // mozi worker, mozi plan --redis, mozi campaign replay
  ['server', 'jobs'],
];

const folders = Object.keys(LAYERS);

// The same-layer edges must stay acyclic (else two sibling folders could import each other).
(function checkAcyclic() {
  const state = new Map();
  const visit = (f, path) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') throw new Error(`SAME_LAYER has a cycle: ${[...path, f].join(' → ')}`);
    state.set(f, 'open');
    for (const [a, b] of SAME_LAYER) if (a === f) visit(b, [...path, f]);
    state.set(f, 'done');
  };
  for (const [a, b] of SAME_LAYER) {
    if (LAYERS[a] === undefined || LAYERS[a] !== LAYERS[b]) throw new Error(`SAME_LAYER edge ${a} → ${b} is not within one layer`);
    visit(a, []);
  }
})();
const alt = (names) => `^src/(${names.join('|')})/`;

const forbidden = [
  {
    name: 'no-circular',
    comment: 'No import cycle between modules of src/.',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'layer-unknown-folder',
    comment: 'Every folder under src/ needs a layer in .dependency-cruiser.cjs (and DESIGN.md).',
    severity: 'error',
    from: { path: '^src/', pathNot: alt(folders) },
    to: {},
  },
];

for (const folder of folders) {
  const layer = LAYERS[folder];
  const above = folders.filter((f) => LAYERS[f] > layer);
  if (above.length > 0) {
    forbidden.push({
      name: `layer-upward-${folder}`,
      comment: `${folder}/ (layer ${layer}) must not import from a higher layer (${above.join(', ')}).`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: alt(above) },
    });
  }
  const siblings = folders.filter(
    (f) => f !== folder && LAYERS[f] === layer && !SAME_LAYER.some(([a, b]) => a === folder && b === f),
  );
  if (siblings.length > 0) {
    forbidden.push({
      name: `layer-sibling-${folder}`,
      comment: `${folder}/ may import from these folders of its own layer ${layer} only along an edge listed in SAME_LAYER.`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: alt(siblings) },
    });
  }
}

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
