// The page's only stylesheet: readable on a phone (a wide table scrolls inside its box, the
// page never does; names and MACs never break mid-word), problems highlighted by colour and by a "problem" badge for those who cannot
// tell colours apart.
export const PROBLEM_BACKGROUND = "#fde2e1";

export const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0 auto;padding:1em;max-width:72em;line-height:1.4;overflow-wrap:anywhere}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:1.5em}h3{font-size:1.05em}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1.2em}
.banner{background:#fff3c4;padding:.5em;border:1px solid #e0c050}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5em 0}
caption{text-align:left;font-weight:600;padding:.2em 0}
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top;overflow-wrap:normal;white-space:nowrap}
td.list{white-space:normal;min-width:14em}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.mac,td.list{font-family:ui-monospace,monospace;font-size:.9em}
.problem{background:${PROBLEM_BACKGROUND}}
tr.problem td:first-child,li.problem{border-left:4px solid #c0392b}
.badge{display:inline-block;background:#c0392b;color:#fff;border-radius:.3em;padding:0 .3em;font-size:.85em}
.ok{color:#1e7b34}
.stale{font-weight:600}
ol.problems li,ul.blocked li{padding:.3em .5em;margin:.3em 0}
.old{color:#666}
@media (max-width:40em){body{padding:.5em}td,th{padding:.15em .3em}}
`;
