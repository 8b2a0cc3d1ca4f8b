// Regenerate ui/openapi.json (from the API app), ui/src/api/schema.d.ts (openapi-typescript) and
// ui/src/api/flow-schemas.json (the flow-level JSON Schemas the designer renders as forms).
// `--check` generates both into a temporary directory and fails when the committed files differ.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(uiDir, "..");
const check = process.argv.includes("--check");
const targets = {
  openapi: join(uiDir, "openapi.json"),
  schema: join(uiDir, "src", "api", "schema.d.ts"),
  flowSchemas: join(uiDir, "src", "api", "flow-schemas.json"),
};
// Self-contained schemas (no $ref) of flow fields edited outside node configs.
const FLOW_SCHEMAS = ["Settings", "RetryPolicy", "OnError"];

function python() {
  if (process.env.PYTHON) return process.env.PYTHON;
  const venv = join(repoRoot, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

function generate(outDir) {
  const openapi = execFileSync(python(), [join(uiDir, "scripts", "export-openapi.py")], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const openapiPath = join(outDir, "openapi.json");
  const schemaPath = join(outDir, "schema.d.ts");
  writeFileSync(openapiPath, openapi);
  const bin = join(uiDir, "node_modules", ".bin", "openapi-typescript");
  execFileSync(bin, [openapiPath, "--output", schemaPath], { cwd: uiDir, stdio: ["ignore", "ignore", "inherit"] });
  const components = JSON.parse(openapi).components.schemas;
  const flowSchemasPath = join(outDir, "flow-schemas.json");
  const picked = Object.fromEntries(FLOW_SCHEMAS.map((name) => [name, components[name]]));
  writeFileSync(flowSchemasPath, `${JSON.stringify(picked, null, 2)}\n`);
  return { openapi: openapiPath, schema: schemaPath, flowSchemas: flowSchemasPath };
}

const outDir = mkdtempSync(join(tmpdir(), "deca-api-types-"));
try {
  const fresh = generate(outDir);
  if (check) {
    const drifted = Object.keys(targets).filter(
      (key) => !existsSync(targets[key]) || readFileSync(targets[key], "utf8") !== readFileSync(fresh[key], "utf8"),
    );
    if (drifted.length > 0) {
      console.error(
        `API types drifted from the API: ${drifted.map((k) => targets[k].slice(repoRoot.length + 1)).join(", ")}` +
          " — run `npm --prefix ui run gen:api-types` and commit the result.",
      );
      process.exit(1);
    }
    console.log("API types are up to date with the OpenAPI document.");
  } else {
    for (const key of Object.keys(targets)) {
      mkdirSync(dirname(targets[key]), { recursive: true });
      writeFileSync(targets[key], readFileSync(fresh[key], "utf8"));
    }
    console.log("Wrote ui/openapi.json, ui/src/api/schema.d.ts and ui/src/api/flow-schemas.json");
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
