// Colour contrast, checked: jsdom computes no colours (axe leaves contrast "incomplete" there), so
// this test reads the colours the stylesheets declare and measures each pair that is shown
// together against WCAG 2 AA: 4.5:1 for text, 3:1 for large text (24px, or 18.7px bold) and for
// what identifies a control (a field's border, the focus ring).
//
// PAIRS below is the list. A colour is written as CSS (`#fff`, `var(--muted)`, `rgba(…)`) or as
// `rule(file, selector, property?)`: what that rule of that stylesheet declares (its `color` for
// the text, its `background` for the ground), so a changed colour is measured again. A file is
// named by its path under src/lib ("app.css" and "../App.svelte" for the global sheet and the
// shell). Adding a coloured element? Add its pair here.
import { describe, expect, it } from "vitest";

// ---- reading the stylesheets -------------------------------------------------------------------

const raw = {
  ...import.meta.glob(["../app.css", "../App.svelte"], { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob(["./**/*.svelte", "./**/*.css"], { query: "?raw", import: "default", eager: true }),
} as Record<string, string>;

/** Each stylesheet by its path under `src/lib` ("app.css" for the global one). */
const sheets: Record<string, string> = Object.fromEntries(
  Object.entries(raw).map(([path, text]) => [
    path === "../app.css" ? "app.css" : path.replace(/^\.\//, ""),
    path.endsWith(".svelte") ? [...text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join("\n") : text,
  ]),
);

type Rule = { selectors: string[]; decls: Record<string, string> };

function parse(css: string): Rule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const rules: Rule[] = [];
  for (const m of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const selectors = m[1].split(",").map((s) => s.trim().replace(/\s+/g, " ")).filter(Boolean);
    const decls: Record<string, string> = {};
    for (const d of m[2].split(";")) {
      const i = d.indexOf(":");
      if (i > 0) decls[d.slice(0, i).trim()] = d.slice(i + 1).trim();
    }
    rules.push({ selectors, decls });
  }
  return rules;
}

const rules: Record<string, Rule[]> = Object.fromEntries(Object.entries(sheets).map(([f, css]) => [f, parse(css)]));

/** The custom properties of `:root` in app.css: the palette. */
const palette: Record<string, string> = Object.fromEntries(
  rules["app.css"].filter((r) => r.selectors.includes(":root")).flatMap((r) => Object.entries(r.decls)).filter(([k]) => k.startsWith("--")),
);

// ---- colours -----------------------------------------------------------------------------------

type Rgba = [number, number, number, number];
type Ref = { file: string; selector: string; prop?: string };
type Colour = string | Ref;

/** What `selector` in `file` declares for `prop` (the text colour, or for a ground its background). */
function rule(file: string, selector: string, prop?: string): Ref {
  return { file, selector, prop };
}

const COLOUR = /#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|var\(--[\w-]+\)|\b(?:white|black|transparent)\b/i;

function declared(ref: Ref, fallback: string): string {
  const sheet = rules[ref.file];
  if (!sheet) throw new Error(`no stylesheet ${ref.file}`);
  const wanted = ref.selector.replace(/\s+/g, " ");
  const matching = sheet.filter((r) => r.selectors.includes(wanted));
  if (matching.length === 0) throw new Error(`${ref.file} has no rule for ${ref.selector}`);
  const prop = ref.prop ?? fallback;
  const props = prop === "background" ? ["background", "background-color"] : [prop];
  let value: string | undefined;
  for (const r of matching) for (const p of props) if (r.decls[p] !== undefined) value = r.decls[p];
  const colour = value?.match(COLOUR)?.[0];
  if (!colour) throw new Error(`${ref.file} ${ref.selector} declares no colour for ${prop}`);
  return colour;
}

function parseColour(css: string, seen: string[] = []): Rgba {
  const v = css.trim();
  const variable = v.match(/^var\((--[\w-]+)\)$/);
  if (variable) {
    const value = palette[variable[1]];
    if (value === undefined || seen.includes(variable[1])) throw new Error(`${variable[1]} is not in the palette`);
    return parseColour(value, [...seen, variable[1]]);
  }
  if (v === "white") return [255, 255, 255, 1];
  if (v === "black") return [0, 0, 0, 1];
  if (v === "transparent") return [0, 0, 0, 0];
  const hex = v.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join("") : hex[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)).concat(1) as Rgba;
  }
  const fn = v.match(/^rgba?\(([^)]*)\)$/);
  if (fn) {
    const [r, g, b, a = 1] = fn[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  }
  throw new Error(`cannot read the colour ${css}`);
}

function resolve(c: Colour, fallback: string): Rgba {
  return parseColour(typeof c === "string" ? c : declared(c, fallback));
}

function over(top: Rgba, under: Rgba, alpha = top[3]): Rgba {
  return [0, 1, 2].map((i) => top[i] * alpha + under[i] * (1 - alpha)).concat(1) as Rgba;
}

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgba | [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function ratio(a: Rgba | [number, number, number], b: Rgba | [number, number, number]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// ---- the pairs ---------------------------------------------------------------------------------

type Pair = {
  /** Where it is seen. */
  what: string;
  /** The text (or the line of a control's border or focus ring). */
  fg: Colour;
  /** What it stands on. */
  bg: Colour;
  /** What a translucent ground, or a faded element, lies on. */
  on?: Colour;
  /** The element's opacity, when it is faded as a whole. */
  opacity?: number;
  /** 3 for truly large text and for non-text (borders, focus rings); 4.5 otherwise. */
  min?: 3 | 4.5;
  /** Why the pair is listed but not held to a minimum (WCAG exempts inactive controls). */
  exempt?: string;
};

/** A rule that declares both colours of its own pair (a badge, a banner). */
function self(what: string, file: string, selector: string, extra: Partial<Pair> = {}): Pair {
  return { what, fg: rule(file, selector), bg: rule(file, selector), ...extra };
}

const BG = "var(--bg)";
const PANEL = "var(--panel)";
const sidebar = rule("app.css", ".sidebar");

const PAIRS: Pair[] = [
  // the page and its panels
  { what: "body text on the page", fg: "var(--ink)", bg: BG },
  { what: "body text on a panel", fg: "var(--ink)", bg: PANEL },
  { what: "muted text on the page", fg: rule("app.css", ".muted"), bg: BG },
  { what: "muted text on a panel", fg: rule("app.css", ".muted"), bg: PANEL },
  { what: "a field's help text", fg: rule("app.css", ".field .help"), bg: PANEL },
  { what: "a field's error", fg: rule("app.css", ".field-error"), bg: PANEL },
  { what: "table column headers", fg: rule("app.css", "table.data th"), bg: rule("app.css", "table.data") },
  { what: "collaboration list headers", fg: rule("app.css", "table.collabs th"), bg: rule("app.css", "table.collabs") },
  { what: "placeholder in a field", fg: rule("app.css", "::placeholder"), bg: rule("app.css", "input") },
  { what: "an error box", fg: "var(--ink)", bg: rule("app.css", ".error") },
  self("the success banner", "app.css", ".ok-banner"),
  { what: "a badge", fg: rule("app.css", ".badge"), bg: PANEL },
  self("a warning badge", "app.css", ".badge.warn"),
  { what: "a status pill", fg: "var(--ink)", bg: rule("app.css", ".status") },
  { what: "a status pill in a muted line", fg: "var(--muted)", bg: rule("app.css", ".status") },
  self("an active status pill", "app.css", ".status-active"),
  self("a closed status pill", "app.css", ".status-closed"),

  // controls
  self("a button", "app.css", "button"),
  self("a secondary button", "app.css", "button.secondary"),
  { what: "a link-like button on a panel", fg: rule("app.css", ".linklike"), bg: PANEL },
  { what: "a link-like button on the page", fg: rule("app.css", ".linklike"), bg: BG },
  { what: "a tab", fg: rule("app.css", '.tabs [role="tab"]'), bg: BG },
  { what: "the selected tab", fg: rule("app.css", '.tabs [role="tab"][aria-selected="true"]'), bg: BG },
  { what: "a disabled button", fg: rule("app.css", "button"), bg: rule("app.css", "button"), on: PANEL, opacity: 0.5, exempt: "an inactive control" },
  { what: "a field's border on a panel", fg: rule("app.css", "input", "border"), bg: PANEL, min: 3 },
  { what: "a field's border on the page", fg: rule("app.css", "input", "border"), bg: BG, min: 3 },
  { what: "an identity field's border", fg: rule("screens/Identities.svelte", "input", "border"), bg: PANEL, min: 3 },
  { what: "a library field's border", fg: rule("screens/Library.svelte", "input", "border"), bg: PANEL, min: 3 },
  { what: "a decision log field's border", fg: rule("screens/DecisionLog.svelte", "input", "border"), bg: PANEL, min: 3 },
  { what: "a ledger field's border", fg: rule("screens/ledger/fields.css", "input", "border"), bg: PANEL, min: 3 },
  { what: "an exchange-rate field's border", fg: rule("screens/ledger/RateForm.svelte", "input", "border"), bg: PANEL, min: 3 },
  { what: "the focus ring on the page", fg: rule("app.css", "button:focus-visible", "outline"), bg: BG, min: 3 },
  { what: "the focus ring on a panel", fg: rule("app.css", "button:focus-visible", "outline"), bg: PANEL, min: 3 },
  { what: "the focus ring of a link-like button", fg: rule("app.css", ".linklike:focus-visible", "outline"), bg: PANEL, min: 3 },
  { what: "the focus ring in the sidebar", fg: rule("app.css", ".navlink:focus-visible", "outline"), bg: sidebar, min: 3 },

  // the sidebar
  { what: "the sidebar's name", fg: rule("app.css", ".sidebar", "color"), bg: sidebar },
  { what: "a sidebar link", fg: rule("app.css", ".navlink"), bg: sidebar },
  { what: "a sidebar link, hovered", fg: rule("app.css", ".navlink"), bg: rule("app.css", ".navlink:hover"), on: sidebar },
  { what: "the current sidebar link", fg: rule("app.css", ".navlink"), bg: rule("app.css", '.navlink[aria-current="page"]'), on: sidebar },
  { what: "a collaboration in the sidebar", fg: rule("app.css", ".navlink.sub"), bg: sidebar },
  { what: "the current collaboration in the sidebar", fg: rule("app.css", ".navlink.sub"), bg: rule("app.css", '.navlink[aria-current="page"]'), on: sidebar },

  // the search, help and settings
  { what: "a group of search results", fg: rule("ui/SearchPalette.svelte", ".group-label"), bg: rule("ui/SearchPalette.svelte", ".palette") },
  { what: "a search result", fg: rule("ui/SearchPalette.svelte", ".palette"), bg: rule("ui/SearchPalette.svelte", ".palette") },
  { what: "the chosen search result", fg: rule("ui/SearchPalette.svelte", ".palette"), bg: rule("ui/SearchPalette.svelte", ".option.active") },
  { what: "a search result's detail, chosen", fg: rule("ui/SearchPalette.svelte", ".detail"), bg: rule("ui/SearchPalette.svelte", ".option.active") },
  { what: "results while the next search runs", fg: rule("ui/SearchPalette.svelte", ".stale"), bg: rule("ui/SearchPalette.svelte", ".option.active") },
  self("a match in a search result", "ui/SearchPalette.svelte", "mark"),
  { what: "the search shortcut in the sidebar", fg: rule("../App.svelte", ".search kbd"), bg: sidebar },
  { what: "help's contents", fg: rule("screens/Help.svelte", ".contents a"), bg: BG },
  { what: "a group of help topics", fg: rule("screens/Help.svelte", ".group"), bg: BG },
  { what: "a key in help", fg: "var(--ink)", bg: rule("screens/Help.svelte", "kbd") },
  { what: "a person being edited", fg: "var(--ink)", bg: rule("screens/Collaboration.svelte", ".person-edit") },
  self("a person saved", "screens/Collaboration.svelte", ".notice.ok"),

  // collaborations and their health
  self("verdict: on track", "screens/Collaborations.svelte", ".verdict-on_track"),
  self("verdict: attention", "screens/Collaborations.svelte", ".verdict-attention"),
  self("verdict: at risk", "screens/Collaborations.svelte", ".verdict-at_risk"),
  self("a health reason", "screens/Collaborations.svelte", ".reason"),
  self("a health reason needing attention", "screens/Collaborations.svelte", ".reason-attention"),
  self("a health reason at risk", "screens/Collaborations.svelte", ".reason-at_risk"),
  { what: "overdue counts", fg: rule("screens/Collaborations.svelte", ".counts.late"), bg: PANEL },

  // obligations and the due list
  self("obligation badge: open", "ui/ObligationBadge.svelte", ".ob-open"),
  self("obligation badge: overdue", "ui/ObligationBadge.svelte", ".ob-overdue"),
  self("obligation badge: done", "ui/ObligationBadge.svelte", ".ob-done"),
  self("obligation badge: waived", "ui/ObligationBadge.svelte", ".ob-waived"),
  { what: "a month of the timeline", fg: rule("ui/ObligationTimeline.svelte", ".col h3"), bg: rule("ui/ObligationTimeline.svelte", ".col") },
  { what: "this month on the timeline", fg: rule("ui/ObligationTimeline.svelte", ".col.now h3"), bg: rule("ui/ObligationTimeline.svelte", ".col") },
  { what: "the overdue column's heading", fg: rule("ui/ObligationTimeline.svelte", ".overdue h3"), bg: rule("ui/ObligationTimeline.svelte", ".overdue") },
  { what: "an overdue item's date", fg: rule("ui/ObligationTimeline.svelte", ".late .when"), bg: rule("ui/ObligationTimeline.svelte", ".overdue") },
  { what: "an overdue row's date", fg: rule("screens/Obligations.svelte", "tr.late td:first-child"), bg: PANEL },
  { what: "the overdue count", fg: rule("screens/Obligations.svelte", ".overdue-note"), bg: BG },
  { what: "a rule under an item being closed", fg: "var(--muted)", bg: rule("screens/Obligations.svelte", ".close-row td") },
  { what: "a group heading of the due list", fg: rule("screens/Due.svelte", "tr.group th"), bg: rule("screens/Due.svelte", "tr.group th") },
  { what: "a group's count in the due list", fg: "var(--muted)", bg: rule("screens/Due.svelte", "tr.group th") },

  // risks and due diligence
  self("risk band: green", "screens/Risks.svelte", ".band-green"),
  self("risk band: amber", "screens/Risks.svelte", ".band-amber"),
  self("risk band: red", "screens/Risks.svelte", ".band-red"),
  self("heat map cell: green", "ui/HeatMap.svelte", ".band-green"),
  self("heat map cell: amber", "ui/HeatMap.svelte", ".band-amber"),
  self("heat map cell: red", "ui/HeatMap.svelte", ".band-red"),
  { what: "heat map axis numbers", fg: rule("ui/HeatMap.svelte", ".tick"), bg: rule("ui/HeatMap.svelte", ".heat") },
  { what: "muted text in the selected risk's row", fg: "var(--muted)", bg: rule("screens/Risks.svelte", "tr.selected td") },
  { what: "a link in the selected risk's row", fg: rule("app.css", ".linklike"), bg: rule("screens/Risks.svelte", "tr.selected td") },
  self("diligence band: low", "screens/Diligence.svelte", ".band-low"),
  self("diligence band: medium", "screens/Diligence.svelte", ".band-medium"),
  self("diligence band: high", "screens/Diligence.svelte", ".band-high"),
  self("diligence band: blocked", "screens/Diligence.svelte", ".band-block"),

  // publications, IP and exit
  self("publication status", "screens/Publications.svelte", ".pub-status"),
  self("publication status: objected", "screens/Publications.svelte", ".st-objected"),
  self("publication status: released", "screens/Publications.svelte", ".st-released"),
  self("publication status: withdrawn", "screens/Publications.svelte", ".st-withdrawn"),
  self("a consent", "screens/Publications.svelte", ".pill.ok"),
  self("an objection", "screens/Publications.svelte", ".pill.bad"),
  { what: "what holds a release back", fg: rule("screens/Publications.svelte", ".blocked li"), bg: PANEL },
  { what: "days left to object", fg: rule("screens/Publications.svelte", ".countdown strong"), bg: PANEL },
  { what: "a closed review's countdown", fg: rule("screens/Publications.svelte", ".countdown.done strong"), bg: PANEL },
  { what: "muted text in a step form", fg: "var(--muted)", bg: rule("screens/Publications.svelte", ".step") },
  self("an IP pill", "screens/Ip.svelte", ".pill"),
  self("an IP pill: warning", "screens/Ip.svelte", ".pill.warn"),
  self("a restricted dataset", "screens/Ip.svelte", ".pill.tier-restricted"),
  self("a confidential dataset", "screens/Ip.svelte", ".pill.tier-confidential"),
  { what: "an item added since signing", fg: rule("screens/Ip.svelte", ".diff .add"), bg: rule("screens/Ip.svelte", ".schedule") },
  { what: "an item gone since signing", fg: rule("screens/Ip.svelte", ".diff .del"), bg: rule("screens/Ip.svelte", ".schedule") },
  { what: "a schedule that matches", fg: "var(--ink)", bg: rule("screens/Ip.svelte", ".schedule.ok") },
  { what: "a record's label", fg: rule("screens/Ip.svelte", ".label"), bg: PANEL },
  { what: "a withdrawn background item", fg: rule("screens/Ip.svelte", "tr.gone td"), bg: PANEL },
  { what: "an IP warning", fg: rule("screens/Ip.svelte", ".warn-text"), bg: PANEL },
  self("an exit pill", "screens/Exit.svelte", ".pill"),
  self("an exit pill: done", "screens/Exit.svelte", ".pill.ok"),
  self("an exit pill: to decide", "screens/Exit.svelte", ".pill.warn"),
  self("an exit pill: a problem", "screens/Exit.svelte", ".pill.bad"),
  { what: "an exit warning", fg: rule("screens/Exit.svelte", ".warn-text"), bg: PANEL },
  { what: "muted text in an exit step", fg: "var(--muted)", bg: rule("screens/Exit.svelte", ".step") },

  // the decision log
  self("the log verified", "screens/DecisionLog.svelte", ".banner.ok"),
  self("the log broken", "screens/DecisionLog.svelte", ".banner.bad"),
  { what: "the log being checked", fg: rule("screens/DecisionLog.svelte", ".banner.pending"), bg: rule("screens/DecisionLog.svelte", ".banner") },
  self("a decision recorded", "screens/DecisionLog.svelte", ".notice.ok"),
  { what: "a superseded decision", fg: rule("screens/DecisionLog.svelte", ".timeline li.superseded"), bg: rule("screens/DecisionLog.svelte", ".timeline li") },
  { what: "a hash in a decision's line", fg: rule("screens/DecisionLog.svelte", ".meta"), bg: rule("screens/DecisionLog.svelte", ".hash") },
  { what: "'superseded by'", fg: rule("screens/DecisionLog.svelte", ".tag.warn"), bg: rule("screens/DecisionLog.svelte", ".timeline li") },
  { what: "the first break", fg: rule("screens/DecisionLog.svelte", ".tag.bad"), bg: rule("screens/DecisionLog.svelte", ".timeline li.broken") },
  { what: "a muted line of the broken entry", fg: rule("screens/DecisionLog.svelte", ".meta"), bg: rule("screens/DecisionLog.svelte", ".timeline li.broken") },

  // the ledger
  self("an entry recorded", "screens/Ledger.svelte", ".notice.ok"),
  self("an import done", "screens/ledger/CsvPanel.svelte", ".notice.ok"),
  self("a rate recorded", "screens/ledger/RatesPanel.svelte", ".notice.ok"),
  self("a correction under way", "screens/ledger/EntryForm.svelte", ".notice.warn"),
  { what: "a ledger column header", fg: rule("screens/ledger/table.css", "table.data thead th"), bg: PANEL },
  { what: "a reversed entry", fg: rule("screens/ledger/EntryList.svelte", "tr.reversed .struck"), bg: PANEL },
  { what: "a reversal", fg: rule("screens/ledger/EntryList.svelte", "tr.reversal td"), bg: PANEL },
  { what: "the reverse form's row", fg: "var(--ink)", bg: rule("screens/ledger/EntryList.svelte", "tr.inline-row td") },
  { what: "'reversed by'", fg: rule("screens/ledger/EntryList.svelte", ".tag.bad"), bg: PANEL },

  // agreements, the builder, redlines
  { what: "reviewer guidance heading", fg: rule("ui/DocumentView.svelte", ".guidance h5"), bg: rule("ui/DocumentView.svelte", ".guidance") },
  { what: "a clause version badge", fg: "var(--ink)", bg: rule("ui/DocumentView.svelte", ".badge") },
  { what: "the agreement's date", fg: rule("ui/DocumentView.svelte", ".doc-date"), bg: PANEL },
  { what: "guidance in the builder", fg: rule("screens/Builder.svelte", ".guidance h4"), bg: rule("screens/Builder.svelte", ".guidance") },
  { what: "a clause's condition", fg: rule("screens/Builder.svelte", ".condition"), bg: rule("screens/Builder.svelte", ".clause.excluded") },
  { what: "the fields of an excluded clause", fg: rule("screens/Builder.svelte", ".clause.excluded .clause-fields"), bg: rule("screens/Builder.svelte", ".clause.excluded") },
  { what: "a preview that is out of date", fg: rule("screens/Builder.svelte", ".stale"), bg: PANEL },
  { what: "a required mark", fg: rule("screens/Builder.svelte", ".req"), bg: PANEL },
  { what: "the recommendation followed", fg: rule("screens/Builder.svelte", ".ok"), bg: rule("screens/Builder.svelte", ".callout") },
  { what: "the recommendation overruled", fg: rule("screens/Builder.svelte", ".warn"), bg: rule("screens/Builder.svelte", ".callout") },
  { what: "the problems summary", fg: "var(--ink)", bg: rule("screens/Builder.svelte", ".problems") },
  { what: "an overruled recommendation", fg: rule("screens/Agreement.svelte", ".warn"), bg: BG },
  self("a clause added", "ui/RedlineClauses.svelte", ".change-added"),
  self("a clause removed", "ui/RedlineClauses.svelte", ".change-removed"),
  self("a clause changed", "ui/RedlineClauses.svelte", ".change-changed"),
  self("a clause moved", "ui/RedlineClauses.svelte", ".change-moved"),
  self("a non-standard clause", "ui/RedlineClauses.svelte", ".ns"),
  self("deleted words", "ui/RedlineClauses.svelte", "del"),
  self("inserted words", "ui/RedlineClauses.svelte", "ins"),
  { what: "unchanged clauses", fg: rule("ui/RedlineClauses.svelte", ".unchanged summary"), bg: PANEL },

  // the library
  self("template status: draft", "screens/Library.svelte", ".st-draft"),
  self("template status: approved", "screens/Library.svelte", ".st-approved"),
  self("template status: rejected", "screens/Library.svelte", ".st-rejected"),
  self("template status: deprecated", "screens/Library.svelte", ".st-deprecated"),
  { what: "a search match", fg: "var(--ink)", bg: rule("screens/Library.svelte", "mark") },
  { what: "a template's id and version", fg: rule("screens/Library.svelte", ".item-meta"), bg: rule("screens/Library.svelte", ".item") },
  { what: "the shown version's hash", fg: rule("screens/Library.svelte", ".hash"), bg: rule("screens/Library.svelte", '.version[aria-current="true"]') },
  self("deleted words in the library", "screens/Library.svelte", "del"),
  self("inserted words in the library", "screens/Library.svelte", "ins"),
  { what: "a review recorded", fg: rule("screens/Library.svelte", ".done"), bg: PANEL },
  { what: "a library link", fg: rule("screens/Library.svelte", ".linklike"), bg: PANEL },
  { what: "library guidance", fg: "var(--ink)", bg: rule("screens/Library.svelte", ".callout") },
  self("words a release adds", "screens/LibrarySources.svelte", "ins"),
  self("words a release removes", "screens/LibrarySources.svelte", "del"),

  // partner drafts and verifying
  self("an unsigned draft", "screens/Exchange.svelte", ".unsigned-badge"),
  self("signatures valid", "screens/Exchange.svelte", ".verdict.ok"),
  self("an unsigned draft's verdict", "screens/Exchange.svelte", ".verdict.warn"),
  self("non-standard", "screens/Exchange.svelte", ".ns"),
  { what: "non-standard, in words", fg: rule("screens/Exchange.svelte", ".ns-note"), bg: PANEL },
  self("accept or reject", "screens/Exchange.svelte", ".opt"),
  self("accepted", "screens/Exchange.svelte", '.opt.accept[aria-pressed="true"]'),
  self("rejected", "screens/Exchange.svelte", '.opt.reject[aria-pressed="true"]'),
  { what: "our side of a change", fg: rule("screens/Exchange.svelte", ".ours"), bg: PANEL },
  { what: "their side of a change", fg: rule("screens/Exchange.svelte", ".theirs"), bg: PANEL },
  { what: "a draft still to decide", fg: rule("screens/Exchange.svelte", ".state.todo"), bg: rule("screens/Exchange.svelte", ".received-row") },
  { what: "who signed the chosen draft", fg: rule("screens/Exchange.svelte", ".row-who"), bg: rule("screens/Exchange.svelte", '.received-row[aria-current="true"]') },
  { what: "a draft to decide, chosen", fg: rule("screens/Exchange.svelte", ".state.todo"), bg: rule("screens/Exchange.svelte", '.received-row[aria-current="true"]') },
  { what: "an agreement created", fg: "var(--ink)", bg: rule("screens/Exchange.svelte", ".note-box") },
  { what: "a link in an agreement created", fg: rule("app.css", ".linklike"), bg: rule("screens/Exchange.svelte", ".note-box") },
  { what: "an exchange warning", fg: rule("screens/Exchange.svelte", ".warn-text"), bg: PANEL },
  self("the PDF is valid", "screens/Verify.svelte", ".verdict.ok"),
  self("the PDF is not valid", "screens/Verify.svelte", ".verdict.bad"),
  self("a signature intact", "screens/Verify.svelte", ".pill.ok"),
  self("a signature broken", "screens/Verify.svelte", ".pill.bad"),
  { what: "an unknown certificate", fg: rule("screens/Verify.svelte", ".trust.warn"), bg: PANEL },
  self("a PDF dragged over the window", "screens/Verify.svelte", ".dropzone.dragging"),
  { what: "the drop zone", fg: rule("screens/Verify.svelte", ".dropzone"), bg: PANEL },
  { what: "a signature's labels", fg: rule("screens/Verify.svelte", "dt"), bg: rule("screens/Verify.svelte", ".card") },
  { what: "a locked credential store", fg: rule("screens/Identities.svelte", ".hint"), bg: PANEL },
  { what: "an identity created", fg: rule("screens/Identities.svelte", ".done"), bg: PANEL },
];

function measure(p: Pair): number {
  const on = p.on !== undefined ? resolve(p.on, "background") : undefined;
  let bg = resolve(p.bg, "background");
  if (bg[3] < 1) {
    if (!on) throw new Error(`${p.what}: a translucent ground needs 'on'`);
    bg = over(bg, on);
  }
  let fg = resolve(p.fg, "color");
  if (fg[3] < 1) fg = over(fg, bg);
  if (p.opacity !== undefined) {
    const backdrop = on ?? parseColour(BG);
    fg = over(fg, backdrop, p.opacity);
    bg = over(bg, backdrop, p.opacity);
  }
  return ratio(fg, bg);
}

describe("colour contrast", () => {
  it("computes WCAG luminance and ratios", () => {
    expect(ratio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(ratio([255, 255, 255], [255, 255, 255])).toBe(1);
    expect(ratio(parseColour("#767676"), parseColour("white"))).toBeGreaterThanOrEqual(4.5);
    expect(ratio(parseColour("#777"), parseColour("#fff"))).toBeLessThan(4.5);
    expect(parseColour("rgba(255, 255, 255, 0.18)")).toEqual([255, 255, 255, 0.18]);
  });

  it("reads the palette and the rules the pairs name", () => {
    expect(Object.keys(palette)).toEqual(expect.arrayContaining(["--ink", "--muted", "--bg", "--panel", "--accent", "--ok", "--warn", "--bad"]));
    const unreadable: string[] = [];
    for (const p of PAIRS) {
      try {
        measure(p);
      } catch (e) {
        unreadable.push(`${p.what}: ${(e as Error).message}`);
      }
    }
    expect(unreadable).toEqual([]);
  });

  it("meets WCAG AA for every pair", () => {
    const failing = PAIRS.filter((p) => !p.exempt)
      .map((p) => ({ p, r: measure(p), min: p.min ?? 4.5 }))
      .filter(({ r, min }) => r < min)
      .map(({ p, r, min }) => `${p.what}: ${r.toFixed(2)}:1, needs ${min}:1`);
    expect(failing, "colour pairs below WCAG AA").toEqual([]);
  });
});
