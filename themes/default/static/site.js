// 长辈模式（适老化）：大字号、高对比度。选择保存在本机浏览器中。
(function () {
  var root = document.documentElement;
  var key = "gongkai-elder";
  function apply(on) {
    root.classList.toggle("elder", on);
    var b = document.getElementById("elder-toggle");
    if (b) b.setAttribute("aria-pressed", on ? "true" : "false");
  }
  var saved = false;
  try { saved = localStorage.getItem(key) === "1"; } catch (e) {}
  apply(saved);
  document.addEventListener("DOMContentLoaded", function () {
    apply(root.classList.contains("elder"));
    var b = document.getElementById("elder-toggle");
    if (!b) return;
    b.addEventListener("click", function () {
      var on = !root.classList.contains("elder");
      apply(on);
      try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) {}
    });
  });
})();
