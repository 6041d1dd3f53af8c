// The booking page's list of treatments is built with the site; the clinic's settings may have changed
// since (a price, a new treatment, one removed): what differs is rewritten from GET /services, as text.
import { el } from "../lib/dom.js";

export function followSettings(root, services, facts) {
  const list = root.querySelector("[data-service-list]");
  if (!list) return;
  const seen = new Set();
  list.querySelectorAll("a[data-service]").forEach((link) => {
    const id = link.getAttribute("data-service");
    const service = services[id];
    seen.add(id);
    if (!service) { link.parentNode.hidden = true; return; }
    const now = [service.duration_minutes, service.price_sek, service.prepayment_sek].join(" ");
    const meta = link.querySelector(".allavie-treatment__meta");
    if (meta && link.getAttribute("data-built") !== now) meta.textContent = facts(service);
  });
  Object.keys(services).filter((id) => !seen.has(id)).forEach((id) => {
    const link = el("a", { class: "allavie-treatment", href: "?behandling=" + encodeURIComponent(id), "data-service": id }, [
      el("span", { class: "allavie-treatment__name" }, [services[id].name]),
      el("span", { class: "allavie-treatment__meta" }, [facts(services[id])]),
    ]);
    (list.querySelector("ul") || list).appendChild(el("li", {}, [link]));
  });
}
