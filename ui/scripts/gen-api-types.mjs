// Regenerate ui/openapi.json (from the API app) and ui/src/api/schema.d.ts (openapi-typescript).
// `--check` generates both into a temporary directory and fails when the committed files differ.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(uiDir, "..");
const check = process.argv.includes("--check");
const targets = { openapi: join(uiDir, "openapi.json"), schema: join(uiDir, "src", "api", "schema.d.ts") };

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
  return { openapi: openapiPath, schema: schemaPath };
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
    console.log("Wrote ui/openapi.json and ui/src/api/schema.d.ts");
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
