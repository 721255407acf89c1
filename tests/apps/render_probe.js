// Injected by report_render_test.py into a copy of report.html (never into
// the report itself). It collects script errors, console errors and
// Content-Security-Policy violations (any attempt to load something from
// outside the page), and after the load event records what the browser laid
// out: every SVG's box, its shapes' boxes and colours, and the legend that
// follows it, the shapes' tooltips and the comment counts written above
// the columns; the text and title of every shortened comment; and where
// each string in window.renderProbeFind (set by the test) is drawn. The
// result goes into a data attribute on <html>, which chromium --dump-dom
// prints.
(function () {
  var errors = [], blocked = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    errors.push(e.message ? 'error: ' + e.message + ' at ' + e.filename + ':' + e.lineno
                          : 'resource error: ' + (t && (t.src || t.href || t.tagName)));
  }, true);
  window.addEventListener('unhandledrejection', function (e) { errors.push('unhandled rejection: ' + e.reason); });
  var consoleError = console.error;
  console.error = function () {
    errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
  document.addEventListener('securitypolicyviolation', function (e) {
    blocked.push(e.effectiveDirective + ' blocked ' + e.blockedURI);
  });

  function box(el) {
    var r = el.getBoundingClientRect();
    return {x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height};
  }

  // The box of the first occurrence of `text` in the page's text.
  function text_box(text) {
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), node;
    while ((node = walker.nextNode())) {
      var at = node.data.indexOf(text);
      if (at < 0) continue;
      var range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      return box(range);
    }
    return null;
  }

  window.addEventListener('load', function () {
    var out = {errors: errors, blocked: blocked, charts: {},
               resources: performance.getEntriesByType('resource').map(function (r) { return r.name; }),
               viewport: {w: window.innerWidth, h: window.innerHeight, dpr: window.devicePixelRatio},
               page: {h: document.documentElement.scrollHeight}};
    document.querySelectorAll('svg').forEach(function (svg, i) {
      var chart = box(svg);
      chart.shapes = [];
      svg.querySelectorAll('rect, circle, ellipse, polyline, polygon, path, line').forEach(function (el) {
        var s = box(el), style = getComputedStyle(el);
        s.tag = el.tagName.toLowerCase();
        s.fill = style.fill;
        s.stroke = style.stroke;
        s.length = el.getTotalLength ? el.getTotalLength() : 0;
        s.cls = el.getAttribute('class') || '';
        var title = el.querySelector('title');
        s.title = title ? title.textContent : '';
        chart.shapes.push(s);
      });
      chart.counts = [];
      svg.querySelectorAll('text.count').forEach(function (el) {
        var s = box(el);
        s.text = el.textContent;
        chart.counts.push(s);
      });
      chart.legend = [];
      var next = svg.nextElementSibling;
      if (next && next.classList.contains('legend'))
        next.querySelectorAll('span').forEach(function (item) {
          var swatch = item.querySelector('i');
          chart.legend.push({text: item.textContent.trim(),
                             colour: swatch ? getComputedStyle(swatch).backgroundColor : ''});
        });
      out.charts[svg.id || 'svg' + i] = chart;
    });
    out.cuts = [];
    document.querySelectorAll('.cut').forEach(function (el) {
      out.cuts.push({text: el.textContent, title: el.getAttribute('title')});
    });
    out.found = {};
    (window.renderProbeFind || []).forEach(function (text) { out.found[text] = text_box(text); });
    document.documentElement.setAttribute('data-render-check', JSON.stringify(out));
  });
})();
