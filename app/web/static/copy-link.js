// "Copier le lien" buttons: copy the text of the input named by data-copy. Without JavaScript the link stays
// visible (and selectable) in its field, and the buttons stay hidden.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const field = document.getElementById(button.dataset.copy);
      const done = function () {
        const status = document.getElementById(button.dataset.copy + "-status");
        if (status) status.textContent = "Lien copié.";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        field.select();
        if (document.execCommand("copy")) done();
      }
    });
  });
})();
