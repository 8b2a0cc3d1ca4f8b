// A short human-readable description of a cron expression (5 fields, or 6 with seconds first).

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DAY_NAMES: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];
const MONTH_NAMES: Record<string, number> = Object.fromEntries(
  MONTHS.map((m, i) => [m.slice(0, 3).toUpperCase(), i + 1]),
);

const isNumber = (s: string): boolean => /^\d+$/.test(s);
const pad = (n: string): string => n.padStart(2, "0");

function named(value: string, names: Record<string, number>): string {
  const upper = value.toUpperCase();
  return upper in names ? String(names[upper]) : value;
}

function listOf(field: string, names: Record<string, number>, label: (n: number) => string): string {
  return field
    .split(",")
    .map((part) => {
      const [a, b] = part.split("-").map((v) => named(v, names));
      if (b !== undefined && isNumber(a!) && isNumber(b)) return `${label(Number(a))} through ${label(Number(b))}`;
      return isNumber(a!) ? label(Number(a)) : part;
    })
    .join(", ");
}

function timePart(minute: string, hour: string, second: string | undefined): string {
  const sec = second && second !== "0" ? second : undefined;
  if (isNumber(minute) && isNumber(hour)) return `At ${pad(hour)}:${pad(minute)}${sec && isNumber(sec) ? `:${pad(sec)}` : ""}`;
  const stepMinute = /^\*\/(\d+)$/.exec(minute);
  if (stepMinute && hour === "*") return `Every ${stepMinute[1]} minutes`;
  if (minute === "*" && hour === "*") return sec ? `Every second ${sec}` : "Every minute";
  if (isNumber(minute) && hour === "*") return `At minute ${minute} past every hour`;
  const stepHour = /^\*\/(\d+)$/.exec(hour);
  if (isNumber(minute) && stepHour) return `At minute ${minute} past every ${stepHour[1]} hours`;
  if (isNumber(minute)) return `At minute ${minute} past hour ${hour}`;
  return `At minute ${minute}, hour ${hour}`;
}

/** Describe a cron expression, or return null when it does not have 5 or 6 fields. */
export function describeCron(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return null;
  const [second, minute, hour, dom, month, dow] = fields.length === 6 ? fields : [undefined, ...fields];
  const parts = [timePart(minute!, hour!, second)];
  const anyDay = (v: string): boolean => v === "*" || v === "?";
  if (!anyDay(dom!)) parts.push(`on day ${dom} of the month`);
  if (!anyDay(dow!)) parts.push(listOf(dow!, DAY_NAMES, (n) => DAYS[n % 7] ?? String(n)));
  if (month !== "*") parts.push(`in ${listOf(month!, MONTH_NAMES, (n) => MONTHS[n - 1] ?? String(n))}`);
  return parts.join(", ");
}
