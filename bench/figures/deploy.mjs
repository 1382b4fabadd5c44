// Figure 13: jllocal's self-deploy. (a) a cold `jllocal HOST` into an account without jlremote (bundle only) vs the
// same cold run with it installed; (b) the same with the Node.js runtime pushed too (a `node` v16 first on the PATH of
// ssh commands, the laptop's runtime cache warm); (c) the warm run's cost of the installed-version lookup: installed
// version vs figure 7's manual install, as a share of figure 7 (target <= 5 %).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../lib/jlremote.mjs";
import { expectOk, interleave, median } from "../lib/timing.mjs";
import { getRemote } from "./laptop.mjs";

const NAME = "bench-deploy";
const VERSION = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")).version;

export async function selfDeploy(sb, rounds) {
  const r = await getRemote(sb);
  const jllocal = async () => {
    const res = expectOk(await r.jllocal([r.host, "--no-browser", "--name", NAME]), "jllocal --no-browser");
    if (!/http:\/\/127\.0\.0\.1:\d+\//.test(res.stdout)) throw new Error(`jllocal printed no URL: ${res.stdout}`);
    return res;
  };
  const sh = async (cmd) => expectOk(await r.ssh([r.host, cmd]), cmd);
  const noMaster = () => r.jllocal(["kill", r.host]);
  // Nothing of ours there: no installed version, no ~/.local/bin/jlremote (a manual install would be used as it is).
  const uninstall = () => sh("rm -rf ~/.local/share/jlremote ~/.local/bin/jlremote");
  const manual = () => sh(`${process.execPath} ${CLI} install >/dev/null`);
  const own = `~/.local/share/jlremote/${VERSION}/bin/jlremote`;
  try {
    await jllocal();
    const cold = await interleave(
      {
        deploy: async () => {
          await noMaster();
          await uninstall();
          const res = await jllocal();
          if (!/installed jlremote/.test(res.stderr)) throw new Error(`no install: ${res.stderr}`);
          return res.ms;
        },
        installed: async () => {
          await noMaster();
          const res = await jllocal();
          if (/installed jlremote/.test(res.stderr)) throw new Error("installed again");
          return res.ms;
        },
      },
      rounds,
      1,
    );
    // (b): a node too old first on the PATH of ssh commands (bash reads $HOME/.bashrc for them).
    await sh(
      "mkdir -p ~/fakenode && printf '#!/bin/sh\\necho v16.20.2\\n' > ~/fakenode/node && chmod +x ~/fakenode/node && " +
        "echo 'export PATH=\"$HOME/fakenode:$PATH\"' > ~/.bashrc",
    );
    const runtime = [];
    for (let i = 0; i < Math.max(2, Math.ceil(rounds / 2)) + 1; i += 1) {
      await noMaster();
      await uninstall();
      const res = await jllocal();
      if (!/Node\.js [\d.]+ installed/.test(res.stderr)) throw new Error(`no runtime pushed: ${res.stderr}`);
      // The first one fetches the runtime into the laptop's cache: not timed.
      if (i > 0) runtime.push(res.ms);
    }
    await sh("rm -f ~/.bashrc; rm -rf ~/fakenode");
    // (c): warm runs, the installed version's launcher on and off (then figure 7's ~/.local/bin launcher runs).
    await noMaster();
    await uninstall();
    await jllocal();
    await manual();
    const warm = await interleave(
      {
        installed: async () => {
          await sh(`[ -f ${own} ] || mv ${own}.off ${own}`);
          return (await jllocal()).ms;
        },
        manual: async () => {
          await sh(`[ -f ${own}.off ] || mv ${own} ${own}.off`);
          return (await jllocal()).ms;
        },
      },
      rounds * 2,
      2,
    );
    const m = (xs) => median(xs);
    return [
      {
        id: "13a",
        figure: "cold `jllocal HOST` installing jlremote (bundle only) vs cold with it installed",
        a: m(cold.deploy),
        b: m(cold.installed),
        ratio: m(cold.deploy) / m(cold.installed),
        target: null,
        n: rounds,
        samples: cold,
      },
      {
        id: "13b",
        figure: "cold `jllocal HOST` installing jlremote and the Node.js runtime (43 MB, laptop cache warm)",
        a: m(runtime),
        b: m(cold.installed),
        ratio: m(runtime) / m(cold.installed),
        target: null,
        n: runtime.length,
        samples: { runtime },
      },
      {
        id: "13c",
        figure: "warm `jllocal`: installed version vs figure 7's manual install (overhead <= 5 % of figure 7)",
        a: m(warm.installed),
        b: m(warm.manual),
        ratio: m(warm.installed) / m(warm.manual),
        target: 1.05,
        n: rounds * 2,
        samples: warm,
      },
    ];
  } finally {
    // Figure 7's state again: no installed versions, ~/.local/bin/jlremote runs the repository's bundle.
    await sh("rm -f ~/.bashrc; rm -rf ~/fakenode ~/.local/share/jlremote").catch(() => {});
    await manual().catch(() => {});
    await sh(`${process.execPath} ${CLI} stop --name ${NAME}`).catch(() => {});
  }
}
