/**
 * Limits of the review endpoints (verdict overrides, reports), apart from their schemas: the
 * override form and the command line check them without loading zod (which activation must not).
 */

/** The longest explanation an override may carry, in characters. */
export const MAX_EXPLANATION_CHARS = 10_000;
/** The most runs one eval report may cover. */
export const MAX_REPORT_RUNS = 100;
