// Build the static front-end files from npm packages into src/samen/static/dist.
// No bundler needed: the NL Design System packages ship built CSS; we concatenate
// them with our own small stylesheet and copy htmx and our script.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nm = (p) => join(root, "node_modules", p);
const out = join(root, "src", "samen", "static", "dist");
mkdirSync(out, { recursive: true });

const css = [
  nm("@rijkshuisstijl-community/design-tokens/dist/index.css"),
  nm("@rijkshuisstijl-community/components-css/dist/index.css"),
  join(root, "frontend", "src", "samen.css"),
  join(root, "frontend", "src", "workflow.css"),
]
  .map((file) => `/* ${file.replace(root + "/", "")} */\n${readFileSync(file, "utf8")}`)
  .join("\n");
writeFileSync(join(out, "samen.css"), css);
copyFileSync(nm("htmx.org/dist/htmx.min.js"), join(out, "htmx.min.js"));
copyFileSync(join(root, "frontend", "src", "samen.js"), join(out, "samen.js"));
console.log(`front-end built into ${out.replace(root + "/", "")}`);
