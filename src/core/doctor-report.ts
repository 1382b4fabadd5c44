// Summarises and renders the doctor's checks: text (one line per check) and the one JSON line of --json.
import type { Check } from "./doctor-checks.js";

/** The --json object. */
export interface DoctorReport {
  schema: 1;
  /** No check is a problem. */
  ok: boolean;
  problems: number;
  warnings: number;
  checks: Check[];
}

/** Count problems and warnings. */
export function doctorReport(checks: Check[]): DoctorReport {
  const problems = checks.filter((c) => c.status === "problem").length;
  const warnings = checks.filter((c) => c.status === "warning").length;
  return { schema: 1, ok: problems === 0, problems, warnings, checks };
}

/** One line per check ("ok      jupyter     ...  → hint") and a summary line. */
export function renderDoctorText(r: DoctorReport): string[] {
  const lines = r.checks.map(
    (c) => `${c.status.padEnd(8)}${c.id.padEnd(12)}${c.message}${c.hint ? `  → ${c.hint}` : ""}`,
  );
  const sum =
    r.problems === 0 && r.warnings === 0
      ? "all good"
      : `${r.problems} problem${r.problems === 1 ? "" : "s"}, ${r.warnings} warning${r.warnings === 1 ? "" : "s"}`;
  return [...lines, `doctor: ${sum}`];
}
