// A supervisor's young generation, capped at run time (its node flags cannot: see io/supervisor-argv.ts), once its
// first Jupyter is spawned.
import { saveCodeCachesNow } from "./code-cache.js";
import { isSupervisorNode } from "./supervisor-argv.js";

let settled = false;
/** Set when this node, started as another command, became a supervisor (io/supervise-here.ts). */
let hereSupervisor = false;

/**
 * This process, started as a status command, now runs a supervisor (io/supervise-here.ts): its young generation is
 * capped at Jupyter's spawn as in a supervisor's node. V8's background GC threads stay (its flags cannot change at
 * run time: turning concurrent marking off in a running heap fails V8's checks).
 */
export function superviseInThisNode(): void {
  hereSupervisor = true;
}

/**
 * Keep the young generation at the size it has (figure 9: the idle supervisor's RSS stays put). V8 reads this flag at
 * each growth, so it works at run time; on node's command line it does not. Set once the supervisor's first Jupyter
 * is spawned (or adopted), before its wait for Jupyter's ready, which may last minutes: capped from its boot, the 1 MB
 * semi-spaces made the way to the spawn collect garbage ~3.5 ms longer, and loading node:v8 there took ~4 ms. The flag
 * changes V8's flag hash: the code caches this process owes are written first, and none after (io/code-cache.ts).
 * Only in a supervisor's node (its flags); once.
 */
export function settleSupervisorHeap(): void {
  if (settled || !(hereSupervisor || isSupervisorNode(process.execArgv))) return;
  settled = true;
  saveCodeCachesNow();
  // node:v8 loaded only here: it costs every other command ~4 ms (it loads node's stream modules).
  process.getBuiltinModule("node:v8").setFlagsFromString("--semi-space-growth-factor=1");
}
