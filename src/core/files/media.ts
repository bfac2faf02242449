/** Which image and video formats a workspace file may be, by its name's extension or else its first bytes. */

export type MediaKind = 'image' | 'video';

const BY_EXTENSION: Readonly<Record<string, { kind: MediaKind; mime: string }>> = {
  png: { kind: 'image', mime: 'image/png' },
  jpg: { kind: 'image', mime: 'image/jpeg' },
  jpeg: { kind: 'image', mime: 'image/jpeg' },
  gif: { kind: 'image', mime: 'image/gif' },
  webp: { kind: 'image', mime: 'image/webp' },
  mp4: { kind: 'video', mime: 'video/mp4' },
  mov: { kind: 'video', mime: 'video/quicktime' },
  webm: { kind: 'video', mime: 'video/webm' },
};

export const MEDIA_FORMATS = 'PNG, JPEG, GIF, WebP, MP4, QuickTime or WebM';

/** The format a file name says, or null for another extension. */
export function mediaByName(name: string): { kind: MediaKind; mime: string } | null {
  const m = /\.([a-z0-9]{1,5})$/i.exec(name);
  return (m && BY_EXTENSION[m[1]!.toLowerCase()]) || null;
}

/** The format the bytes are, by their signature, or null. */
export function mediaByBytes(b: Uint8Array): { kind: MediaKind; mime: string } | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 4) === 'PNG') return BY_EXTENSION.png!;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return BY_EXTENSION.jpg!;
  if (b.length >= 6 && /^GIF8[79]a$/.test(ascii(0, 6))) return BY_EXTENSION.gif!;
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return BY_EXTENSION.webp!;
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') return ascii(8, 10) === 'qt' ? BY_EXTENSION.mov! : BY_EXTENSION.mp4!;
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return BY_EXTENSION.webm!;
  return null;
}
