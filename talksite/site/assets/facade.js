// The video facade: until the reader presses play or a chapter, the page holds no player and
// makes no request to the video host. One listener on the document serves every facade.
function player(src, title) {
  const frame = document.createElement("iframe");
  frame.className = "ts-video__frame";
  frame.src = src;
  frame.title = title;
  frame.allow = "autoplay; encrypted-media; picture-in-picture";
  frame.allowFullscreen = true;
  return frame;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.ts-video__play");
  const chapter = event.target.closest("a.ts-video__chapter");
  if (!button && !chapter) {
    return;
  }
  const facade = (button || chapter).closest(".ts-video");
  const box = facade.querySelector(".ts-video__frame-box");
  const play = box.querySelector("button.ts-video__play");
  const shown = box.querySelector("iframe.ts-video__frame");
  // A chapter plays in the page's player (the link to YouTube is for readers without JS).
  if (chapter) {
    event.preventDefault();
  }
  const src = chapter ? chapter.dataset.embed : button.dataset.embed;
  const title = (play || shown).dataset.title;
  const frame = player(src, title);
  frame.dataset.title = title;
  (play || shown).replaceWith(frame);
  if (chapter) {
    box.scrollIntoView({ block: "nearest" });
  }
  // The button or link had focus; hand it to the player so the keyboard can go on from there.
  frame.focus();
});
