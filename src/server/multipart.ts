/**
 * A small, strict multipart/form-data parser (RFC 7578 over RFC 2046) for the upload endpoint.
 *
 * No multipart package is installed in this project, and the one built into Node (undici's
 * `Response.formData()`) accepts malformed bodies silently and reports problems as bare
 * TypeErrors; the upload endpoint needs to refuse bad bodies with a message naming what is wrong.
 * So this parser takes an already size-bounded body and accepts only the plain form every client
 * sends: the body starts with the first delimiter (no preamble), each part has a
 * `Content-Disposition: form-data; name=…` header, header blocks are small UTF-8 lines without
 * folding, no transfer encoding other than 7bit/8bit/binary, and the body ends with the closing
 * delimiter (optionally followed by one CRLF). Everything else is a MultipartError.
 */

export interface MultipartPart {
  /** The form field name. */
  name: string;
  /** The file name the client gave (`filename*` preferred over `filename`), or null for a plain field. */
  filename: string | null;
  /** The part's Content-Type header value, lower-cased, without parameters; null when absent. */
  contentType: string | null;
  /** The part's bytes (a view into the body buffer). */
  data: Buffer;
}

export interface MultipartLimits {
  /** Most parts accepted. Default 16. */
  maxParts?: number;
  /** Largest header block of one part, in bytes. Default 8 KiB. */
  maxHeaderBytes?: number;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
// RFC 2046 bchars, 1..70 of them, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits `value; a=b; c="d"` into the leading value and its parameters (names lower-cased). */
export function parseHeaderParams(header: string, what: string): { value: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const semi = header.indexOf(';');
  const value = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  let i = semi < 0 ? header.length : semi + 1;
  while (i < header.length) {
    while (header[i] === ' ' || header[i] === '\t') i++;
    if (i >= header.length) break;
    const eq = header.indexOf('=', i);
    if (eq < 0) throw new MultipartError(`${what}: parameter "${header.slice(i, i + 40)}" has no "=" value`);
    const name = header.slice(i, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) throw new MultipartError(`${what}: bad parameter name "${name.slice(0, 40)}"`);
    i = eq + 1;
    let v: string;
    if (header[i] === '"') {
      v = '';
      i++;
      for (;;) {
        if (i >= header.length) throw new MultipartError(`${what}: unterminated quoted value of "${name}"`);
        const c = header[i]!;
        if (c === '"') break;
        if (c === '\\' && i + 1 < header.length) {
          v += header[i + 1];
          i += 2;
        } else {
          v += c;
          i++;
        }
      }
      i++;
      while (header[i] === ' ' || header[i] === '\t') i++;
      if (i < header.length && header[i] !== ';') throw new MultipartError(`${what}: unexpected text after the quoted value of "${name}"`);
    } else {
      const end = header.indexOf(';', i);
      v = (end < 0 ? header.slice(i) : header.slice(i, end)).trim();
      if (!v) throw new MultipartError(`${what}: parameter "${name}" is empty`);
      i = end < 0 ? header.length : end;
    }
    if (params.has(name)) throw new MultipartError(`${what}: parameter "${name}" appears twice`);
    params.set(name, v);
    if (header[i] === ';') i++;
  }
  return { value, params };
}

/** The boundary of a `multipart/form-data` Content-Type header; throws MultipartError otherwise. */
export function boundaryOf(contentType: string | undefined): string {
  if (!contentType) throw new MultipartError('Content-Type is missing; send multipart/form-data with a boundary');
  const { value, params } = parseHeaderParams(contentType, 'Content-Type');
  if (value !== 'multipart/form-data') throw new MultipartError(`Content-Type is "${value.slice(0, 60)}"; send multipart/form-data with a boundary`);
  const boundary = params.get('boundary');
  if (boundary === undefined) throw new MultipartError('Content-Type multipart/form-data has no boundary parameter');
  if (!BOUNDARY.test(boundary)) throw new MultipartError('the multipart boundary must be 1–70 characters from the RFC 2046 set');
  return boundary;
}

/** RFC 5987 `UTF-8''percent-encoded` (the only charset accepted). */
function extValue(raw: string): string {
  const m = /^utf-8'[^']*'(.*)$/i.exec(raw);
  if (!m) throw new MultipartError('Content-Disposition: filename* must use the UTF-8 charset');
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    throw new MultipartError('Content-Disposition: filename* is not valid percent-encoded UTF-8');
  }
}

