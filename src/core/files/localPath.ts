/**
 * A response's workspace file: `"content": {"local_file_path": "shots/a.png"}` with
 * `"content_type": "image"` (or `"video"`). The path is relative to the responses file's own folder,
 * written with `/` between folders, and must lead to a file inside the responses file's workspace
 * folder (on the command line: inside the responses file's folder). It is uploaded when the file is scored, and the request then names the
 * uploaded file (`file_uuid`); the path itself is never sent.
 *
 * These are the rules on the text of the path. Where it leads on disk (symlinks, size) is checked
 * when it is uploaded (resolve.ts).
 */

export const MAX_LOCAL_PATH_CHARS = 1024;

/** The same rules as `localPathProblem`, as one regular expression (for the JSON schema). */
export const LOCAL_PATH_PATTERN = '^(?![/~]|[A-Za-z]:)(?!(?:[^/]*/)*\\.\\.(?:/|$))[^\\\\\\u0000-\\u001f\\u007f]*[^\\\\/\\u0000-\\u001f\\u007f]$';

/**
 * What is wrong with a local file path, as the rest of a sentence starting with the field name
 * (`"local_file_path" <problem>`), or null when it is acceptable. An empty path is refused by the
 * schema's minimum length, not here.
 */
export function localPathProblem(p: string): string | null {
  if (!p) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'contains a control character; write the file\'s path relative to the responses file\'s folder, e.g. "shots/a.png".';
  if (p.includes('\\')) return 'uses "\\"; write the path with "/" between folders, e.g. "shots/a.png", so it works on every system.';
  if (/^[/~]|^[A-Za-z]:/.test(p)) return 'is an absolute path; write it relative to the responses file\'s folder, e.g. "shots/a.png". Files outside the workspace folder are never uploaded.';
  if (p.split('/').includes('..')) return 'leaves the workspace folder with ".."; only files inside the workspace folder are uploaded. Move the file into the folder, or remove the "..".';
  if (p.endsWith('/')) return 'ends with "/", so it names a folder; name the image or video file itself, e.g. "shots/a.png".';
  if (p.length > MAX_LOCAL_PATH_CHARS) return `is longer than ${MAX_LOCAL_PATH_CHARS} characters; shorten the file's path.`;
  return null;
}

/** The file's name as uploaded: its last path segment (folders are never sent). */
export function uploadName(p: string): string {
  return p.split('/').pop() || p;
}
