// A supervisor's young generation, capped at run time (its node flags cannot: see io/supervisor-argv.ts).
import { setFlagsFromString } from "node:v8";

/**
 * Keep the young generation at its initial 1 MB semi-spaces (figure 9: the idle supervisor's RSS stays put). V8 reads
 * this flag at each growth, so it works at run time; on node's command line it does not. It changes V8's flag hash,
 * so it is set before the command tree compiles: the tree's code cache is made and checked under the same hash.
 */
export function capYoungGeneration(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}
