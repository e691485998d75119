/// The feature browser's script: reads the page's embedded JSON, draws the
/// per-depth tables, histograms and latent cards, and follows `#d3/l117`
/// fragments. It builds SVG from markup (no namespace URLs) and reads
/// images from the page's own atlas, so it makes no request.
enum BrowserScript {
    static let source = #"""
"use strict";
(function () {
  const errors = [];
  function fail(message) {
    errors.push(String(message));
    document.body.dataset.errors = errors.join(" | ");
  }
  window.addEventListener("error", (event) => fail(event.message));
  window.addEventListener("unhandledrejection", (event) => fail(event.reason));
  document.addEventListener("securitypolicyviolation", (event) => fail("blocked request: " + event.blockedURI));

  const data = JSON.parse(document.getElementById("feature-data").textContent);
  const depths = new Map((data.depths || []).map((depth) => [depth.depth, depth]));
  const $ = (id) => document.getElementById(id);
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  const href = (depth, latent) => "#d" + depth + (latent === undefined ? "" : "/l" + latent);
  function format(x, digits) {
    if (typeof x !== "number" || Number.isNaN(x)) return "–";
    if (x !== 0 && (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3)) return x.toExponential(2);
    return x.toFixed(digits === undefined ? 3 : digits);
  }
  const percent = (x) => (100 * x).toFixed(x < 0.01 ? 2 : 1) + "%";

  // One grayscale atlas holds every shown image; tile t is row data.images.rows[t].
  const tiles = new Map(data.images ? data.images.rows.map((row, tile) => [row, tile]) : []);
  let atlas = null;
  const atlasLoaded = new Promise((resolve, reject) => {
    if (!data.images) { resolve(); return; }
    atlas = new Image();
    atlas.onload = () => resolve();
    atlas.onerror = () => reject(new Error("the image atlas did not decode"));
    atlas.src = "data:image/png;base64," + data.images.png;
  });

  // Small bar charts as SVG markup: bars of `values` with labels under them.
  function bars(values, labels, options) {
    const width = (options && options.width) || 320, height = (options && options.height) || 120;
    const top = Math.max(...values.map(Math.abs), 1e-12);
    const slot = width / Math.max(values.length, 1);
    const base = height - 18;
    let svg = '<svg class="chart" viewBox="0 0 ' + width + " " + height + '" width="' + width + '" height="' + height + '" role="img">';
    values.forEach((value, index) => {
      const h = Math.abs(value) / top * (base - 4);
      const cls = value < 0 ? "bar negative" : (options && options.highlight === index ? "bar highlight" : "bar");
      svg += '<rect class="' + cls + '" x="' + (index * slot + 1).toFixed(1) + '" y="' + (base - h).toFixed(1) +
        '" width="' + Math.max(slot - 2, 1).toFixed(1) + '" height="' + h.toFixed(1) + '"><title>' + escape(labels[index] + ": " + format(value, 4)) + "</title></rect>";
      const every = Math.ceil(values.length / Math.max(2, Math.floor(width / 40)));
      if (index % every === 0) {
        svg += '<text x="' + (index * slot + slot / 2).toFixed(1) + '" y="' + (height - 4) + '" text-anchor="middle">' + escape(labels[index]) + "</text>";
      }
    });
    return svg + "</svg>";
  }

  // Histogram of a column across a depth's latents, 20 equal bins.
  function spread(values, title) {
    const finite = values.filter((v) => v !== undefined && v !== null && Number.isFinite(v));
    if (finite.length === 0) return "";
    const low = Math.min(...finite), high = Math.max(...finite);
    const counts = new Array(20).fill(0);
    for (const v of finite) counts[high > low ? Math.min(19, Math.floor((v - low) / (high - low) * 20)) : 0] += 1;
    const labels = counts.map((_, i) => format(low + (high - low) * i / 20, 2));
    return '<figure class="spread"><figcaption>' + escape(title) + " (" + format(low, 3) + " – " + format(high, 3) + ")</figcaption>" +
      bars(counts, labels, { width: 220, height: 90 }) + "</figure>";
  }

  const columns = [
    { key: "latent", title: "latent", value: (l) => l.latent },
    { key: "frequency", title: "frequency", value: (l) => l.frequency, show: (l) => percent(l.frequency) },
    { key: "meanActivation", title: "mean activation", value: (l) => l.meanActivation, show: (l) => format(l.meanActivation) },
    { key: "selectivity", title: "CSP score", value: (l) => l.selectivity, show: (l) => format(l.selectivity) },
    { key: "topClass", title: "top class", value: (l) => l.topClass, show: (l) => String(l.topClass) },
    { key: "maxCorrelation", title: "max r (twin)", value: (l) => l.maxCorrelation, show: (l) => l.maxCorrelation === undefined ? "–" : format(l.maxCorrelation) + " (" + l.twin + ")" },
    { key: "participation", title: "PR", value: (l) => l.participation, show: (l) => format(l.participation, 2) },
    { key: "negativeMass", title: "negative mass", value: (l) => l.negativeMass, show: (l) => format(l.negativeMass) },
  ];
  const view = { depth: null, sort: "frequency", descending: true };

  function showDepth(depth) {
    const entry = depths.get(depth);
    $("overview").hidden = true;
    $("browser").hidden = false;
    for (const tab of document.querySelectorAll("#depth-tabs a")) tab.classList.toggle("current", tab.dataset.depth === String(depth));
    if (view.depth === depth) return;
    view.depth = depth;
    $("depth-title").textContent = (depth === 0 ? "Depth 0: the classifier's hidden units" : "Depth " + depth + ": SAE latents") +
      " (" + entry.width + ", over " + entry.rows + " examples)";
    const latents = entry.latents;
    $("depth-spread").innerHTML = [
      spread(latents.map((l) => l.frequency), "frequency"),
      spread(latents.map((l) => l.meanActivation), "mean activation"),
      spread(latents.map((l) => l.selectivity), "CSP score"),
      spread(latents.map((l) => l.maxCorrelation), "max r with another latent"),
      spread(latents.map((l) => l.participation), "participation ratio"),
    ].join("");
    drawTable();
  }

  function drawTable() {
    const entry = depths.get(view.depth);
    const topClass = $("filter-class").value;
    const minimum = Number($("filter-frequency").value) / 100 || 0;
    const hideDead = $("filter-dead").checked;
    const column = columns.find((c) => c.key === view.sort);
    const key = (l) => { const v = column.value(l); return v === undefined || v === null ? -Infinity : v; };
    const shown = entry.latents.filter((l) => (topClass === "" || String(l.topClass) === topClass) &&
      l.frequency >= minimum && (!hideDead || l.frequency > 0));
    shown.sort((a, b) => (view.descending ? key(b) - key(a) : key(a) - key(b)) || a.latent - b.latent);
    let html = "<table><thead><tr>" + columns.map((c) => '<th data-key="' + c.key + '" class="sortable' +
      (c.key === view.sort ? (view.descending ? " down" : " up") : "") + '">' + escape(c.title) + "</th>").join("") + "</tr></thead><tbody>";
    for (const l of shown) {
      html += '<tr data-latent="' + l.latent + '">' + columns.map((c) => "<td>" + (c.show
        ? c.show(l) : '<a href="' + href(view.depth, l.latent) + '">' + l.latent + "</a>") + "</td>").join("") + "</tr>";
    }
    $("latent-table").innerHTML = html + "</tbody></table>";
    $("latent-count").textContent = shown.length + " of " + entry.latents.length + " latents";
  }

  function linkList(items, depth, label) {
    if (!depths.has(depth) || items.length === 0) return "";
    const top = Math.max(...items.map((item) => Math.abs(item[1])), 1e-12);
    return "<h4>" + escape(label) + '</h4><ul class="links">' + items.map((item) =>
      '<li><a href="' + href(depth, item[0]) + '">d' + depth + "/" + item[0] + '</a> <span class="weight" style="width:' +
      (60 * Math.abs(item[1]) / top).toFixed(0) + 'px"></span> ' + format(item[1], 3) + "</li>").join("") + "</ul>";
  }

  function showCard(depth, index) {
    const entry = depths.get(depth);
    const l = entry && entry.latents[index];
    const card = $("card");
    if (!l) {
      card.innerHTML = "<p>Depth " + depth + " has no latent " + index + ".</p>";
      return;
    }
    card.innerHTML = "";
    const article = document.createElement("article");
    article.id = "card-d" + depth + "-l" + index;
    article.className = "card";
    let html = "<h3>Depth " + depth + " · " + (depth === 0 ? "unit " : "latent ") + index + "</h3>";
    html += '<p class="facts">fires on ' + percent(l.frequency) + " of examples · mean activation " + format(l.meanActivation) +
      " · CSP score " + format(l.selectivity) + " (top class " + l.topClass + ")" +
      (l.maxCorrelation === undefined ? "" : ' · max r ' + format(l.maxCorrelation) + ' with <a href="' + href(depth, l.twin) + '">' + l.twin + "</a>") +
      (l.participation === undefined ? "" : " · PR " + format(l.participation, 2) + " · negative mass " + format(l.negativeMass)) + "</p>";
    html += '<h4>Top activating examples</h4><div class="tiles" id="tiles"></div>';
    html += '<div class="charts"><figure><figcaption>class means</figcaption>' +
      bars(l.classMeans, l.classMeans.map((_, i) => String(i)), { highlight: l.topClass }) + "</figure>";
    if (l.histogram.length > 0) {
      const edges = l.histogram.map((_, i) => format(data.histogramEdges[l.histogramStart + i], 2));
      html += "<figure><figcaption>activation histogram (positive values, half-octave bins)</figcaption>" + bars(l.histogram, edges) + "</figure>";
    }
    html += "</div>";
    html += '<div class="lineage">' + linkList(l.parents, depth - 1, "draws on (depth " + (depth - 1) + ", decoder weight)") +
      linkList(l.children, depth + 1, "drawn on by (depth " + (depth + 1) + ", their decoder weight)") +
      linkList(l.neighbours, depth, "nearest by decoder cosine") + "</div>";
    article.innerHTML = html;
    card.append(article);
    drawTiles(article, l);
  }

  function drawTiles(article, l) {
    const box = article.querySelector("#tiles");
    if (l.top.length === 0) { box.textContent = "This latent never fired on the analysed examples."; article.dataset.imagesShown = "0"; return; }
    if (!data.images) {
      box.textContent = "The file stores no images (train or run with --images to keep them); the rows are " + l.top.join(", ") + ".";
      article.dataset.imagesShown = "0";
      return;
    }
    atlasLoaded.then(() => {
      const side = data.images.side, scale = Math.max(2, Math.ceil(56 / side));
      let shown = 0;
      l.top.forEach((row, rank) => {
        const tile = tiles.get(row);
        const figure = document.createElement("figure");
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = side * scale;
        if (tile !== undefined) {
          const context = canvas.getContext("2d");
          context.imageSmoothingEnabled = false;
          context.drawImage(atlas, (tile % data.images.columns) * side, Math.floor(tile / data.images.columns) * side, side, side, 0, 0, side * scale, side * scale);
          shown += 1;
        }
        const caption = document.createElement("figcaption");
        caption.textContent = "#" + row + " · " + format(l.topValues[rank], 2);
        figure.append(canvas, caption);
        box.append(figure);
      });
      article.dataset.imagesShown = String(shown);
    }).catch((error) => fail(error.message));
  }

  function route() {
    const match = /^#d(\d+)(?:\/l(\d+))?$/.exec(location.hash);
    if (!match || !depths.has(Number(match[1]))) {
      $("overview").hidden = false;
      $("browser").hidden = true;
      for (const tab of document.querySelectorAll("#depth-tabs a")) tab.classList.toggle("current", tab.dataset.depth === "overview");
      return;
    }
    showDepth(Number(match[1]));
    if (match[2] !== undefined) {
      showCard(Number(match[1]), Number(match[2]));
      const row = document.querySelector('#latent-table tr[data-latent="' + match[2] + '"]');
      for (const old of document.querySelectorAll("#latent-table tr.selected")) old.classList.remove("selected");
      if (row) row.classList.add("selected");
    } else {
      $("card").innerHTML = '<p class="hint">Choose a latent to see its examples, class means and lineage.</p>';
    }
  }

  // Tabs, filters, sorting.
  const tabs = $("depth-tabs");
  tabs.innerHTML = '<a href="#overview" data-depth="overview">Overview</a>' +
    [...depths.keys()].map((d) => '<a href="' + href(d) + '" data-depth="' + d + '">Depth ' + d + "</a>").join("");
  if (depths.size === 0) tabs.insertAdjacentHTML("beforeend", '<span class="hint">no per-latent data in these results</span>');
  $("filter-class").innerHTML = '<option value="">any</option>' + [...Array(10).keys()].map((c) => '<option value="' + c + '">' + c + "</option>").join("");
  for (const id of ["filter-class", "filter-frequency", "filter-dead"]) $(id).addEventListener("input", () => view.depth !== null && drawTable());
  $("latent-table").addEventListener("click", (event) => {
    const header = event.target.closest("th.sortable");
    if (!header) return;
    if (view.sort === header.dataset.key) view.descending = !view.descending; else { view.sort = header.dataset.key; view.descending = true; }
    drawTable();
  });
  window.addEventListener("hashchange", route);
  route();
  document.body.dataset.pageReady = "ok";
  // Milliseconds from navigation to a drawn page, for the benchmark.
  atlasLoaded.then(() => { document.body.dataset.readyMs = String(Math.round(performance.now())); }).catch(() => {});
})();
"""#
}
