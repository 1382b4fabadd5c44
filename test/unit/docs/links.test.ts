import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "../../..");
/** Pages other work adds (generated per-command pages, the architecture note): a link to them may precede them. */
const pendingPages = new Set(["docs/commands/jlremote.md", "docs/commands/jllocal.md", "ARCHITECTURE.md"]);

/** The Markdown files a reader walks through: README, CONTRIBUTING, ARCHITECTURE and everything under docs/. */
function docFiles(root: string): string[] {
  const top = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"].filter((f) => existsSync(join(root, f)));
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
    );
  return [...top, ...(existsSync(join(root, "docs")) ? walk("docs") : [])];
}

/** Markdown text without fenced code blocks and inline code, where a `[x](y)` is no link. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchor of a heading: lower case, punctuation but `-` dropped, spaces to `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(root: string, file: string): Set<string> {
  const text = readFileSync(join(root, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1] as string)));
}

test("anchorOf follows GitHub's slugs for headings with code, punctuation and dashes", () => {
  assert.equal(anchorOf("What `--jupyter` accepts"), "what---jupyter-accepts");
  assert.equal(anchorOf("`status --json`"), "status---json");
  assert.equal(
    anchorOf("Kernels survive a Jupyter crash, hang or restart"),
    "kernels-survive-a-jupyter-crash-hang-or-restart",
  );
  assert.equal(anchorOf("install, uninstall: the launcher"), "install-uninstall-the-launcher");
});

/** Relative links of the doc files under `root` whose file (or heading) does not exist, one line each. */
function brokenLinks(root: string): string[] {
  const broken: string[] = [];
  for (const file of docFiles(root)) {
    const text = prose(readFileSync(join(root, file), "utf8"));
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (/^[a-z]+:/i.test(target)) continue;
      const [path = "", anchor] = target.split("#");
      const resolved = path === "" ? file : relative(root, resolve(root, dirname(file), path));
      if (!existsSync(join(root, resolved))) {
        if (!pendingPages.has(resolved)) broken.push(`${file}: ${target} (no ${resolved})`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(root, resolved).has(anchor))
        broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
    }
  }
  return broken;
}

test("the link check finds a missing file and a missing heading, and ignores code, URLs and pending pages", () => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-links-"));
  try {
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "a.md"), "# A page\n\n## Some `code` here\n");
    const readme = [
      "[ok](docs/a.md#a-page) [ok](docs/a.md#some-code-here) [web](https://example.org/x) [gen](docs/commands/jllocal.md)",
      "[gone](docs/b.md) [bad anchor](docs/a.md#nowhere) `[code](nope.md)`",
      "```",
      "[fenced](nope.md)",
      "```",
    ].join("\n");
    writeFileSync(join(dir, "README.md"), readme);
    assert.deepEqual(brokenLinks(dir), [
      "README.md: docs/b.md (no docs/b.md)",
      "README.md: docs/a.md#nowhere (no heading #nowhere in docs/a.md)",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every relative link in README, CONTRIBUTING and docs/ points to an existing file and heading", () => {
  assert.deepEqual(brokenLinks(root), []);
});

test("README is a front page: at most 250 lines, with the laptop and the cluster side in its first 60", () => {
  const lines = readFileSync(join(root, "README.md"), "utf8").split("\n");
  assert.ok(lines.length <= 250, `README.md has ${lines.length} lines`);
  const head = lines.slice(0, 60).join("\n").toLowerCase();
  assert.match(head, /on the laptop/);
  assert.match(head, /on the cluster/);
  assert.match(head, /jllocal user@cluster/);
});

test("docs/ has a page per topic of the reference", () => {
  for (const page of ["jlremote", "jllocal", "configuration", "slurm", "systemd", "security", "reference", "benchmark"])
    assert.ok(existsSync(join(root, "docs", `${page}.md`)), `docs/${page}.md`);
});
