// A supervisor's young generation, capped at run time (its node flags cannot: see io/supervisor-argv.ts).

/**
 * Keep the young generation at its initial 1 MB semi-spaces (figure 9: the idle supervisor's RSS stays put). V8 reads
 * this flag at each growth, so it works at run time; on node's command line it does not. It changes V8's flag hash,
 * so the bundle's boot sets it before any code compiles (io/bundle-sections.ts): the main code's and the trees' code
 * caches are made and checked under the same hash.
 */
export function capYoungGeneration(): void {
  // node:v8 loaded only here: it costs every other command ~4 ms (it loads node's stream modules).
  process.getBuiltinModule("node:v8").setFlagsFromString("--semi-space-growth-factor=1");
}
