/* Pickers with search (Tom Select, vendored): every multi-select (agencies of a task, a
   round's agencies …) becomes a box where each click adds one choice (no Ctrl, nothing
   dropped), and every long single select (agencies, statistics) gets a search field.
   A select opts out with data-no-picker. */
(function () {
  if (!window.TomSelect) return;
  var LONG = 12;
  document.querySelectorAll("select").forEach(function (el) {
    if (el.dataset.noPicker !== undefined || el.tomselect) return;
    var multiple = el.multiple;
    if (!multiple && !el.classList.contains("searchable") && el.options.length <= LONG) return;
    new TomSelect(el, {
      plugins: multiple ? ["remove_button", "checkbox_options"] : [],
      maxOptions: null,
      hideSelected: false,
      closeAfterSelect: !multiple,
      allowEmptyOption: true,
      searchField: ["text"],
      render: {
        no_results: function () {
          return '<div class="no-results">' + (el.dataset.noResults || "无匹配项 / No match") + "</div>";
        }
      }
    });
  });
})();
