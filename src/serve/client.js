// gongkai serve: live reload and the error overlay. Only ever served by
// `gongkai serve`; `gongkai build` output never contains it.
(function () {
  "use strict";
  var overlay = null;
  function here() {
    var p = decodeURIComponent(location.pathname);
    return p.replace(/index\.html$/, "");
  }
  function style() {
    if (document.getElementById("gongkai-live-css")) return;
    var l = document.createElement("link");
    l.id = "gongkai-live-css";
    l.rel = "stylesheet";
    l.href = "/__gongkai/live.css";
    document.head.appendChild(l);
  }
  function show(data) {
    style();
    hide();
    overlay = document.createElement("section");
    overlay.id = "gongkai-overlay";
    overlay.setAttribute("role", "alert");
    var h = document.createElement("h2");
    h.textContent = "报告有错误，页面显示的是上一次正确的版本";
    overlay.appendChild(h);
    var list = document.createElement("ol");
    (data.findings || []).forEach(function (f) {
      var li = document.createElement("li");
      li.textContent = f;
      list.appendChild(li);
    });
    overlay.appendChild(list);
    var p = document.createElement("p");
    p.textContent = (data.summary || "") + " 保存修改后，此提示会自动消失。";
    overlay.appendChild(p);
    document.body.appendChild(overlay);
  }
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function swapCss() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (l) {
      if (l.id === "gongkai-live-css") return;
      var url = new URL(l.href);
      url.searchParams.set("v", Date.now());
      l.href = url.toString();
    });
  }
  var source = new EventSource("/__gongkai/events");
  source.addEventListener("errors", function (e) { show(JSON.parse(e.data)); });
  source.addEventListener("ok", function () { hide(); });
  source.addEventListener("css", function () { hide(); swapCss(); });
  source.addEventListener("reload", function (e) {
    var d = JSON.parse(e.data);
    hide();
    if (d.all || d.paths.indexOf(here()) >= 0) location.reload();
  });
})();
