/**
 * `bun run build`: the single-file binary dist/customer-events. @platformatic/kafka's codecs load
 * a WASM file from beside their module, which a compiled binary does not carry: the build takes
 * the package's own `bundled` entry instead, which holds the same WASM inline.
 */
import { dirname } from "node:path"

const result = await Bun.build({
  entrypoints: [new URL("../src/main.ts", import.meta.url).pathname],
  compile: { outfile: new URL("../dist/customer-events", import.meta.url).pathname },
  minify: true,
  sourcemap: "linked",
  plugins: [
    {
      name: "inline-wasm-codecs",
      setup(build) {
        build.onResolve({ filter: /^@platformatic\/wasm-utils$/ }, (args) => ({
          path: Bun.resolveSync("@platformatic/wasm-utils/bundled", dirname(args.importer)),
        }))
      },
    },
  ],
})
if (!result.success) {
  for (const log of result.logs) console.error(log)
  process.exit(1)
}
