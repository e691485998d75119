/// The page's stylesheet: readable tables, a two-column browser, pixelated
/// digit tiles, and colours that survive printing.
enum BrowserStyle {
    static let css = """
    :root { --ink: #1d2330; --muted: #5b6475; --line: #d8dce3; --accent: #2459a8; --bar: #6b8fc7; --neg: #c2563e; --hi: #e0a526; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fafbfc; }
    header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); padding: 8px 20px; }
    header h1 { font-size: 17px; margin: 0 0 6px; }
    #depth-tabs a { display: inline-block; margin: 0 6px 4px 0; padding: 3px 10px; border: 1px solid var(--line); border-radius: 14px;
      color: var(--accent); text-decoration: none; }
    #depth-tabs a.current { background: var(--accent); color: #fff; border-color: var(--accent); }
    main { padding: 12px 20px 40px; max-width: 1500px; }
    section#overview { max-width: 1100px; }
    h2 { font-size: 18px; margin: 22px 0 8px; } h3 { font-size: 16px; margin: 14px 0 6px; } h4 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: right; white-space: nowrap; }
    th { background: #f0f2f5; position: sticky; top: 0; }
    th:first-child, td:first-child { text-align: left; }
    .scroll { overflow-x: auto; margin-bottom: 10px; }
    figure { margin: 8px 0; } figure svg { max-width: 100%; height: auto; }
    code { background: #eef0f3; padding: 0 3px; border-radius: 3px; }
    .controls { margin: 8px 0; display: flex; gap: 14px; align-items: center; flex-wrap: wrap; color: var(--muted); }
    .controls input[type=number] { width: 70px; }
    .spreads { display: flex; flex-wrap: wrap; gap: 8px; }
    .spread figcaption, .charts figcaption { font-size: 12px; color: var(--muted); }
    .split { display: grid; grid-template-columns: minmax(420px, 1fr) minmax(360px, 500px); gap: 16px; align-items: start; }
    #latent-table { max-height: 75vh; overflow: auto; border: 1px solid var(--line); background: #fff; }
    #latent-table th.sortable { cursor: pointer; user-select: none; }
    #latent-table th.down::after { content: " ▾"; } #latent-table th.up::after { content: " ▴"; }
    #latent-table tr.selected td { background: #fff3d6; }
    #card { position: sticky; top: 90px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 14px 12px; min-height: 200px; }
    .facts { color: var(--muted); }
    .tiles { display: flex; flex-wrap: wrap; gap: 6px; }
    .tiles figure { margin: 0; text-align: center; font-size: 11px; color: var(--muted); }
    .tiles canvas { display: block; image-rendering: pixelated; border: 1px solid var(--line); }
    .charts { display: flex; flex-wrap: wrap; gap: 10px; }
    svg.chart text { font-size: 9px; fill: var(--muted); }
    rect.bar { fill: var(--bar); } rect.bar.negative { fill: var(--neg); } rect.bar.highlight { fill: var(--hi); }
    ul.links { list-style: none; padding: 0; margin: 0; columns: 2; font-variant-numeric: tabular-nums; }
    ul.links .weight { display: inline-block; height: 8px; background: var(--bar); vertical-align: middle; }
    .hint { color: var(--muted); }
    @media (max-width: 1000px) { .split { grid-template-columns: 1fr; } #card { position: static; } }
    """
}
