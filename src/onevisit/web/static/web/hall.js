// The service hall pages: a button marked data-print prints the page (the ticket's print
// styles are in hall.css). Served from our own origin: the pages' CSP allows no inline script.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
