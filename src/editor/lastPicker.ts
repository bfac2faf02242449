/** What the eval quick pick (or compare's run pick) last showed (placeholder and items), for the integration suites. */
export const lastPicker: { placeholder?: string; items: { label: string; description?: string; detail?: string }[] } = { items: [] };
