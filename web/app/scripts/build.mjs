// Builds the app into dist/: one hashed bundle (JS + CSS) from src/main.tsx, the service worker (sw.js,
// which precaches exactly the files of this build) and index.html naming the hashed files. Nothing is
// fetched from a CDN: everything the browser runs comes from node_modules at build time.
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import * as esbuild from "esbuild";

const here = new URL("../", import.meta.url);
const dist = new URL("dist/", here);
await rm(dist, { recursive: true, force: true });
await mkdir(new URL("assets/", dist), { recursive: true });

const app = await esbuild.build({
  entryPoints: [new URL("src/main.tsx", here).pathname],
  bundle: true, minify: true, sourcemap: true, format: "esm", target: "es2022",
  outdir: new URL("assets/", dist).pathname, entryNames: "app-[hash]", assetNames: "[name]-[hash]",
  jsx: "automatic", jsxImportSource: "preact", metafile: true, legalComments: "linked",
  logLevel: "warning",
});
const outputs = Object.keys(app.metafile.outputs).map((path) => `/assets/${basename(path)}`);
const script = outputs.find((path) => path.endsWith(".js"));
const style = outputs.find((path) => path.endsWith(".css"));

await cp(new URL("static/", here), dist, { recursive: true });
const index = (await readFile(new URL("static/index.html", here), "utf8"))
  .replace("%STYLE%", style).replace("%SCRIPT%", script);
await writeFile(new URL("index.html", dist), index);

const statics = (await readdir(new URL("static/", here))).filter((name) => name !== "index.html").map((n) => `/${n}`);
const shell = ["/", ...outputs.filter((path) => !path.endsWith(".map")), ...statics];
const version = createHash("sha256").update(shell.join("\n") + index).digest("hex").slice(0, 16);
await esbuild.build({
  entryPoints: [new URL("src/sw.ts", here).pathname],
  bundle: true, minify: true, format: "iife", target: "es2022", outfile: new URL("sw.js", dist).pathname,
  define: { __SHELL__: JSON.stringify(shell), __VERSION__: JSON.stringify(version) }, logLevel: "warning",
});
console.log(`build: ${script}, ${style}, sw.js (shell ${version}: ${shell.length} files) -> dist/`);
