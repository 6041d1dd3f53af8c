// Whole kronor grouped as on the price list and in the e-mails: "1 200" (sv, a no-break space),
// "1,200" (en). The currency word is in the page's texts ("{price} kr").
import { locale } from "./texts.js";

export function kronor(amount, lang) {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 0 }).format(amount);
}
