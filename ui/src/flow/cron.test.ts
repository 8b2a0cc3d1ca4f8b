import { describe, expect, it } from "vitest";
import { describeCron } from "./cron";

describe("describeCron", () => {
  it.each([
    ["0 9 * * MON-FRI", "At 09:00, Monday through Friday"],
    ["*/5 * * * *", "Every 5 minutes"],
    ["30 6 1 * *", "At 06:30, on day 1 of the month"],
    ["0 0 * JAN,JUL SUN", "At 00:00, Sunday, in January, July"],
    ["0 15 8 * * ?", "At 08:15"],
    ["15 * * * *", "At minute 15 past every hour"],
  ])("%s → %s", (cron, text) => {
    expect(describeCron(cron)).toBe(text);
  });

  it("refuses an expression with the wrong number of fields", () => {
    expect(describeCron("* * *")).toBeNull();
  });
});
