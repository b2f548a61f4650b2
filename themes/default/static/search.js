// 全文搜索：在浏览器中查询 gongkai 生成的静态索引（search/*.json），不需要服务器程序。
// 索引由汉字的二字组合和英文、数字词组成；与 src/render/search.rs 的 query() 做法相同。
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var root = form.getAttribute("data-root") || "../";
  var base = root + "search/";
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var input = document.getElementById("q");

  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) || (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2fa1f);
  }
  function terms(text) {
    var out = new Set(), cjk = [], word = "";
    function flush() {
      if (cjk.length === 1) out.add(cjk[0]);
      for (var i = 0; i + 1 < cjk.length; i++) out.add(cjk[i] + cjk[i + 1]);
      cjk = [];
      if (word) { out.add(word); word = ""; }
    }
    for (var c of text) {
      if (isCjk(c)) { if (word) { out.add(word); word = ""; } cjk.push(c); }
      else if (/[A-Za-z0-9]/.test(c)) { if (cjk.length) { var w = word; word = ""; flush(); word = w; } word += c.toLowerCase(); }
      else flush();
    }
    flush();
    return Array.from(out);
  }
  function hash(term) {
    var bytes = new TextEncoder().encode(term), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  var cache = {};
  function get(name) {
    if (!cache[name]) cache[name] = fetch(base + name).then(function (r) { if (!r.ok) throw new Error(name); return r.json(); });
    return cache[name];
  }
  function show(text) { status.textContent = text; }

  function search(q) {
    list.textContent = "";
    var ts = terms(q);
    if (!ts.length) { show("请输入至少两个字的关键词。"); return; }
    show("正在搜索……");
    get("meta.json").then(function (meta) {
      return Promise.all(ts.map(function (t) {
        return get("t-" + (hash(t) % meta.shards) + ".json").then(function (shard) {
          var ids = new Set(), id = 0;
          (shard[t] || []).forEach(function (d) { id += d; ids.add(id); });
          return ids;
        });
      })).then(function (sets) {
        var found = Array.from(sets[0]).filter(function (id) { return sets.every(function (s) { return s.has(id); }); });
        if (!found.length) { show("没有找到包含“" + q + "”的报告。"); return; }
        var chunks = Array.from(new Set(found.map(function (id) { return Math.floor(id / meta.chunk); })));
        return Promise.all(chunks.map(function (k) { return get("d-" + k + ".json").then(function (d) { return [k, d]; }); })).then(function (pairs) {
          var docs = {};
          pairs.forEach(function (p) { docs[p[0]] = p[1]; });
          var rows = found.map(function (id) { return docs[Math.floor(id / meta.chunk)][id % meta.chunk]; });
          rows.sort(function (a, b) { return b[3] - a[3] || (a[2] < b[2] ? -1 : 1); });
          show("找到 " + rows.length + " 份包含“" + q + "”的报告。");
          rows.forEach(function (d) {
            var li = document.createElement("li"), a = document.createElement("a");
            a.href = root + encodeURI(d[1]);
            a.textContent = d[0];
            li.appendChild(a);
            var meta = document.createElement("span");
            meta.className = "result-meta";
            meta.textContent = " " + d[2] + " · " + d[3] + "年度";
            li.appendChild(meta);
            list.appendChild(li);
          });
        });
      });
    }).catch(function () { show("搜索索引无法读取：请通过网站服务器访问本页。"); });
  }
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(q); }
})();
