/**
 * The zod every schema of the core and the editor is built with: `zod/mini`, zod's functional API
 * (`z.optional(z.string())`, `.check(z.minLength(1))`). Its functions are separate exports, so a
 * bundle keeps only those it calls; zod's classic API (`z.string().min(1)`) hangs every method on
 * every schema and put all of zod, 97 kB minified, into dist/lazy.js.
 *
 * Import it as a namespace (`import * as z from '../zod'`): each `z.string` then names one export,
 * which esbuild follows. Re-exporting zod's namespace object as a value (`export { z }`) would make
 * the bundle build that object, and with it keep every export of zod, all of its locales included.
 *
 * zod/mini loads no messages: each issue it raises would read "Invalid input". The messages of
 * zod's own issues reach people (a reply with a missing field: "responses.3.turn_number: Invalid
 * input: expected number, received string"; a saved record dropped, in the log), so the English
 * ones classic zod sets are set here, once. Every schema module imports zod from this module, so
 * they are set before any schema exists or parses, and only where zod is loaded (dist/lazy.js,
 * never at activation).
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
