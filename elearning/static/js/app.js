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

// A focused link inside a table that scrolls sideways (the team matrix) is brought entirely into its frame:
// browsers leave a partly visible cell where it is, half under the frame's edge or the sticky first column
// (the frame's scroll-padding keeps that column clear).
document.addEventListener("focusin", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement) || !target.matches(".table-scroll a")) return;
  const frame = target.closest(".table-scroll").getBoundingClientRect();
  const box = target.getBoundingClientRect();
  if (box.left < frame.left || box.right > frame.right) {
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
});

// A link of an error summary to a group of fields (a quiz question) moves focus to its first field, with the
// group's legend in view (without this file the link scrolls to the group, and Tab starts from there).
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest(".error-summary a[href^='#']") : null;
  if (!link) return;
  const group = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  const field = group && group.querySelector("input, select, textarea");
  if (!field) return;
  event.preventDefault();
  group.scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});
