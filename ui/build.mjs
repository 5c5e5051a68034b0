// Builds the web UI's scripts into daskflow/dashboards/static/ (committed, served from the
// package, never from a CDN): esbuild bundles of src/, htmx copied as released, the
// licences of everything bundled, and MANIFEST.json with each file's sha256 (a test
// checks the committed files against it).
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const STATIC = new URL("../daskflow/dashboards/static/", import.meta.url).pathname;
const BUILD = join(STATIC, "js");
const VENDOR = join(STATIC, "vendor");
const LICENSES = join(STATIC, "licenses");
for (const dir of [BUILD, VENDOR, LICENSES]) mkdirSync(dir, { recursive: true });

await build({
  entryPoints: { editor: "src/editor.js", dag: "src/dag.js", "dag-worker": "src/dag-worker.js" },
  outdir: BUILD,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome110", "firefox110", "safari16"],
  legalComments: "none",
  logLevel: "info",
});
copyFileSync("node_modules/htmx.org/dist/htmx.min.js", join(VENDOR, "htmx.min.js"));

// Every package that ends up in a bundle or is copied, with its licence text.
const bundled = [
  "htmx.org", "codemirror", "@codemirror/autocomplete", "@codemirror/commands",
  "@codemirror/lang-yaml", "@codemirror/language", "@codemirror/lint", "@codemirror/search",
  "@codemirror/state", "@codemirror/view", "@lezer/common", "@lezer/highlight", "@lezer/lr",
  "@lezer/yaml", "@marijn/find-cluster-break", "crelt", "style-mod", "w3c-keyname",
  "@dagrejs/dagre", "@dagrejs/graphlib",
];
const notice = [];
for (const name of bundled) {
  const dir = join("node_modules", name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  if (!file) throw new Error(`no licence file in ${dir}`);
  const target = `${name.replace("/", "__")}-${meta.version}.txt`;
  copyFileSync(join(dir, file), join(LICENSES, target));
  notice.push(`${name} ${meta.version} (${meta.license}): licenses/${target}`);
}
writeFileSync(join(LICENSES, "README.txt"), `Third-party code vendored in daskflow/dashboards/static/ (built by ui/build.mjs):\n${notice.join("\n")}\n`);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]);
}
const manifest = {};
// Only what is generated or vendored (app.js and app.css are hand-written, edited in place).
for (const file of [BUILD, VENDOR, LICENSES].flatMap(walk).sort()) {
  const name = relative(STATIC, file);
  manifest[name] = createHash("sha256").update(readFileSync(file)).digest("hex");
}
writeFileSync(join(STATIC, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`wrote ${Object.keys(manifest).length} files into MANIFEST.json`);
