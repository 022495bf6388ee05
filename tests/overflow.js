// What sticks out sideways on the current screen: the body of a function for WebDriver's
// `execute` (it returns the list). Each entry is an element of `main` or the sidebar that is wider
// than its container or runs past the window, as JSON:
//   { element: "td#id.cls[data-testid=x] “first 40 characters”", width, containerWidth, container, over }
// An element is reported when, by more than 1 px,
//   - its box runs past its container: the nearest box around it (a card, a cell, a grid area…),
//     `main` or the sidebar, or the window;
//   - or a word of its own text runs past its own padding box (a long hash, path or address);
//   - for an inline element (a span, a code), a word of its own text runs past those containers.
// The page itself is reported (as `html`) when it is wider than the window.
// Left alone: whatever is inside a box that clips or scrolls sideways (overflow-x auto, scroll,
// hidden or clip), as that box is checked itself and scrolling inside it is meant; elements hidden
// for the eye (`.sr-only`: 1 px, or clipped away), unless they widen the page; elements with no
// box (display: none or contents); the inside of SVG pictures and form fields; fixed elements
// against all but the window, absolutely placed ones against all but the window, `main` and the
// sidebar. Words, not whole runs of text, are measured, as a space ending a wrapped line may hang
// past the edge.
const SLACK = 1;
const roots = [...new Set(document.querySelectorAll("main, nav.sidebar, .sidebar"))];
const viewport = document.documentElement.clientWidth;
const windowBox = { left: 0, right: viewport, width: viewport, name: "the window" };
const fields = new Set(["input", "select", "textarea", "img", "video", "canvas", "iframe", "object", "embed", "progress", "meter", "svg"]);
const found = [];

const round = (n) => Math.round(n * 10) / 10;
const clips = (cs) => cs.overflowX !== "visible" && cs.overflowX !== "";
const boxless = (cs) => cs.display === "contents" || cs.display === "none";
const isField = (el) => fields.has(el.tagName.toLowerCase());

function describe(el) {
  if (el === document.documentElement) return "html";
  const id = el.id ? `#${el.id}` : "";
  const cls = (el.getAttribute("class") || "").trim().split(/\s+/).filter((c) => c && !c.startsWith("svelte-")).map((c) => `.${c}`).join("");
  const testid = el.getAttribute("data-testid") ? `[data-testid=${el.getAttribute("data-testid")}]` : "";
  const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 40);
  return `${el.tagName.toLowerCase()}${id}${cls}${testid}${text ? ` “${text}”` : ""}`;
}

/** `.sr-only` and the like: absolutely placed and shrunk to a pixel, or clipped away. */
function visuallyHidden(cs, r) {
  if (cs.position !== "absolute" && cs.position !== "fixed") return false;
  if (r.width <= 1 || r.height <= 1) return true;
  return /rect\(\s*0(px)?[\s,]+0(px)?[\s,]+0(px)?[\s,]+0(px)?\s*\)/.test(cs.clip || "") || cs.clipPath === "inset(50%)";
}

/** The padding box of an element, in the window's coordinates. */
function paddingBox(el) {
  const r = el.getBoundingClientRect();
  const left = r.left + el.clientLeft;
  const width = el.clientWidth || r.width;
  return { left, right: left + width, width, el };
}

const past = (r, box) => Math.max(r.right - box.right, box.left - r.left);

/** The first word of the element's own text that runs past `box`, measured. */
function wordPast(el, box) {
  const range = document.createRange();
  for (const t of el.childNodes) {
    if (t.nodeType !== Node.TEXT_NODE || !/\S/.test(t.data)) continue;
    for (const m of t.data.matchAll(/\S+/g)) {
      range.setStart(t, m.index);
      range.setEnd(t, m.index + m[0].length);
      // Line by line: a word starting a line may also report an empty rectangle at the end of the one before.
      for (const r of range.getClientRects()) {
        if (r.width > 1 && past(r, box) > SLACK) return { width: r.width, over: past(r, box) };
      }
    }
  }
  return null;
}

function report(el, width, box, over) {
  const container = box.name ?? describe(box.el);
  found.push({ element: describe(el), width: round(width), containerWidth: round(box.width), container, over: round(over) });
}

if (document.documentElement.scrollWidth > viewport + SLACK) {
  const w = document.documentElement.scrollWidth;
  report(document.documentElement, w, windowBox, w - viewport);
}

for (const root of roots) {
  const rootBox = paddingBox(root);
  for (const el of [root, ...root.querySelectorAll("*")]) {
    const cs = getComputedStyle(el);
    if (boxless(cs)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const hidden = visuallyHidden(cs, r);

    // Inside something that clips or scrolls, or inside a picture or a field: that one is checked.
    // What is placed absolutely is clipped only by a box at or around the one it is placed in.
    let inside = false;
    let box = null;
    let held = cs.position !== "absolute" && cs.position !== "fixed";
    for (let a = el === root ? null : el.parentElement; a; a = a.parentElement) {
      const acs = getComputedStyle(a);
      if (cs.position === "absolute" && acs.position !== "static") held = true;
      if (a !== root && ((held && clips(acs)) || isField(a))) {
        inside = true;
        break;
      }
      if (!box && !boxless(acs) && acs.display !== "inline") box = a;
      if (a === root) break;
    }
    if (inside) continue;
    // Hidden for the eye, it can still widen the page (placed outside a box that scrolls).
    if (hidden) {
      if (past(r, windowBox) > SLACK) report(el, r.width, windowBox, past(r, windowBox));
      continue;
    }

    const containers = [windowBox];
    if (cs.position !== "fixed" && el !== root) containers.push(rootBox);
    if (cs.position !== "fixed" && cs.position !== "absolute" && box && box !== root) containers.push(paddingBox(box));

    if (cs.display === "inline" && !isField(el)) {
      for (const c of containers) {
        const w = wordPast(el, c);
        if (w) {
          report(el, w.width, c, w.over);
          break;
        }
      }
      continue;
    }
    const out = containers.find((c) => past(r, c) > SLACK);
    if (out) {
      report(el, r.width, out, past(r, out));
      continue;
    }
    if (!clips(cs) && !isField(el)) {
      const own = { ...paddingBox(el), name: "its own width" };
      const w = wordPast(el, own);
      if (w) report(el, w.width, own, w.over);
    }
  }
}
return found;
