import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * Makes the AWS SDK's generated schemas tree-shakable. Each client ships one `schemas_0.js` that
 * declares every shape of the service as `var X$ = [3, n0, _X, 0, [...], [[1, { [_xN]: _m }]]]`.
 * The computed keys (`[_xN]`) name module constants, but esbuild cannot prove that evaluating them
 * is side-effect free, so it keeps every shape: ~550 KB of EC2 schemas in a bundle that sends
 * twelve commands. Replacing each computed key by the string constant it names (`"xmlName":`)
 * changes nothing at run time and lets esbuild drop the unused shapes (EC2: 560 KB → 12 KB).
 */
export function sdkSchemaTreeShaking(): Plugin {
  return {
    name: 'sdk-schema-tree-shaking',
    setup(build) {
      build.onLoad(
        { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/ },
        async (args) => {
          const source = await readFile(args.path, 'utf8');
          const constants = new Map<string, string>();
          for (const match of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) {
            const [, name, literal] = match;
            if (name && literal) constants.set(name, literal);
          }
          let replaced = 0;
          const contents = source.replace(/\[(_\w+)\]:/g, (whole, name: string) => {
            const literal = constants.get(name);
            if (literal === undefined) return whole;
            replaced++;
            return `${literal}:`;
          });
          return {
            contents,
            loader: 'js',
            ...(replaced === 0 && /\[_\w+\]:/.test(source)
              ? { warnings: [{ text: 'no computed schema keys could be resolved; schemas stay whole' }] }
              : {}),
          };
        },
      );
    },
  };
}

const ENV_ONLY_CREDENTIALS = fileURLToPath(
  new URL('./shims/credential-provider-env-only.ts', import.meta.url),
);

/**
 * Lambda bundles only: resolves `@aws-sdk/credential-provider-node` (the SDK's default chain) to a
 * shim that keeps its first link, the environment, which is where Lambda puts the role's
 * credentials. Drops SSO, ini, process, web-identity and metadata providers and the STS/SSO clients
 * they bring.
 */
export function lambdaEnvCredentials(): Plugin {
  return {
    name: 'lambda-env-credentials',
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
        path: ENV_ONLY_CREDENTIALS,
      }));
    },
  };
}

/**
 * `import { z } from 'zod'` binds zod's whole `z` object, which esbuild cannot tree-shake: every
 * bundle then carries all of zod 4 classic, its 40+ locales and the JSON-schema converters
 * (~450 KB). `import * as z from 'zod'` names the same exports (zod's index re-exports the `z`
 * namespace's members) but as a namespace import, whose unused members esbuild drops (~95 KB
 * left). This rewrites that one import line in the project's own TypeScript; writing the
 * namespace form in the source would make the plugin a no-op.
 */
export function zodNamespaceImports(): Plugin {
  return {
    name: 'zod-namespace-imports',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const contents = source.replace(/^import \{ z \} from 'zod';$/gm, "import * as z from 'zod';");
        return { contents, loader: 'ts' };
      });
    },
  };
}
