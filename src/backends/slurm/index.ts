// The slurm backend: the instance's supervisor is the main step of a batch job on a compute node.
import { existsSync } from "node:fs";
import { JlremoteError } from "../../core/errors.js";
import type { Backend } from "../backend.js";
import { jobFilePath } from "./job-file.js";

/** Has this instance recorded a batch job? */
export function isSlurmInstance(env: Record<string, string | undefined>, name: string): boolean {
  return existsSync(jobFilePath(env, name));
}

const todo = () => Promise.reject(new JlremoteError("the slurm backend is not available yet"));

/** Run the instance as a Slurm batch job. */
export const slurmBackend: Backend = {
  kind: "slurm",
  start: todo,
  stop: todo,
  restart: todo,
  observe: () => ({ supervisorAlive: false, jupyterAlive: false, hostBound: false }),
  details: () => ({ backend: "slurm" }),
};
