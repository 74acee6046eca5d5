// Schema `pattern`s and CEL `matches()` are Go RE2 expressions on the API server. Most are valid
// JavaScript too; the rest are translated where the meaning is certain and otherwise left unchecked
// (never guessed), and the report says which.
//
// Translated: inline flags at the start (`(?i)`, `(?s)`, `(?m)`, `(?is)`..., also right after a leading
// `^`) become JavaScript flags for the whole pattern; `\z` becomes `$`; `(?P<name>` becomes `(?<name>`.
// Unchecked: inline flags anywhere else or scoped `(?i:...)`, `(?U)`, `\Q...\E`, `\C`, POSIX classes
// (`[[:alpha:]]`), Unicode classes (`\pL`), and anything JavaScript cannot compile.

/** A compiled pattern, or why it cannot be checked here. */
export type GoRegex = { readonly regex: RegExp } | { readonly unchecked: string };

const cache = new Map<string, GoRegex>();

/** Compiles a Go RE2 pattern as an equivalent JavaScript RegExp. */
export function goRegex(pattern: string): GoRegex {
  let hit = cache.get(pattern);
  if (!hit) {
    hit = translate(pattern);
    cache.set(pattern, hit);
  }
  return hit;
}

function translate(pattern: string): GoRegex {
  let body = pattern;
  let flags = '';
  const lead = /^(\^?)\(\?([a-zA-Z]+)\)/.exec(body);
  if (lead) {
    for (const f of lead[2]) {
      if (f === 'i' || f === 's' || f === 'm') flags += flags.includes(f) ? '' : f;
      else return { unchecked: `inline flag (?${f}) has no JavaScript equivalent` };
    }
    body = lead[1] + body.slice(lead[0].length);
  }
  if (/\(\?[a-zA-Z]+[:)]/.test(body.replace(/\(\?P?<[A-Za-z_]/g, ''))) {
    return { unchecked: 'inline flags that do not apply to the whole pattern' };
  }
  if (/\\[QEC]|\[\[:|\\[pP]/.test(body)) return { unchecked: 'RE2 syntax with no JavaScript equivalent' };
  body = body.replace(/\\z/g, '$').replace(/\(\?P</g, '(?<');
  try {
    return { regex: new RegExp(body, flags) };
  } catch (err) {
    return { unchecked: `not a JavaScript regular expression (${(err as Error).message})` };
  }
}
