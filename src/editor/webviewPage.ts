import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { htmlAttr } from '../core/present/text';

/** What differs between the extension's webview pages: their bundle, style sheet, title and root element. */
export interface PageParts {
  /** Folder of the page assets (the extension's `media/`). */
  mediaRoot: vscode.Uri;
  /** The page's script under `media/dist/`, e.g. `explanations.js`. */
  script: string;
  /** The page's style sheet under `media/dist/` (built from `media/`), e.g. `explanations.css`. */
  style: string;
  title: string;
  /** The root element's id and classes; the page script fills it. */
  rootId: string;
  rootClass?: string;
}

/**
 * The HTML of a webview page: a fixed template with a strict Content Security Policy (no inline
 * script or style, scripts only with this page's nonce, images, styles and fonts only from the
 * extension's own resources, no base or form targets). No data goes in here: pages get theirs by
 * postMessage, so nothing from a file or a server can reach the markup.
 */
export function webviewPage(webview: vscode.Webview, p: PageParts): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(p.mediaRoot, 'dist', p.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(p.mediaRoot, 'dist', p.style));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${htmlAttr(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${htmlAttr(style.toString())}">
<title>${htmlAttr(p.title)}</title>
</head>
<body>
<main id="${htmlAttr(p.rootId)}"${p.rootClass ? ` class="${htmlAttr(p.rootClass)}"` : ''} data-state="loading" aria-busy="true"></main>
<script nonce="${nonce}" src="${htmlAttr(script.toString())}"></script>
</body>
</html>`;
}
