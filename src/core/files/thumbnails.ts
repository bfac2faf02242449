/**
 * Thumbnails of image answers in the explanations view. A result keeps the answer as described
 * text (scoring.ts `describeContent`): a workspace picture is `[image file shots/a.png]`. The
 * editor turns such a path (checked again here and on disk) into a webview URI of the file in the
 * workspace folder; the page shows it under its CSP (img-src limited to the webview's own source).
 */
import { localPathProblem } from './localPath';

/** The host → page data message may carry thumbnails: result key → webview URI of the picture. */
export interface WithThumbnails {
  thumbnails?: Record<string, string>;
}

/** Most thumbnails one view shows. */
export const MAX_THUMBNAILS = 200;

/** The workspace image a described answer names, or undefined (text answers, uploaded files' ids, videos). */
export function describedLocalImage(responseText: string | null | undefined): string | undefined {
  const m = responseText ? /^\[image file (.+)\]$/.exec(responseText) : null;
  const path = m?.[1];
  return path && !localPathProblem(path) && /\.(png|jpe?g|gif|webp)$/i.test(path) ? path : undefined;
}
