// Chainlit hard-codes a few English labels that screen readers announce; give them French ones.
(function () {
  const labels = { "Toggle theme": "Changer de thème" };
  function translate(root) {
    root.querySelectorAll(".sr-only").forEach(function (node) {
      const french = labels[node.textContent];
      if (french) node.textContent = french;
    });
  }
  new MutationObserver(function () { translate(document.body); }).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
