// @ts-check
// Scenario: build a four-node flow with a condition by drag and drop, configure it, save, publish, run it with
// a JSON input, wait until every node is green and read the output in the side panel.
// Environment: DECA_OPEN_URL (the `Open:` URL `deca dev` printed), DECA_FLOW_ID, DECA_SCREENSHOT (PNG path).
import { centre, dragTo, env, scenario, screenshot, STEP_TIMEOUT_MS } from "./browser.mjs";

/** @typedef {import("playwright-core").Page} Page */

const NODES = [
  { id: "set", type: "set", at: { x: 30, y: 120 } },
  { id: "condition", type: "condition", at: { x: 250, y: 220 } },
  { id: "transform", type: "transform", at: { x: 470, y: 120 } },
  { id: "set-2", type: "set", at: { x: 690, y: 220 } },
];
const INPUT = { amount: 150, customer: "Ada" };

/**
 * Drag a connection from one node's out handle to another node's in handle.
 * @param {Page} page
 * @param {string} from
 * @param {string} to
 */
async function connect(page, from, to) {
  const start = await centre(page.locator(`[data-testid="node-${from}"] .react-flow__handle.source`));
  const end = await centre(page.locator(`[data-testid="node-${to}"] .react-flow__handle.target`));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
  await page.locator(`.react-flow__edge[aria-label^="Connection from ${from} to ${to}"]`).waitFor();
}

/**
 * Give a `set` node one variable through its form (key field, JSON value committed on blur).
 * @param {Page} page
 * @param {string} node
 * @param {string} name
 * @param {unknown} value
 */
async function setVariable(page, node, name, value) {
  await page.getByTestId(`node-${node}`).click();
  await page.getByTestId(`add-node-${node}-config.values`).click();
  await page.getByRole("textbox", { name: "Values key 1" }).fill(name);
  const field = page.getByTestId(`field-node-${node}-config.values.0`);
  await field.fill(JSON.stringify(value));
  await field.blur();
}

/**
 * Configure the four nodes and the condition's "true" connection in the side panel.
 * @param {Page} page
 */
async function configure(page) {
  await setVariable(page, "set", "total", "{{ input.amount }}");

  await page.getByTestId("node-condition").click();
  await page.getByTestId("field-node-condition-config.condition").fill("{{ vars.total > 100 }}");

  await page.getByTestId("node-transform").click();
  const output = page.getByTestId("field-node-transform-config.output");
  await output.fill(JSON.stringify({ message: "Big order from {{ input.customer }}", total: "{{ vars.total }}" }));
  await output.blur();

  await setVariable(page, "set-2", "status", "approved");

  await page.locator('.react-flow__edge[aria-label^="Connection from condition to transform"]').focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("edge-label").fill("true");
}

await scenario(async ({ page }) => {
  const flowId = env("DECA_FLOW_ID");
  await page.goto(env("DECA_OPEN_URL"));
  await page.getByTestId("new-flow").click();
  await page.getByTestId("flow-id").fill(flowId);
  await page.getByTestId("flow-name").fill("Order check");

  // The keyboard adds a node from the palette (Enter on its button) and deletes the selected one.
  await page.getByTestId("palette-item-noop").focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("node-noop").click();
  await page.keyboard.press("Delete");
  await page.getByTestId("node-noop").waitFor({ state: "detached" });

  const canvas = await page.getByTestId("canvas").boundingBox();
  if (!canvas) throw new Error("no canvas");
  for (const node of NODES) {
    const drop = { x: canvas.x + node.at.x, y: canvas.y + node.at.y };
    await dragTo(page, page.getByTestId(`palette-item-${node.type}`), drop);
    const box = await page.getByTestId(`node-${node.id}`).boundingBox();
    if (!box || Math.abs(box.x - drop.x) > 2 || Math.abs(box.y - drop.y) > 2) {
      throw new Error(`${node.id} landed at ${JSON.stringify(box)}, not at the drop point ${JSON.stringify(drop)}`);
    }
  }
  for (let i = 1; i < NODES.length; i += 1) await connect(page, NODES[i - 1].id, NODES[i].id);
  await configure(page);

  await page.getByTestId("save").click();
  await page.waitForURL(`**/#/flows/${flowId}`);
  await page.getByTestId("publish").click();
  await page.getByText("Published version 1").waitFor();
  await page.getByTestId("run").click();
  await page.getByTestId("run-input").fill(JSON.stringify(INPUT));
  await page.getByTestId("run-submit").click();

  // Every node turns green (the DOM is polled until then, within the step deadline).
  await page.waitForFunction(
    (ids) => ids.every((id) => document.querySelector(`[data-testid="node-${id}"]`)?.getAttribute("data-status") === "succeeded"),
    NODES.map((n) => n.id),
    { timeout: STEP_TIMEOUT_MS, polling: 100 },
  );
  const statuses = Object.fromEntries(
    await Promise.all(NODES.map(async (n) => [n.id, await page.getByTestId(`node-${n.id}`).getAttribute("data-status")])),
  );
  await page.getByTestId("run-bar").getByTestId("status-badge").and(page.locator('[data-status="succeeded"]')).waitFor();
  const executionHref = (await page.getByTestId("run-bar").locator('a[href^="#/executions/"]').getAttribute("href")) ?? "";

  // The transform's output, in the side panel's "Last run" tab.
  await page.getByTestId("node-transform").click();
  const result = page.getByTestId("node-result");
  await result.getByText("Big order from Ada").waitFor();
  await screenshot(page, env("DECA_SCREENSHOT"));
  return {
    flowId,
    executionId: decodeURIComponent(executionHref.replace("#/executions/", "")),
    statuses,
    panel: await result.innerText(),
  };
});
