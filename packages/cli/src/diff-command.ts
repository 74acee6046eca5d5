export const DIFF_USAGE = `aiready diff OLD_DIST NEW_DIST | --base GIT_REF [--format text|markdown]`;
export async function diffCommand(_a: readonly string[], log: (s: string) => void, _o: (s: string) => void): Promise<number> {
  log('todo');
  return 2;
}
