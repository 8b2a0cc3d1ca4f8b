// @ts-check
// Scenario: open a failed execution from the executions list and read the error on the node it failed at.
// Environment: DECA_OPEN_URL, DECA_EXECUTION_ID, DECA_FAILED_NODE, DECA_SCREENSHOT (PNG path).
import { env, scenario, screenshot } from "./browser.mjs";

/** @type {[string, string[]][]} the pages of the main navigation and the API calls each makes */
const PAGES = [
  ["agents", ["/agents", "/agents/templates"]],
  ["credentials", ["/credentials"]],
  ["schedules", ["/schedules"]],
  ["webhooks", ["/webhooks"]],
];

await scenario(async ({ page }) => {
  const executionId = env("DECA_EXECUTION_ID");
  const failedNode = env("DECA_FAILED_NODE");
  await page.goto(env("DECA_OPEN_URL"));
  // The workspace switcher lists the caller's workspaces, the current one checked.
  await page.getByTestId("workspace-switcher").click();
  await page.getByTestId("workspace-local").and(page.locator('[aria-checked="true"]')).waitFor();
  await page.keyboard.press("Escape");
  // On the way, the other pages load (their console errors would fail the test).
  for (const [nav, paths] of PAGES) {
    const answered = paths.map((path) => page.waitForResponse((r) => new URL(r.url()).pathname === path));
    await page.getByTestId(`nav-${nav}`).click();
    await Promise.all(answered);
  }
  await page.getByTestId("nav-executions").click();
  await page.getByTestId("filter-status").selectOption("failed");
  const row = page.getByTestId("execution-row").filter({ has: page.locator(`a[href="#/executions/${executionId}"]`) });
  await row.getByTestId("status-badge").and(page.locator('[data-status="failed"]')).waitFor();
  await row.locator("a").click();

  // The execution opens on the node it failed at, whose panel shows the error.
  const node = page.getByTestId(`execution-node-${failedNode}`);
  await node.and(page.locator('[aria-pressed="true"]')).waitFor();
  const result = page.getByTestId("node-result");
  await result.getByText("Error", { exact: true }).waitFor();
  await page.getByTestId("timeline").getByText("ExecutionFailed").waitFor();
  await screenshot(page, env("DECA_SCREENSHOT"));
  const nodes = Object.fromEntries(
    await Promise.all(
      (await page.getByTestId("execution-nodes").locator('[data-testid^="execution-node-"]').all()).map(async (item) => [
        ((await item.getAttribute("data-testid")) ?? "").replace("execution-node-", ""),
        await item.getByTestId("status-badge").getAttribute("data-status"),
      ]),
    ),
  );
  return {
    url: page.url(),
    nodes,
    selected: (await node.getAttribute("aria-pressed")) === "true",
    error: await page.getByLabel(`Error of ${failedNode}`).innerText(),
  };
});
