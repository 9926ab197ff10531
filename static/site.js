// Submit the language and sort selectors on change (the pages work without JavaScript too).
document.querySelectorAll("select.auto-submit").forEach(function (el) {
  el.addEventListener("change", function () { el.form.submit(); });
});
