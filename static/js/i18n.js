// Translations for the ES modules from Django's JavaScriptCatalog (/jsi18n/, loaded by base.html before
// the modules). If that script did not load, the English text is shown rather than nothing.
const catalog = globalThis;

/** gettext: the text in the page's language. */
export function _(text) {
  return typeof catalog.gettext === "function" ? catalog.gettext(text) : text;
}

/** ngettext: the singular or plural text for ``count`` in the page's language. */
export function ngettext(singular, plural, count) {
  if (typeof catalog.ngettext === "function") return catalog.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

/** Fills %(name)s placeholders from ``values`` (Django's interpolate with named=true). */
export function format(text, values) {
  if (typeof catalog.interpolate === "function") return catalog.interpolate(text, values, true);
  return text.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name]));
}
