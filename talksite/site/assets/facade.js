// The video facade: until the reader presses play, the page holds no player and makes no
// request to the video host. One listener on the document serves every facade on the page.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.ts-video__play");
  if (!button) {
    return;
  }
  const frame = document.createElement("iframe");
  frame.className = "ts-video__frame";
  frame.src = button.dataset.embed;
  frame.title = button.dataset.title;
  frame.allow = "autoplay; encrypted-media; picture-in-picture";
  frame.allowFullscreen = true;
  button.replaceWith(frame);
  // The button had focus; hand it to the player so the keyboard can go on from there.
  frame.focus();
});
