// Tiny DOM builders. Text always goes in as text nodes (never innerHTML): API data cannot inject markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function setProps(el, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

/** An HTML element: h("a", {href: "#/", class: "x"}, "text", child, [more]). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  return append(el, children);
}

/** An SVG element, same shape as h(). */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  return append(el, children);
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Draws `draw(width)` into `container` now and whenever its width changes; returns a forced redraw. */
export function fitWidth(container, draw) {
  let last = -1;
  const render = (force) => {
    const width = Math.floor(container.clientWidth);
    if (width > 0 && (force || width !== last)) {
      last = width;
      replace(container, draw(width));
    }
  };
  new ResizeObserver(() => render(false)).observe(container);
  render(false);
  return () => render(true);
}