function parsePartHeaders(block: Buffer, index: number): Omit<MultipartPart, 'data'> {
  const where = `part ${index + 1}`;
  let text: string;
  try {
    text = utf8.decode(block);
  } catch {
    throw new MultipartError(`${where}: headers are not valid UTF-8`);
  }
  let disposition: string | undefined;
  let contentType: string | null = null;
  for (const line of text.split('\r\n')) {
    if (/^[ \t]/.test(line)) throw new MultipartError(`${where}: folded header lines are not accepted`);
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).toLowerCase() : '';
    if (!TOKEN.test(name)) throw new MultipartError(`${where}: malformed header line "${line.slice(0, 60)}"`);
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') {
      if (disposition !== undefined) throw new MultipartError(`${where}: Content-Disposition appears twice`);
      disposition = value;
    } else if (name === 'content-type') {
      if (contentType !== null) throw new MultipartError(`${where}: Content-Type appears twice`);
      contentType = parseHeaderParams(value, `${where} Content-Type`).value;
    } else if (name === 'content-transfer-encoding') {
      if (!/^(7bit|8bit|binary)$/i.test(value)) throw new MultipartError(`${where}: Content-Transfer-Encoding "${value.slice(0, 30)}" is not accepted; send the bytes as binary`);
    }
  }
  if (disposition === undefined) throw new MultipartError(`${where}: Content-Disposition header is missing`);
  const { value, params } = parseHeaderParams(disposition, `${where} Content-Disposition`);
  if (value !== 'form-data') throw new MultipartError(`${where}: Content-Disposition must be form-data, got "${value.slice(0, 30)}"`);
  const name = params.get('name');
  if (!name) throw new MultipartError(`${where}: Content-Disposition has no field name`);
  const star = params.get('filename*');
  const filename = star !== undefined ? extValue(star) : (params.get('filename') ?? null);
  return { name, filename, contentType };
}

/** Parses a whole multipart/form-data body; throws MultipartError naming the first problem. */
export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits = {}): MultipartPart[] {
  const maxParts = limits.maxParts ?? 16;
  const maxHeaderBytes = limits.maxHeaderBytes ?? 8 * 1024;
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  if (!body.subarray(0, dash.length).equals(dash)) throw new MultipartError('the body does not start with the boundary given in Content-Type');
  const parts: MultipartPart[] = [];
  let pos = dash.length;
  for (;;) {
    const after = body.subarray(pos, pos + 2).toString('latin1');
    if (after === '--') {
      const rest = body.subarray(pos + 2);
      if (rest.length && !rest.equals(CRLF)) throw new MultipartError('unexpected data after the closing boundary');
      break;
    }
    if (after !== '\r\n') throw new MultipartError('a boundary line must end with CRLF (or "--" for the last one)');
    if (parts.length >= maxParts) throw new MultipartError(`more than ${maxParts} parts`);
    const headStart = pos + 2;
    if (body.subarray(headStart, headStart + 2).equals(CRLF)) throw new MultipartError(`part ${parts.length + 1}: Content-Disposition header is missing`);
    const headEnd = body.indexOf(HEADER_END, headStart);
    if (headEnd < 0 || headEnd - headStart > maxHeaderBytes) {
      throw new MultipartError(headEnd < 0 && body.length - headStart <= maxHeaderBytes ? `part ${parts.length + 1}: headers never end` : `part ${parts.length + 1}: headers are larger than ${maxHeaderBytes} bytes`);
    }
    const head = parsePartHeaders(body.subarray(headStart, headEnd), parts.length);
    const dataStart = headEnd + HEADER_END.length;
    const dataEnd = body.indexOf(delimiter, dataStart);
    if (dataEnd < 0) throw new MultipartError(`part ${parts.length + 1} ("${head.name.slice(0, 40)}"): the body ends before the closing boundary`);
    parts.push({ ...head, data: body.subarray(dataStart, dataEnd) });
    pos = dataEnd + delimiter.length;
  }
  return parts;
}
