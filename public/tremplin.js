// Chainlit hard-codes a few English texts that screen readers announce; give them French ones.
(function () {
  const labels = { "Toggle theme": "Changer de thème" };
  const avatarPrefix = "Avatar for "; // then the author's name, e.g. "Avatar for Tremplin"
  function translate(root) {
    root.querySelectorAll(".sr-only").forEach(function (node) {
      const french = labels[node.textContent];
      if (french) node.textContent = french;
    });
    root.querySelectorAll('img[alt^="' + avatarPrefix + '"]').forEach(function (image) {
      image.alt = image.alt.slice(avatarPrefix.length); // the name alone says who is speaking
    });
    root.querySelectorAll('img.logo[alt="logo"]').forEach(function (image) {
      image.alt = "Tremplin";
    });
  }
  new MutationObserver(function () { translate(document.body); }).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
