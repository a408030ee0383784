// Texts of this feature, Turkish first.
const tr: Record<string, string> = {};
const en: Record<string, string> = {};
export default { tr, en };
