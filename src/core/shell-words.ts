// Pure: splits --sbatch / --qsub strings into argv the way a POSIX shell would for words and quotes (no expansion).
import { usageError } from "./errors.js";

/** Words of `text`: whitespace separates; '…' and "…" quote; backslash escapes outside single quotes. */
export function shellWords(text: string, flag = "--sbatch"): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word = `${word ?? ""}${c}`;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string))
        word = `${word ?? ""}${text[((i += 1))] ?? ""}`;
      else word = `${word ?? ""}${c}`;
    } else if (/\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[(i += 1)];
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote !== null) throw usageError(`${flag} ${JSON.stringify(text)}: unbalanced ${quote} quote`);
  if (word !== null) out.push(word);
  return out;
}
