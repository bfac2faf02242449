/**
 * Import rules checked by `npm run check:deps` (dependency-cruiser), part of `npm test`.
 * Type-only imports count too: a cycle through types is still a cycle in the design.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules under src/ and media/ must not import each other in a circle: break it by passing what is needed (a narrow interface) instead.',
      from: { path: '^(src|media)/' },
      to: { circular: true },
    },
    {
      name: 'core-without-vscode',
      severity: 'error',
      comment: 'src/core is shared by the extension, the command line and the local server: it must not depend on vscode (ESLint checks the same).',
      from: { path: '^src/core/' },
      // (resolved to its type declarations when only @types/vscode is installed)
      to: { path: '^(vscode$|node_modules/@types/vscode/)' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|media/dist)/' },
  },
};
