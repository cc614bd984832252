// The diff of an AWS file that setup --dry-run, import --dry-run and doctor --fix show: a plain unified diff with
// `--- PATH` / `+++ PATH` headers, as `diff -u` and git print them. jsdiff's createTwoFilesPatch by default adds an
// `Index: PATH` line and a `====` rule (svn's format) and, given a header, a tab after the path: FILE_HEADERS_ONLY
// and no header leave just the two lines. The path is `~/...` when it is under the home directory.
import { sep } from "node:path";
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/** The path as shown to the user: `~/.aws/config` for a file under `home`, else as it is. */
export function pathForDisplay(path: string, home: string): string {
  if (home === "" || home === sep) return path;
  const prefix = home.endsWith(sep) ? home : `${home}${sep}`;
  return path.startsWith(prefix) ? `~${sep}${path.slice(prefix.length)}` : path;
}

/** A unified diff of the file's text before and after, with three lines of context; "" when they are the same. */
export function fileDiff(path: string, before: string, after: string, home: string): string {
  if (before === after) return "";
  const shown = pathForDisplay(path, home);
  return createTwoFilesPatch(shown, shown, before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
