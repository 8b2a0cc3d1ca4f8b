// @ts-check
// Shared helpers of the browser tests: a headless Chromium driven by playwright-core, the page's console
// errors collected, DOM waits with a deadline, real mouse drag and drop, screenshots.
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { chromium } from "playwright-core";

/** Flags that let Chromium start headless in a container on a closed network (no background connections). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Longest wait of one step (a page load, a node turning green…). */
export const STEP_TIMEOUT_MS = 20_000;

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/**
 * The Chromium binary: `DECA_CHROMIUM` when set, else the first of chromium / chromium-browser /
 * google-chrome on PATH, else null.
 * @returns {string | null}
 */
export function chromiumPath() {
  if (process.env.DECA_CHROMIUM) return process.env.DECA_CHROMIUM;
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of CANDIDATES) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/**
 * @typedef {object} Browser
 * @property {import("playwright-core").Page} page
 * @property {string[]} problems console errors and uncaught page errors, in order
 * @property {() => Promise<void>} close
 */

/**
 * Start Chromium with a fresh profile and open one page; console errors and page errors are collected.
 * @returns {Promise<Browser>}
 */
export async function launch() {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("no Chromium binary: install chromium or set DECA_CHROMIUM");
  const profile = mkdtempSync(join(tmpdir(), "deca-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  /** @type {string[]} */
  const problems = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") {
      problems.push(`console error: ${message.text()} (${message.location().url})`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return {
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Drag with the mouse from the centre of one element to a point (real pointer and HTML5 drag events).
 * @param {import("playwright-core").Page} page
 * @param {import("playwright-core").Locator} source
 * @param {{x: number, y: number}} to page coordinates
 */
export async function dragTo(page, source, to) {
  const box = await source.boundingBox();
  if (!box) throw new Error("the drag source is not visible");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

/**
 * The centre of an element, in page coordinates.
 * @param {import("playwright-core").Locator} locator
 */
export async function centre(locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error("the element is not visible");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Write a PNG of the page.
 * @param {import("playwright-core").Page} page
 * @param {string} path
 */
export async function screenshot(page, path) {
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path });
}

/**
 * Run one scenario: launch Chromium, call `body`, print its JSON result on stdout; exit 1 with the reason
 * (and any console or page error) when it throws or the page logged an error.
 * @param {(browser: Browser) => Promise<unknown>} body
 */
export async function scenario(body) {
  const browser = await launch();
  let code = 0;
  try {
    const result = await body(browser);
    if (browser.problems.length) throw new Error("the page logged errors");
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    code = 1;
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    for (const problem of browser.problems) process.stderr.write(`${problem}\n`);
    await browser.page.screenshot({ path: join(tmpdir(), `deca-browser-failure-${process.pid}.png`) }).then(
      () => process.stderr.write(`screenshot of the failure: ${join(tmpdir(), `deca-browser-failure-${process.pid}.png`)}\n`),
      () => undefined,
    );
  } finally {
    await browser.close();
  }
  process.exit(code);
}

/**
 * A required environment variable.
 * @param {string} name
 */
export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
