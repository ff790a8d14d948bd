// One floating tooltip for every element with a `data-tip` (chart bars, sparklines, timeline rows).

let tip = null;

function place(event) {
  const margin = 14;
  const { innerWidth, innerHeight } = window;
  const box = tip.getBoundingClientRect();
  let x = event.clientX + margin;
  let y = event.clientY + margin;
  if (x + box.width > innerWidth - 4) x = event.clientX - box.width - margin;
  if (y + box.height > innerHeight - 4) y = event.clientY - box.height - margin;
  tip.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
}

export function installTooltip() {
  tip = document.createElement("div");
  tip.className = "tooltip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.append(tip);
  document.addEventListener("pointermove", (event) => {
    const target = event.target instanceof Element ? event.target.closest("[data-tip]") : null;
    if (!target) {
      tip.hidden = true;
      return;
    }
    if (tip.textContent !== target.dataset.tip) tip.textContent = target.dataset.tip;
    tip.hidden = false;
    place(event);
  });
  document.addEventListener("pointerleave", () => { tip.hidden = true; });
}
