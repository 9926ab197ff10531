// Progressive enhancement only: every page works without JavaScript.

// Submit the language and sort selectors on change.
document.querySelectorAll("select.auto-submit").forEach(function (el) {
  el.addEventListener("change", function () { el.form.submit(); });
});

// Search-box autocomplete (WAI-ARIA combobox with a listbox popup) backed by /api/v1/suggest.
document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var timer = null, active = -1, items = [], last = "", controller = null;

  function close() {
    list.hidden = true; list.innerHTML = ""; items = []; active = -1;
    input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
  }
  function highlight(index) {
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) { input.setAttribute("aria-activedescendant", items[index].id); }
    else { input.removeAttribute("aria-activedescendant"); }
  }
  function render(suggestions) {
    list.innerHTML = ""; items = [];
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-suggestion-" + i; li.setAttribute("role", "option"); li.className = "suggestion " + s.kind;
      li.textContent = s.text;            // text, never HTML: titles are harvested data
      li.dataset.url = s.url;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = s.url; });
      list.appendChild(li); items.push(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    active = -1;
  }
  function fetchSuggestions() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    if (q === last) { return; }
    last = q;
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(q) + "&lang=" + encodeURIComponent(input.dataset.lang);
    fetch(url, { signal: controller.signal, headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === q) { render(data.suggestions || []); } })
      .catch(function () { /* aborted or offline: keep plain search */ });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) { return; }
    if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + items.length) % items.length); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].dataset.url; }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
});
