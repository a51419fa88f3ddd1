// Progressive enhancements only: every page works without this file.
//
// A focused form field is brought entirely into view. Browsers scroll only as far as the text cursor, which
// can leave most of a multi-line field below the fold, under the screen's edge for people who zoom.
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLElement) || !field.matches("input, textarea, select")) return;
  const box = field.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) {
    field.scrollIntoView({ block: "nearest" });
  }
});
