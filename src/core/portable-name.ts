// The POSIX portable filename characters (A-Z a-z 0-9 . _ -), checked without regular expressions: each one that
// status ran was parsed at every evaluation, compiled, then compiled again to machine code at its second use (~0.03 ms
// each on a slow VM, figure 1a).

/** Is this UTF-16 code unit one of A-Z a-z 0-9 . _ - ? */
function isPortableCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
}

/** `text` with every character outside A-Z a-z 0-9 . _ - replaced by "_" (each UTF-16 code unit, as /[^…]/g does). */
export function portable(text: string): string {
  let i = 0;
  while (i < text.length && isPortableCode(text.charCodeAt(i))) i += 1;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (; i < text.length; i += 1) out += isPortableCode(text.charCodeAt(i)) ? (text[i] as string) : "_";
  return out;
}

/** An instance name (a path component): 1 to 64 portable characters, the first neither '.' nor '-'. */
export function isInstanceName(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  const first = name.charCodeAt(0);
  if (first === 46 || first === 45) return false;
  for (let i = 0; i < name.length; i += 1) if (!isPortableCode(name.charCodeAt(i))) return false;
  return true;
}
