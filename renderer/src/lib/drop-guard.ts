// A file dragged from the OS and dropped where no drop zone takes it would make the browser (and Electron) open it
// in place of the app: a navigation to file://. Refuse such drops anywhere in the window; the room's DropZone has
// already handled (and cancelled) the ones it takes. Main's navigation guard refuses file:// as well.
const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true;

export function installDropGuard(target: Window = window): () => void {
  const refuse = (e: DragEvent) => {
    if (!carriesFiles(e) || e.defaultPrevented) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
  };
  target.addEventListener('dragover', refuse);
  target.addEventListener('drop', refuse);
  return () => {
    target.removeEventListener('dragover', refuse);
    target.removeEventListener('drop', refuse);
  };
}
