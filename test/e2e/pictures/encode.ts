/**
 * Picture encoding for the README walk: lossless PNG re-compression (pngjs) and a small animated
 * GIF of the walk's frames (gifenc: a palette per frame, frames scaled down by area averaging).
 */
import { GIFEncoder, applyPalette, quantize } from 'gifenc';
import { PNG } from 'pngjs';

/** The same pixels, compressed with the strongest deflate level and adaptive filters. */
export function optimisePng(png: Buffer): Buffer {
  const img = PNG.sync.read(png);
  const out = PNG.sync.write(img, { deflateLevel: 9, filterType: -1 });
  return out.length < png.length ? out : png;
}

/** Width and height from a PNG's IHDR, or undefined when the bytes are not a PNG. */
export function pngSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47) return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** An animated GIF, looping, from PNG frames of one size, scaled to `width`. */
export function encodeAnimation(frames: readonly Buffer[], opts: { width: number; delayMs: number }): Buffer {
  const gif = GIFEncoder();
  for (const png of frames) {
    const img = PNG.sync.read(png);
    const scaled = scale(img.data, img.width, img.height, opts.width);
    const palette = quantize(scaled.data, 256);
    gif.writeFrame(applyPalette(scaled.data, palette), scaled.width, scaled.height, { palette, delay: opts.delayMs, repeat: 0 });
  }
  gif.finish();
  return Buffer.from(gif.bytes());
}

/** RGBA scaled down to `width` (kept aspect) by averaging the source pixels under each target pixel. */
function scale(src: Uint8Array, w: number, h: number, width: number): { data: Uint8Array; width: number; height: number } {
  if (width >= w) return { data: src, width: w, height: h };
  const height = Math.round((h * width) / w);
  const data = new Uint8Array(width * height * 4);
  const fx = w / width;
  const fy = h / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * fy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * fy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * fx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * fx));
      const sum = new Float64Array(4);
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * w + sx) * 4;
          for (let c = 0; c < 4; c++) sum[c]! += src[i + c]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) data[o + c] = Math.round(sum[c]! / n);
    }
  }
  return { data, width, height };
}
