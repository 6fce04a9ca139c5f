/* The chapters of a 自评报告 in TinyMDE (vendored): every textarea[data-markdown] gets the
   editor and its command bar; the textarea stays the form's field (TinyMDE keeps it in sync)
   and is what users without JavaScript type in. */
(function () {
  if (!window.TinyMDE) return;
  document.querySelectorAll("textarea[data-markdown]").forEach(function (el) {
    var bar = document.createElement("div");
    bar.className = "markdown-commands";
    el.parentNode.insertBefore(bar, el);
    var editor = new TinyMDE.Editor({ textarea: el });
    editor.e.dataset.editorFor = el.id;
    editor.e.classList.add("form-control", "markdown-editor");
    editor.e.setAttribute("aria-label", (el.labels && el.labels[0] && el.labels[0].textContent) || el.name);
    new TinyMDE.CommandBar({
      element: bar,
      editor: editor,
      commands: ["bold", "italic", "|", "h2", "h3", "|", "ul", "ol", "|", "blockquote", "|", "undo", "redo"]
    });
  });
})();
