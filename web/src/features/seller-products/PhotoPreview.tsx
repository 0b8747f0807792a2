import { createSignal, onCleanup, Show } from 'solid-js';

/**
 * The photo field with a preview of the chosen picture before it is sent, so a seller on a
 * phone sees that the camera shot is the right one. Without JavaScript the same field posts
 * the same form; only the preview is missing.
 */
export default function PhotoPreview() {
  const [preview, setPreview] = createSignal<string | null>(null);
  const change = (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    const old = preview();
    if (old) URL.revokeObjectURL(old);
    setPreview(file ? URL.createObjectURL(file) : null);
  };
  onCleanup(() => {
    const old = preview();
    if (old) URL.revokeObjectURL(old);
  });
  return (
    <div class="field">
      <label for="photo">Ảnh mới (chụp bằng điện thoại hoặc chọn ảnh có sẵn)</label>
      <input id="photo" name="file" type="file" accept="image/*" capture="environment" required onChange={change} />
      <Show when={preview()}>{(src) => <img class="photo-preview" src={src()} alt="Xem trước ảnh sắp tải lên" />}</Show>
    </div>
  );
}
