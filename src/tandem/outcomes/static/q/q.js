// The quick exit: leave for the neutral page and take this page out of the tab's history, so
// that the back button does not bring it back. Without this script the link still leaves.
(function () {
  "use strict";
  var links = document.querySelectorAll("a[data-quick-exit]");
  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.href);
    });
  });
})();
