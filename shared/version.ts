import packageJson from '../package.json' with { type: 'json' };

// The bundles inline package.json at build time (esbuild's JSON loader), so the version a bundle
// reports is the one it was built from; run from the sources, it is the checkout's.

/** This tool's version, from package.json. */
export const VERSION: string = packageJson.version;
